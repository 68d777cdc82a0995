"""The import's writes: upload, confirm ("import the valid rows"), cancel ("import nothing until fixed"), and the
state transitions the tasks take. Called the same way from the pages and the API.

Every transition is one conditional UPDATE (`... WHERE state IN (allowed sources)`): whoever changes the row first
wins, and a second confirmation, a cancel racing an import, or a task run twice changes nothing. Each transition
writes one history entry on the job (who, the file's name and SHA-256, the counts; never a row's content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from auditlog.cid import correlation_id
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bangkit.accounts.models import User
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import ALL_REGIONS, covers
from bangkit.dataimport.choices import FINAL_STATES, TRANSITIONS, JobState, sources_of
from bangkit.dataimport.models import IMPORT_PEOPLE, ImportJob, ImportProblem, StagedPerson
from bangkit.dataimport.reading import FileProblem, detect_format
from bangkit.regions.models import Region, RegionLevel

DEFAULT_MAX_UPLOAD_MB = 20
# A preview nobody confirmed or cancelled expires after this many days; a job that a task should be working on but
# that has not moved for this many hours is taken to be lost and fails (`import_jobs_expire`).
DEFAULT_PREVIEW_EXPIRY_DAYS = 7
DEFAULT_STUCK_JOB_HOURS = 24
# Fields whose change a transition's history entry records.
_RECORDED = (
    "state",
    "rows_total",
    "rows_valid",
    "rows_invalid",
    "rows_with_warnings",
    "imported_people",
    "imported_accounts",
    "imported_stays",
    "imported_phones",
    "skipped_rows",
    "error_message",
)


_COUNTED = _RECORDED[1:-1]


def progress_key(job_id: int) -> str:
    """Where the import's current step is kept (in the cache) while its transaction runs: until it commits, the job
    row shows nothing of it to others."""
    return f"dataimport:{job_id}:step"


def max_upload_bytes() -> int:
    return int(getattr(settings, "DATAIMPORT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def import_jurisdiction(user: Any) -> frozenset[str]:
    """Where `user` may import people: the regions where they may register them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset({ALL_REGIONS})
    codes: frozenset[str] = user.jurisdiction_codes(IMPORT_PEOPLE)
    return codes


def require_on_job(actor: Any, job: ImportJob) -> None:
    """The job lies inside the actor's import jurisdiction; otherwise it does not exist for them."""
    if not covers(import_jurisdiction(actor), job.region_id):
        raise OutOfJurisdiction(_("Impor ini tidak ditemukan."))


def default_target_region(actor: User) -> Region | None:
    """The importer's organisation's region, when they may import there."""
    organisation = actor.organisation
    if organisation is None or not covers(import_jurisdiction(actor), organisation.region_id):
        return None
    return organisation.region


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_job_create(*, actor: User, upload: UploadedFile, region: Region | None = None) -> ImportJob:
    """Stores the uploaded file privately and queues its validation; the rows are read by the task."""
    codes = import_jurisdiction(actor)
    if not codes:
        raise OutOfJurisdiction(_("Anda tidak berhak mengimpor data orang."))
    if actor.organisation_id is None:
        raise ServiceError(_("Akun Anda belum terhubung ke organisasi."))
    region = region or default_target_region(actor)
    if region is None:
        raise ServiceError(_("Pilih wilayah tujuan impor."), field="region")
    if region.level < RegionLevel.PROVINCE or not covers(codes, region.code):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field="region")
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    if upload.size is None or upload.size == 0:
        raise ServiceError(_("Berkas kosong."), field="file")
    if upload.size > max_upload_bytes():
        raise ServiceError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)d MB. Bagi menjadi beberapa berkas.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": max_upload_bytes() // 1024 // 1024},
            field="file",
        )
    head = upload.read(8192)
    upload.seek(0)
    try:
        file_format = detect_format(name, head)
    except FileProblem as problem:
        raise ServiceError(problem.message, field="file") from problem
    job = ImportJob(
        region=region,
        organisation_id=actor.organisation_id,
        created_by=actor,
        original_name=name,
        file_format=file_format,
        file_size=upload.size,
        sha256=_sha256(upload),
    )
    job.file.save(name, upload, save=False)
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue_validation(job_id))
    return job


def _enqueue_validation(job_id: int) -> None:
    from bangkit.dataimport.tasks import validate_import_job

    validate_import_job.enqueue(job_id)


def _enqueue_import(job_id: int) -> None:
    from bangkit.dataimport.tasks import run_import_job

    run_import_job.enqueue(job_id)


