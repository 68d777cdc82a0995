"""Rupiah and the colours of the assistance states, for the assistance pages and the person's ledger tab."""

from __future__ import annotations

from django import template

from bangkit.assistance.choices import EntitlementState, PaymentOutcome, TrancheState
from bangkit.core.formatting import rupiah

register = template.Library()

_TRANCHE: dict[str, str] = {
    TrancheState.DRAFT: "text-bg-secondary",
    TrancheState.SUBMITTED: "text-bg-info",
    TrancheState.APPROVED: "text-bg-primary",
    TrancheState.SENT: "text-bg-warning",
    TrancheState.CLOSED: "text-bg-success",
    TrancheState.CANCELLED: "text-bg-dark",
}
_ENTITLEMENT: dict[str, str] = {
    EntitlementState.DRAFT: "text-bg-secondary",
    EntitlementState.APPROVED: "text-bg-primary",
    EntitlementState.SENT: "text-bg-warning",
    EntitlementState.PAID: "text-bg-success",
    EntitlementState.FAILED: "text-bg-danger",
    EntitlementState.CANCELLED: "text-bg-dark",
}
_PAYMENT: dict[str, str] = {
    PaymentOutcome.PENDING: "text-bg-warning",
    PaymentOutcome.PAID: "text-bg-success",
    PaymentOutcome.FAILED: "text-bg-danger",
}


@register.filter
def tranche_state_class(state: str) -> str:
    """The Bootstrap badge class of a tranche state."""
    return _TRANCHE.get(state, "text-bg-secondary")


@register.filter
def entitlement_state_class(state: str) -> str:
    return _ENTITLEMENT.get(state, "text-bg-secondary")


@register.filter
def payment_outcome_class(outcome: str) -> str:
    return _PAYMENT.get(outcome, "text-bg-secondary")


register.filter("rupiah", rupiah)
