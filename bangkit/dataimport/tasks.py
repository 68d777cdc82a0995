"""Background tasks of the import: check the uploaded file, then import the valid rows once confirmed.

Tasks receive the job's id only. They act for the job's user (the uploader, then whoever confirmed), in that
user's language, with the user's jurisdiction as it is when the task runs, and give every history entry they
write the job as correlation id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.cid import correlation_id
from auditlog.context import set_actor
from django.utils import translation
from django_tasks import task

from bangkit.dataimport.models import ImportJob


@contextmanager
def acting_for(user: Any, job_id: int) -> Iterator[None]:
    token = correlation_id.set(f"import-{job_id}")
    try:
        with set_actor(user), translation.override(getattr(user, "language", None) or "id"):
            yield
    finally:
        correlation_id.reset(token)


@task()
def validate_import_job(job_id: int) -> None:
    """Reads and checks the job's file; the job ends `validated` (the preview) or `failed`."""
    from bangkit.dataimport.checking import JobCheck

    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    with acting_for(job.created_by, job_id):
        JobCheck(job).run()


@task()
def run_import_job(job_id: int) -> None:
    """Imports the job's valid rows in one transaction; the job ends `imported` or `failed`."""
    from bangkit.dataimport.importing import run_import

    job = ImportJob.objects.select_related("confirmed_by").filter(pk=job_id).first()
    if job is None:
        return
    with acting_for(job.confirmed_by, job_id):
        run_import(job_id)