def transition(
    job: ImportJob,
    target: str,
    *,
    actor: Any = None,
    sources: Iterable[str] | None = None,
    **fields: Any,
) -> bool:
    """Moves the job to `target` if it is in one of the allowed source states, with `fields`; True if it moved.

    The database decides (one conditional UPDATE); the winner writes the history entry and `job` is refreshed.
    """
    allowed = list(sources) if sources is not None else sources_of(target)
    assert all((source, target) in TRANSITIONS for source in allowed), f"no transition to {target} from {allowed}"
    before = {name: getattr(job, name) for name in _RECORDED}
    moved = ImportJob.objects.filter(pk=job.pk, state__in=allowed).update(
        state=target, updated_at=timezone.now(), **fields
    )
    job.refresh_from_db()
    if moved:
        log_job(job, before, actor=actor)
    return bool(moved)


def log_job(job: ImportJob, before: dict[str, Any], *, actor: Any = None) -> None:
    """One history entry for what changed on the job since `before`, carrying the file's name and SHA-256 and the
    job's counts (never a row's content)."""
    changes = {
        name: [str(before[name]), str(getattr(job, name))]
        for name in _RECORDED
        if name in before and before[name] != getattr(job, name)
    }
    LogEntry.objects.log_create(
        job,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        additional_data={**job.get_additional_data(), "counts": {name: getattr(job, name) for name in _COUNTED}},
        force_log=True,
    )


def clear_staging(job: ImportJob) -> None:
    """Forgets the job's staged rows and its file: nothing of the rows is kept once the job has ended."""
    raw_delete(StagedPerson.objects.filter(job=job))
    delete_file(job)


def raw_delete(rows: QuerySet[Any]) -> int:
    """Deletes rows in one statement, without signals: staged rows and problems are bookkeeping of the import,
    written in bulk and never anyone's decision, so their deletion is no history either (100,000 entries would
    be written otherwise)."""
    return int(rows._raw_delete(rows.db))


def delete_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """ "Import the valid rows": queues the import of exactly the rows the preview showed as valid."""
    require_on_job(actor, job)
    job.refresh_from_db()
    if job.state == JobState.VALIDATED and job.rows_valid == 0:
        raise ServiceError(_("Tidak ada baris valid untuk diimpor. Perbaiki berkasnya lalu unggah lagi."))
    if not transition(job, JobState.QUEUED, actor=actor, confirmed_by=actor, confirmed_at=timezone.now()):
        raise ServiceError(
            _("Impor ini tidak dapat dikonfirmasi lagi (status: %(state)s).") % {"state": job.get_state_display()}
        )
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue_import(job_id))
    return job


@transaction.atomic
def import_job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """ "Import nothing until the file is fixed": ends the job; its staged rows and file are deleted."""
    require_on_job(actor, job)
    if not transition(job, JobState.CANCELLED, actor=actor, finished_at=timezone.now()):
        raise ServiceError(
            _("Impor ini tidak dapat dibatalkan lagi (status: %(state)s).") % {"state": job.get_state_display()}
        )
    clear_staging(job)
    return job


# -- expiry ------------------------------------------------------------------------------------------------------


def preview_expiry_days() -> int:
    return int(getattr(settings, "DATAIMPORT_PREVIEW_EXPIRY_DAYS", DEFAULT_PREVIEW_EXPIRY_DAYS))


def stuck_job_hours() -> int:
    return int(getattr(settings, "DATAIMPORT_STUCK_JOB_HOURS", DEFAULT_STUCK_JOB_HOURS))


# The states a task works in (or should have started from), which a job does not stay in for long unless its task
# was lost: a worker that never ran, a process killed half-way, a queue emptied.
STUCK_STATES = (JobState.UPLOADED, JobState.VALIDATING, JobState.QUEUED)


@dataclass
class Expiry:
    """What `import_jobs_expire` did (or, on a dry run, would do): job ids only, never a file's name."""

    expired: list[int] = field(default_factory=list)  # previews → expired
    failed: list[int] = field(default_factory=list)  # stuck jobs → failed
    cleaned: list[int] = field(default_factory=list)  # ended jobs whose staged rows or file were still there


def expired_previews(*, now: datetime, days: int) -> QuerySet[ImportJob]:
    """Previews (`validated`) unchanged for `days` days: their state last changed when they became ready."""
    return ImportJob.objects.filter(state=JobState.VALIDATED, updated_at__lt=now - timedelta(days=days))


def stuck_jobs(*, now: datetime, hours: int) -> QuerySet[ImportJob]:
    """Jobs waiting for or held by a task whose state has not changed for `hours` hours."""
    return ImportJob.objects.filter(state__in=STUCK_STATES, updated_at__lt=now - timedelta(hours=hours))


def ended_with_leftovers() -> QuerySet[ImportJob]:
    """Ended jobs still holding staged rows or a file (a process stopped between ending the job and clearing it)."""
    staged = StagedPerson.objects.filter(job=OuterRef("pk"))
    return ImportJob.objects.filter(state__in=sorted(FINAL_STATES)).filter(~Q(file="") | Exists(staged))


