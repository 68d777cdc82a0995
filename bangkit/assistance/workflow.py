"""The tranche workflow: every allowed change of state and who may take it. Nothing else moves a tranche.

    draft → submitted → approved → sent → closed   (cash: paid through bank files)
    draft → submitted → approved → closed          (in kind: handed over)
    submitted → draft (returned);   draft | submitted | approved → cancelled
    sent → sent (re-issued payments go to the bank in a further round)

The preparer of a tranche never approves it (also a database constraint); above the scheme's threshold a second,
third person approves too. The services in `assistance.services` apply this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from bangkit.accounts.roles import APPROVE_TRANCHE, SEND_TRANCHE
from bangkit.assistance.choices import TrancheState

PREPARE_TRANCHE = "assistance.change_tranche"


@dataclass(frozen=True)
class Step:
    source: frozenset[str]
    target: str
    permission: str


S = TrancheState

STEPS: dict[str, Step] = {
    "prepare": Step(frozenset({S.DRAFT}), S.DRAFT, PREPARE_TRANCHE),
    "submit": Step(frozenset({S.DRAFT}), S.SUBMITTED, PREPARE_TRANCHE),
    "return": Step(frozenset({S.SUBMITTED}), S.DRAFT, APPROVE_TRANCHE),
    "approve": Step(frozenset({S.SUBMITTED}), S.APPROVED, APPROVE_TRANCHE),
    "send": Step(frozenset({S.APPROVED}), S.SENT, SEND_TRANCHE),
    "resend": Step(frozenset({S.SENT}), S.SENT, SEND_TRANCHE),
    "record_results": Step(frozenset({S.SENT}), S.SENT, SEND_TRANCHE),
    "hand_over": Step(frozenset({S.APPROVED}), S.APPROVED, PREPARE_TRANCHE),
    # The Berita Acara's details and its signed scan may be put right after the tranche is closed.
    "cancel_entitlement": Step(frozenset({S.APPROVED, S.SENT}), S.APPROVED, APPROVE_TRANCHE),
    "attach_receipt": Step(frozenset({S.APPROVED, S.CLOSED}), S.APPROVED, PREPARE_TRANCHE),
    "close": Step(frozenset({S.APPROVED, S.SENT}), S.CLOSED, PREPARE_TRANCHE),
    "cancel": Step(frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED}), S.CANCELLED, APPROVE_TRANCHE),
}
