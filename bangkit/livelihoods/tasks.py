"""Background work of the livelihoods app: scheduling visits after payments, escalating missed ones, and
re-scoring everyone's risk after the weights changed."""

from __future__ import annotations

from django_tasks import task


@task()
def schedule_follow_ups_task(entitlement_ids: list[int] | None = None) -> int:
    """Schedules the visits of the grants a payment round just paid (all that lack theirs when None)."""
    from bangkit.livelihoods.services import follow_ups_schedule

    return follow_ups_schedule(entitlement_ids=entitlement_ids)


@task()
def escalate_follow_ups_task() -> list[int]:
    from bangkit.livelihoods.services import follow_ups_escalate

    return list(follow_ups_escalate())


@task()
def rescore_everyone_task() -> None:
    """Runs the newest queued `RescoreRun` unless one is running (which takes it when it ends)."""
    from bangkit.livelihoods.services import rescore_runs_work

    rescore_runs_work()
