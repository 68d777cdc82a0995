"""Imports nobody finishes: a preview never confirmed expires, a job whose task was lost fails, and neither keeps
its staged rows (encrypted personal data) or its uploaded file (`manage.py expire_import_jobs`)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.core.exceptions import ServiceError
from bangkit.dataimport.choices import JobState
from bangkit.dataimport.importing import run_import
from bangkit.dataimport.models import ImportJob, ImportProblem, StagedPerson
from bangkit.dataimport.services import import_job_confirm, import_job_create
from bangkit.dataimport.tests.helpers import MARIA_NIK, cancel, csv_bytes, kupang_row, upload, valid_rows
from bangkit.registry.models import Person


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _expire(*args: str) -> str:
    out = StringIO()
    call_command("expire_import_jobs", *args, stdout=out)
    return out.getvalue()


def _age(job: ImportJob, **delta: float) -> None:
    """As if the job's state had last changed this long ago."""
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(**delta))


def _staged(job: ImportJob) -> int:
    return StagedPerson.objects.filter(job=job).count()


def _previewed(people: People) -> ImportJob:
    rows = [*valid_rows(), kupang_row(4, "Salah Wilayah", "", "P", "01-01-1991", **{"Kode Wilayah": "99.99"})]
    job = upload(people.kupang_case_worker, csv_bytes(rows))
    assert (job.state, _staged(job)) == (JobState.VALIDATED, 3), job.error_message
    return job


def _uploaded_only(people: People) -> ImportJob:
    """Uploaded, but its check never ran (no worker took the task)."""
    job = import_job_create(
        actor=people.kupang_case_worker, upload=SimpleUploadedFile("peserta.csv", csv_bytes(valid_rows()))
    )
    assert job.state == JobState.UPLOADED
    assert default_storage.exists(job.file.name)
    return job


def _queued(people: People) -> ImportJob:
    """Confirmed, but the import task has not run (or was lost)."""
    job = _previewed(people)
    import_job_confirm(actor=people.kupang_case_worker, job=job)  # the task would start on commit: it never does
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    return job


def test_it_tells_the_user_that_an_old_preview_expired_and_must_be_uploaded_again(client: Any, people: People) -> None:
    old, fresh = _previewed(people), _previewed(people)
    _age(old, days=8)
    _age(fresh, days=6)

    assert f"1 previews older than 7 days were expired: #{old.pk}" in _expire()

    old.refresh_from_db()
    assert old.state == JobState.EXPIRED
    assert _staged(old) == 0
    assert old.problems.exists()  # what was wrong with the file stays, to fix it before uploading again
    client.force_login(people.kupang_case_worker)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "Pratinjau ini sudah kedaluwarsa" in page
    assert "unggah berkasnya lagi" in page
    assert reverse("dataimport:job_upload") in page
    assert "Impor 3 baris valid" not in page
    assert "Kedaluwarsa" in client.get(reverse("dataimport:job_list")).content.decode()
    with pytest.raises(ServiceError) as refused:
        import_job_confirm(actor=people.kupang_case_worker, job=old)
    assert "Kedaluwarsa" in refused.value.message

    fresh.refresh_from_db()
    assert (fresh.state, _staged(fresh)) == (JobState.VALIDATED, 3)
    assert "Impor 3 baris valid" in client.get(fresh.get_absolute_url()).content.decode()


def test_it_says_so_through_the_api(api_client: Any, people: People) -> None:
    job = _previewed(people)
    _age(job, days=8)
    _expire()
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("importjob-detail", args=[job.pk])).json()
    assert (body["state"], body["state_label"], body["progress"]["active"]) == ("expired", "Kedaluwarsa", False)
    assert "Unggah berkasnya lagi untuk mengimpor" in body["error_message"]


def test_it_records_the_expiry_in_the_jobs_history(people: People) -> None:
    job = _previewed(people)
    _age(job, days=8)
    _expire()
    entry = LogEntry.objects.get_for_object(job).filter(changes__state__1="expired").get()
    assert entry.actor is None  # nobody took the step
    assert entry.changes["state"] == ["validated", "expired"]
    assert entry.additional_data["sha256"] == job.sha256
    assert entry.cid == f"import-{job.pk}"


