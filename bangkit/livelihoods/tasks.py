"""Background work of the livelihoods app: scheduling visits after payments, escalating missed ones, and
re-scoring everyone's risk after the weights changed."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def schedule_follow_ups_task() -> int:
    from bangkit.livelihoods.services import follow_ups_schedule

    return follow_ups_schedule()


@task()
def escalate_follow_ups_task() -> list[int]:
    from bangkit.livelihoods.services import follow_ups_escalate

    return list(follow_ups_escalate())


@task()
def rescore_everyone_task(run_id: int) -> None:
    """Runs one `RescoreRun`, writing its progress as each range of people is done."""
    from bangkit.livelihoods.choices import RunState
    from bangkit.livelihoods.models import RescoreRun
    from bangkit.livelihoods.services import rescore_everyone

    if not RescoreRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(state=RunState.RUNNING):
        return  # already taken by another worker

    def progress(done: int, total: int) -> None:
        RescoreRun.objects.filter(pk=run_id).update(people_done=done, people_total=total)

    try:
        changed = rescore_everyone(progress=progress)
    except Exception:
        logger.exception("risk re-scoring run %s failed", run_id)
        RescoreRun.objects.filter(pk=run_id).update(state=RunState.FAILED, finished_at=timezone.now())
        raise
    RescoreRun.objects.filter(pk=run_id).update(state=RunState.DONE, level_changes=changed, finished_at=timezone.now())
