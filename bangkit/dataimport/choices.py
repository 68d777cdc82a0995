"""The import pipeline's vocabularies and its one state table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("Orang, rekening dan riwayat migrasi")


class JobState(models.TextChoices):
    UPLOADED = "uploaded", _("Menunggu pemeriksaan")
    VALIDATING = "validating", _("Sedang diperiksa")
    VALIDATED = "validated", _("Siap ditinjau")
    QUEUED = "queued", _("Sedang diimpor")
    IMPORTED = "imported", _("Selesai diimpor")
    CANCELLED = "cancelled", _("Dibatalkan")
    FAILED = "failed", _("Gagal")
    EXPIRED = "expired", _("Kedaluwarsa")


# Every allowed step, and who takes it: the services refuse any other. "task" steps are taken by the background
# tasks, "user" steps by a person holding the import permission over the job's region, "expiry" steps by the
# periodic clean-up (`manage.py expire_import_jobs`) when a job waited or worked too long.
TRANSITIONS: dict[tuple[str, str], str] = {
    (JobState.UPLOADED, JobState.VALIDATING): "task",
    (JobState.VALIDATING, JobState.VALIDATED): "task",
    (JobState.VALIDATING, JobState.FAILED): "task",
    (JobState.UPLOADED, JobState.CANCELLED): "user",
    (JobState.VALIDATING, JobState.CANCELLED): "user",
    (JobState.VALIDATED, JobState.CANCELLED): "user",  # "import nothing until the file is fixed"
    (JobState.VALIDATED, JobState.QUEUED): "user",  # "import the valid rows"
    (JobState.QUEUED, JobState.CANCELLED): "user",
    (JobState.QUEUED, JobState.IMPORTED): "task",  # in the same transaction as the rows themselves
    (JobState.QUEUED, JobState.FAILED): "task",
    (JobState.VALIDATED, JobState.EXPIRED): "expiry",  # a preview nobody confirmed or cancelled in time
    (JobState.UPLOADED, JobState.FAILED): "expiry",  # never picked up by a worker
    # (VALIDATING, FAILED) and (QUEUED, FAILED) above are also taken by the expiry when the task seems lost.
}

ACTIVE_STATES = frozenset({JobState.UPLOADED, JobState.VALIDATING, JobState.QUEUED})
FINAL_STATES = frozenset({JobState.IMPORTED, JobState.CANCELLED, JobState.FAILED, JobState.EXPIRED})


def sources_of(target: str) -> list[str]:
    """The states from which `target` may be reached."""
    return [source for (source, to) in TRANSITIONS if to == target]


class Severity(models.TextChoices):
    ERROR = "error", _("Kesalahan")
    WARNING = "warning", _("Peringatan")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
