# One Makefile for people and CI. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(VENV)/bin/uv)
REQS := requirements/base.txt requirements/dev.txt
# Branch coverage of the core (src/crossroads) that `make test` requires, in percent.
COVERAGE_FLOOR := 90

.PHONY: help setup run tour test lint format bench docs clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.stamp: $(REQS) pyproject.toml scripts/setup.sh scripts/setup-system.sh
	@bash scripts/setup.sh
	@touch $@

setup: $(VENV)/.stamp ## Create .venv and install everything (idempotent)

run: setup ## Set up, load demo data and serve the web app on http://127.0.0.1:8000
	@cd web && ../$(PY) manage.py migrate --noinput -v0
	@cd web && ../$(PY) manage.py load_demo
	@echo "Crossroads is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	@# The task queue's worker (reads uploaded record documents) runs beside gunicorn and stops
	@# with it: the trap ends the worker whichever way gunicorn ends.
	@cd web && { ../$(PY) manage.py db_worker --interval 1 -v0 & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	  ../$(VENV)/bin/gunicorn -c gunicorn.conf.py; }

tour: setup ## Walk through the example cases in the terminal
	@$(VENV)/bin/crossroads tour

test: setup ## Set up and run all checks and tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file web/mypy.ini
	$(VENV)/bin/crossroads kb check -q
	$(VENV)/bin/coverage erase
	COVERAGE_PROCESS_START=$(CURDIR)/pyproject.toml $(VENV)/bin/coverage run -m pytest $(PYTEST_ARGS)
	$(VENV)/bin/coverage combine -q
	$(VENV)/bin/coverage report --fail-under=$(COVERAGE_FLOOR)
	@if [ -n "$$CROSSROADS_TEST_DATABASE_URL" ]; then \
	  echo "web tests again, on PostgreSQL"; \
	  DATABASE_URL="$$CROSSROADS_TEST_DATABASE_URL" $(PY) -m pytest tests/web --ignore=tests/web/browser $(PYTEST_ARGS); \
	fi

lint: setup ## Lint, format check and both type checks (core strict, web app)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file web/mypy.ini

format: setup ## Reformat the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup ## Print speed figures next to their floors (about 20 minutes)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_deid.py
	$(PY) scripts/bench_interop.py
	$(PY) scripts/bench_lines.py
	$(PY) scripts/bench_report.py
	$(PY) scripts/bench_api.py
	$(PY) scripts/bench_web.py
	$(PY) scripts/bench_journey.py
	$(PY) scripts/bench_resilience.py
	$(PY) scripts/bench_records.py
	$(PY) scripts/bench_screen.py

docs: setup ## Regenerate generated docs from the knowledge base
	$(VENV)/bin/crossroads kb docs --write

clean: ## Remove the environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis .benchmarks
