"""Reads of imports: the jobs a user may see, a job's problems, its progress, and which possible duplicates the
user may be shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.dataimport.choices import JobState, Severity
from bangkit.dataimport.models import IMPORT_PEOPLE, ImportJob, ImportProblem
from bangkit.dataimport.services import progress_key
from bangkit.registry.models import Person

_STEPS = {
    "checking": _("memeriksa ulang"),
    "people": _("menyimpan orang"),
    "details": _("menyimpan rekening, telepon dan riwayat migrasi"),
    "history": _("mencatat riwayat"),
}


def jobs_for(user: Any, *, only_own: bool = False) -> QuerySet[ImportJob]:
    """Jobs in the regions where `user` may import people; `only_own`: those they uploaded."""
    jobs = ImportJob.objects.restrict(user, permission=IMPORT_PEOPLE)
    if only_own:
        jobs = jobs.filter(created_by=user)
    return jobs.select_related("region", "created_by")


def problems_of(job: ImportJob, *, severity: str | None = None) -> QuerySet[ImportProblem]:
    problems = ImportProblem.objects.filter(job=job)
    if severity in Severity.values:
        problems = problems.filter(severity=severity)
    return problems.order_by("row", "id")


def visible_people(user: Any, ids: Iterable[int | None]) -> set[int]:
    """Which of these registered people `user` may see (a possible duplicate outside is never named)."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return set()
    return set(Person.objects.restrict(user, "view").filter(pk__in=wanted).values_list("pk", flat=True))


def job_progress(job: ImportJob) -> dict[str, Any]:
    """The progress bar's state: percent (None while the import's transaction runs: shown as busy) and a label."""
    step = ""
    percent: int | None = job.progress
    if job.state == JobState.QUEUED:
        raw = cache.get(progress_key(job.pk))
        step = str(_STEPS.get(raw, "")) if raw else ""
        percent = None
    elif job.state == JobState.UPLOADED:
        percent = 0
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "percent": percent,
        "rows_read": job.rows_read,
        "step": step,
        "active": job.is_active,
    }
