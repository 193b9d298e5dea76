#!/usr/bin/env bash
# Idempotent set-up: a .venv with pinned, hash-checked packages and the project in editable mode.
# Called by `make setup`; safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

bash scripts/setup-system.sh

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv $UV_VERSION"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
[ -x .venv/bin/python ] || uv venv --quiet --python "$PYTHON" .venv
echo "setup: installing pinned packages into .venv"
uv pip install --quiet --compile-bytecode --python .venv/bin/python --require-hashes \
  -r requirements/base.txt -r requirements/dev.txt
uv pip install --quiet --python .venv/bin/python --no-deps --no-build-isolation -e . 2>/dev/null \
  || uv pip install --quiet --python .venv/bin/python --no-deps -e .
# Byte-compile everything once: some environments set PYTHONDONTWRITEBYTECODE, and without
# .pyc files every start would recompile pydantic and friends (several hundred milliseconds).
.venv/bin/python -m compileall -q -j 0 src .venv/lib/python3*/site-packages >/dev/null || true
echo "setup: done"
