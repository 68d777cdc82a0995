"""The case workflow: every allowed change of state, who may take it, and what it needs. Nothing else moves a case.

    referral received → assessment → intervention plan ⇒ intervention → monitoring ⇒ terminated
    any open state → referred out | closed (with a reason);  a finished case → assessment (reopen, with a reason)

⇒ marks a step that takes effect only when a supervisor approves it (`CaseApproval`): the case worker submits, a
different user with `cases.approve_case` decides. The services in `cases.services.cases` apply this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from bangkit.accounts.roles import APPROVE_CASE, REOPEN_CASE
from bangkit.cases.choices import FINAL_STATES, OPEN_STATES, ApprovalKind, CaseState

CHANGE_CASE = "cases.change_case"


@dataclass(frozen=True)
class Transition:
    source: frozenset[str]
    target: str
    permission: str
    # Taken only through an approved request of this kind, never directly.
    approval: str | None = None
    needs_reason: bool = False
    # Only when the case has at least one assessment.
    needs_assessment: bool = False
    # Only when the case has at least one plan line that is not cancelled.
    needs_plan: bool = False


S = CaseState

TRANSITIONS: tuple[Transition, ...] = (
    Transition(frozenset({S.REFERRAL_RECEIVED}), S.ASSESSMENT, CHANGE_CASE),
    Transition(frozenset({S.ASSESSMENT}), S.INTERVENTION_PLAN, CHANGE_CASE, needs_assessment=True),
    Transition(frozenset({S.INTERVENTION_PLAN}), S.ASSESSMENT, CHANGE_CASE),
    Transition(
        frozenset({S.INTERVENTION_PLAN}), S.INTERVENTION, APPROVE_CASE, approval=ApprovalKind.PLAN, needs_plan=True
    ),
    Transition(frozenset({S.INTERVENTION}), S.MONITORING, CHANGE_CASE),
    Transition(frozenset({S.MONITORING}), S.INTERVENTION, CHANGE_CASE),
    Transition(frozenset({S.MONITORING}), S.TERMINATED, APPROVE_CASE, approval=ApprovalKind.TERMINATION),
    Transition(frozenset(OPEN_STATES), S.REFERRED_OUT, CHANGE_CASE, needs_reason=True),
    Transition(frozenset(OPEN_STATES), S.CLOSED, CHANGE_CASE, needs_reason=True),
    Transition(frozenset(FINAL_STATES), S.ASSESSMENT, REOPEN_CASE, needs_reason=True),
)

# The state a pending approval of each kind is submitted from.
APPROVAL_SOURCE: dict[str, str] = {
    transition.approval: next(iter(transition.source)) for transition in TRANSITIONS if transition.approval
}


def transition_to(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if source in t.source and t.target == target), None)


def approval_transition(kind: str) -> Transition:
    return next(t for t in TRANSITIONS if t.approval == kind)


def targets_from(source: str) -> list[Transition]:
    """The steps open from `source`, in the table's order (how the case page lists its buttons)."""
    return [t for t in TRANSITIONS if source in t.source]