def test_it_fails_a_job_whose_check_never_ran_and_deletes_its_file(client: Any, people: People) -> None:
    stuck, recent = _uploaded_only(people), _uploaded_only(people)
    _age(stuck, hours=25)
    _age(recent, hours=23)
    name = stuck.file.name

    assert f"1 jobs stuck for 24 hours were failed: #{stuck.pk}" in _expire()

    stuck.refresh_from_db()
    assert stuck.state == JobState.FAILED
    assert not stuck.file
    assert not default_storage.exists(name)
    assert "Unggah berkasnya lagi" in stuck.error_message
    client.force_login(people.kupang_case_worker)
    assert "Pemeriksaan berkas tidak selesai dalam 24 jam" in client.get(stuck.get_absolute_url()).content.decode()
    recent.refresh_from_db()
    assert recent.state == JobState.UPLOADED
    assert default_storage.exists(recent.file.name)


def test_it_fails_a_check_that_stopped_half_way_and_forgets_what_it_found(people: People) -> None:
    job = _previewed(people)
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.VALIDATING)  # the worker died while checking
    _age(job, hours=25)
    _expire()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert _staged(job) == 0
    assert not ImportProblem.objects.filter(job=job).exists()


def test_it_leaves_an_import_under_way_alone_and_fails_one_whose_task_was_lost(people: People) -> None:
    job = _queued(people)
    _age(job, hours=1)
    assert "0 jobs stuck" in _expire()
    job.refresh_from_db()
    assert (job.state, _staged(job)) == (JobState.QUEUED, 3)

    _age(job, hours=25)
    _expire()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "Impor tidak selesai dalam 24 jam" in job.error_message
    assert _staged(job) == 0
    run_import(job.pk)  # the lost task turns up after all: it finds nothing to do
    assert not Person.objects.exists()


def test_it_expires_after_the_configured_ages(people: People, settings: Any) -> None:
    settings.DATAIMPORT_PREVIEW_EXPIRY_DAYS = 2
    settings.DATAIMPORT_STUCK_JOB_HOURS = 3
    preview, young, stuck = _previewed(people), _previewed(people), _uploaded_only(people)
    _age(preview, days=2, hours=1)
    _age(young, days=1)
    _age(stuck, hours=4)
    output = _expire()
    assert "1 previews older than 2 days were expired" in output
    assert "1 jobs stuck for 3 hours were failed" in output
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert (states[preview.pk], states[young.pk], states[stuck.pk]) == ("expired", "validated", "failed")
    # The command's options win over the settings.
    _expire("--days", "1")
    assert ImportJob.objects.get(pk=young.pk).state == JobState.EXPIRED


def test_it_changes_nothing_on_a_dry_run(people: People) -> None:
    preview, stuck = _previewed(people), _uploaded_only(people)
    _age(preview, days=8)
    _age(stuck, days=2)
    output = _expire("--dry-run")
    assert f"1 previews older than 7 days would be expired: #{preview.pk}" in output
    assert f"1 jobs stuck for 24 hours would be failed: #{stuck.pk}" in output
    assert dict(ImportJob.objects.values_list("pk", "state")) == {
        preview.pk: JobState.VALIDATED,
        stuck.pk: JobState.UPLOADED,
    }
    assert _staged(preview) == 3
    assert default_storage.exists(stuck.file.name)


def test_it_clears_what_an_ended_job_left_behind(people: People) -> None:
    job = cancel(people.kupang_case_worker, _previewed(people))
    StagedPerson.objects.bulk_create(  # as if the process had stopped between ending the job and clearing it
        [StagedPerson(job=job, row_number=2, full_name="x", search_name="x", sex="F", region_id="53.01")]
    )
    imported = _previewed(people)
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(actor=people.kupang_case_worker, job=imported)
    assert ImportJob.objects.get(pk=imported.pk).state == JobState.IMPORTED

    assert f"1 ended jobs were cleared of staged rows or files: #{job.pk}" in _expire()
    assert not StagedPerson.objects.exists()
    assert "0 ended jobs" in _expire()
    assert Person.objects.filter_exact(nik=MARIA_NIK).exists()


def test_it_refuses_a_meaningless_age(people: People) -> None:
    with pytest.raises(CommandError):
        _expire("--days", "0")