def import_jobs_expire(
    *, now: datetime | None = None, days: int | None = None, hours: int | None = None, dry_run: bool = False
) -> Expiry:
    """Ends what nobody will finish: a preview older than `days` (default `DATAIMPORT_PREVIEW_EXPIRY_DAYS`) becomes
    `expired`; a job stuck in a task's state for `hours` (default `DATAIMPORT_STUCK_JOB_HOURS`) becomes `failed`,
    with a message saying to upload the file again. Either way its staged rows and its file are deleted, and the
    job's history records the change (no actor: nobody took the step). Ended jobs that still hold staged rows or a
    file lose them too.

    Each job is moved by the same conditional UPDATE as every transition, so a user confirming a preview, or a task
    taking up the job, at the same moment either wins or loses cleanly. Run by `manage.py expire_import_jobs`.
    """
    now = now or timezone.now()
    days = preview_expiry_days() if days is None else days
    hours = stuck_job_hours() if hours is None else hours
    result = Expiry()
    previews = list(expired_previews(now=now, days=days).order_by("pk").values_list("pk", flat=True))
    stuck = list(stuck_jobs(now=now, hours=hours).order_by("pk").values_list("pk", "state"))
    if dry_run:
        result.expired = previews
        result.failed = [pk for pk, _state in stuck]
        result.cleaned = list(ended_with_leftovers().order_by("pk").values_list("pk", flat=True))
        return result
    for pk in previews:
        if _end_job(pk, JobState.VALIDATED, JobState.EXPIRED, now=now, days=days, hours=hours):
            result.expired.append(pk)
    for pk, state in stuck:
        if _end_job(pk, state, JobState.FAILED, now=now, days=days, hours=hours):
            result.failed.append(pk)
    for job in ended_with_leftovers().order_by("pk"):
        clear_staging(job)
        result.cleaned.append(job.pk)
    return result


@contextmanager
def _for_job(job: ImportJob) -> Iterator[None]:
    """The job's own correlation id (as its tasks use) and its uploader's language, for the entry and message."""
    token = correlation_id.set(f"import-{job.pk}")
    try:
        with translation.override(getattr(job.created_by, "language", None) or settings.LANGUAGE_CODE):
            yield
    finally:
        correlation_id.reset(token)


def _end_job(pk: int, source: str, target: str, *, now: datetime, days: int, hours: int) -> bool:
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None:
        return False
    with transaction.atomic(), _for_job(job):
        moved = transition(
            job, target, sources=[source], error_message=_end_message(job, source, days, hours), finished_at=now
        )
        if moved:
            raw_delete(StagedPerson.objects.filter(job=job))
            if source == JobState.VALIDATING:
                # What the interrupted check found so far is no preview: a new upload checks the whole file.
                raw_delete(ImportProblem.objects.filter(job=job))
    if moved:
        delete_file(job)  # after the commit: a rolled-back expiry must not have lost the file of a live job
    return moved


def _end_message(job: ImportJob, source: str, days: int, hours: int) -> str:
    if source == JobState.VALIDATED:
        return ngettext(
            "Pratinjau impor ini kedaluwarsa karena tidak dikonfirmasi dalam %(days)d hari; baris yang sudah "
            "diperiksa telah dihapus dan tidak ada data yang diimpor. Unggah berkasnya lagi untuk mengimpor.",
            "Pratinjau impor ini kedaluwarsa karena tidak dikonfirmasi dalam %(days)d hari; baris yang sudah "
            "diperiksa telah dihapus dan tidak ada data yang diimpor. Unggah berkasnya lagi untuk mengimpor.",
            days,
        ) % {"days": days}
    if source == JobState.QUEUED:
        return ngettext(
            "Impor tidak selesai dalam %(hours)d jam dan dihentikan; tidak ada data yang tersimpan. Unggah berkasnya "
            "lagi, atau hubungi administrator bila terulang (impor #%(id)s).",
            "Impor tidak selesai dalam %(hours)d jam dan dihentikan; tidak ada data yang tersimpan. Unggah berkasnya "
            "lagi, atau hubungi administrator bila terulang (impor #%(id)s).",
            hours,
        ) % {"hours": hours, "id": job.pk}
    return ngettext(
        "Pemeriksaan berkas tidak selesai dalam %(hours)d jam dan dihentikan; tidak ada data yang tersimpan. Unggah "
        "berkasnya lagi, atau hubungi administrator bila terulang (impor #%(id)s).",
        "Pemeriksaan berkas tidak selesai dalam %(hours)d jam dan dihentikan; tidak ada data yang tersimpan. Unggah "
        "berkasnya lagi, atau hubungi administrator bila terulang (impor #%(id)s).",
        hours,
    ) % {"hours": hours, "id": job.pk}
