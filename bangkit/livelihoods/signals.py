"""Receivers of what the lower apps announce: payments to follow up, assessments to score."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bangkit.assistance.signals import entitlements_paid
from bangkit.cases.signals import assessment_recorded
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import RiskSource


@receiver(entitlements_paid, dispatch_uid="bangkit.livelihoods.schedule_after_payment")
def _schedule_after_payment(*, entitlement_ids: list[int], **kwargs: Any) -> None:
    from bangkit.livelihoods.tasks import schedule_follow_ups_task

    if entitlement_ids:
        schedule_follow_ups_task.enqueue()


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
