"""The background task that reads an uploaded document (django-tasks; see web/README.md).

Why django-tasks with its database backend (``django-tasks-db``): it is the backport of the task
framework that Django 6 ships (``django.tasks``), so the code stays when Django is upgraded; its
queue is a table in the app's own database, so it needs no broker and works on SQLite (one
machine) and PostgreSQL (production, with ``SELECT ... FOR UPDATE SKIP LOCKED``) alike; and
``manage.py db_worker`` is the worker that ``make run`` starts beside gunicorn. django-q2's ORM
broker would work too, but brings its own cluster, scheduler and admin for a single job.
Tests use the immediate backend (the task runs inside the request).
"""

from __future__ import annotations

from django_tasks import task

from documents import reading, redaction


@task()
def read_document(document_id: int) -> str:
    """Read a stored document's text and propose values (:func:`documents.reading.read`)."""
    return reading.read(document_id)


@task()
def redact_document(document_id: int) -> str:
    """Make the redacted copy of a confirmed document (:func:`documents.redaction.run`): a
    scan needs OCR, which takes seconds a page."""
    return redaction.run(document_id)
