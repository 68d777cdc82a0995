from __future__ import annotations

from django import template

from bangkit.cases.choices import CaseState, Priority
from bangkit.core.formatting import rupiah

register = template.Library()

_STATE_CLASSES: dict[str, str] = {
    CaseState.REFERRAL_RECEIVED: "text-bg-secondary",
    CaseState.ASSESSMENT: "text-bg-info",
    CaseState.INTERVENTION_PLAN: "text-bg-primary",
    CaseState.INTERVENTION: "text-bg-primary",
    CaseState.MONITORING: "text-bg-warning",
    CaseState.TERMINATED: "text-bg-success",
    CaseState.REFERRED_OUT: "text-bg-dark",
    CaseState.CLOSED: "text-bg-dark",
}
_PRIORITY_CLASSES: dict[str, str] = {Priority.HIGH: "text-bg-warning", Priority.URGENT: "text-bg-danger"}


@register.filter
def state_class(state: str) -> str:
    """The Bootstrap badge class of a case state."""
    return _STATE_CLASSES.get(state, "text-bg-secondary")


@register.filter
def priority_class(priority: str) -> str:
    return _PRIORITY_CLASSES.get(priority, "text-bg-light border")


register.filter("rupiah", rupiah)
