"""Receivers of what the lower apps announce: payments to follow up, assessments to score, people who moved."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bangkit.assistance.signals import entitlements_paid
from bangkit.cases.signals import assessment_recorded
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import RiskSource
from bangkit.registry.signals import person_moved

IDS_IN_TASK = 10_000


@receiver(entitlements_paid, dispatch_uid="bangkit.livelihoods.schedule_after_payment")
def _schedule_after_payment(*, entitlement_ids: list[int], **kwargs: Any) -> None:
    from bangkit.livelihoods.tasks import schedule_follow_ups_task

    if entitlement_ids:
        # A national tranche's ids would make a task of megabytes; scanning every paid grant costs the same then.
        schedule_follow_ups_task.enqueue(list(entitlement_ids) if len(entitlement_ids) <= IDS_IN_TASK else None)


@receiver(assessment_recorded, dispatch_uid="bangkit.livelihoods.score_assessment")
def _score_assessment(*, assessment: Any, actor: Any, **kwargs: Any) -> None:
    from bangkit.livelihoods.services import person_rescore

    found = risk.from_assessment(assessment.risk_factors.values_list("factor", "present"))
    person_rescore(
        person=assessment.case.person,
        observations={
            factor: risk.Observation(present, RiskSource.ASSESSMENT, assessment.assessed_on)
            for factor, present in found.items()
        },
        source=RiskSource.ASSESSMENT,
        on=assessment.assessed_on,
        actor=actor,
    )


@receiver(person_moved, dispatch_uid="bangkit.livelihoods.follow_the_person")
def _follow_the_person(*, person: Any, **kwargs: Any) -> None:
    """Visits, risk and alerts are the district's where the person lives now: their copies of the region move."""
    from bangkit.livelihoods.models import Alert, FollowUp, PersonRisk

    for model in (FollowUp, PersonRisk, Alert):
        model.objects.filter(person=person).update(region_id=person.region_id)
