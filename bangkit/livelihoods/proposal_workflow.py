"""The business-development proposal workflow: every allowed change of state, who may take it and how far their
grant must reach. Nothing else moves a proposal.

    draft → submitted → recommended → verified → approved → funded
                                               ↘ rejected
    submitted | recommended | verified → draft   (returned with a reason by whoever reviews it at that step)

- draft, submit: the case worker or LKS who prepares it with the person (`livelihoods.change_proposal` over where
  the person lives);
- recommend: Dinsos kabupaten/kota, a supervisor over the person's regency (`livelihoods.recommend_proposal`);
  never the one who submitted it (also a database constraint);
- verify: the province, a program officer with a grant over the person's province (`livelihoods.verify_proposal`);
- approve or reject (with reasons): the Directorate, a program officer with a national grant
  (`livelihoods.approve_proposal`); never the one who recommended it (also a database constraint);
- fund: a finance officer over the person (`livelihoods.fund_proposal`), because funding prepares a tranche of an
  assistance scheme, which is their work (`livelihoods.proposals.proposal_fund`);
- milestones are recorded after funding by whoever follows the person up.

The services in `livelihoods.proposals` apply this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bangkit.accounts.roles import APPROVE_PROPOSAL, FUND_PROPOSAL, RECOMMEND_PROPOSAL, VERIFY_PROPOSAL
from bangkit.livelihoods.choices import ProposalState

PREPARE_PROPOSAL = "livelihoods.change_proposal"
ADD_MILESTONE = "livelihoods.add_proposalmilestone"
RECORD_MILESTONE = "livelihoods.change_proposalmilestone"


class Reach(Enum):
    """How far the actor's grant must reach for a step: over the person's home, their regency, their province,
    or the whole country."""

    PERSON = "person"
    REGENCY = "regency"
    PROVINCE = "province"
    NATION = "nation"

    def region_code(self, person_region: str) -> str | None:
        """The region the actor's grant must cover (None: all Indonesia)."""
        parts = person_region.split(".")
        if self is Reach.REGENCY:
            return ".".join(parts[:2])
        if self is Reach.PROVINCE:
            return parts[0]
        if self is Reach.NATION:
            return None
        return person_region


@dataclass(frozen=True)
class Step:
    source: frozenset[str]
    target: str
    permission: str
    reach: Reach


S = ProposalState

STEPS: dict[str, Step] = {
    "edit": Step(frozenset({S.DRAFT}), S.DRAFT, PREPARE_PROPOSAL, Reach.PERSON),
    "submit": Step(frozenset({S.DRAFT}), S.SUBMITTED, PREPARE_PROPOSAL, Reach.PERSON),
    "recommend": Step(frozenset({S.SUBMITTED}), S.RECOMMENDED, RECOMMEND_PROPOSAL, Reach.REGENCY),
    "verify": Step(frozenset({S.RECOMMENDED}), S.VERIFIED, VERIFY_PROPOSAL, Reach.PROVINCE),
    "approve": Step(frozenset({S.VERIFIED}), S.APPROVED, APPROVE_PROPOSAL, Reach.NATION),
    "reject": Step(frozenset({S.VERIFIED}), S.REJECTED, APPROVE_PROPOSAL, Reach.NATION),
    "fund": Step(frozenset({S.APPROVED}), S.FUNDED, FUND_PROPOSAL, Reach.PERSON),
    "add_milestone": Step(frozenset({S.FUNDED}), S.FUNDED, ADD_MILESTONE, Reach.PERSON),
    "record_milestone": Step(frozenset({S.FUNDED}), S.FUNDED, RECORD_MILESTONE, Reach.PERSON),
}

# Returning to draft is taken by whoever reviews the proposal in its present state, with their step's reach.
REVIEW_OF: dict[str, str] = {S.SUBMITTED: "recommend", S.RECOMMENDED: "verify", S.VERIFIED: "approve"}
RETURN_PERMISSIONS = tuple(STEPS[step].permission for step in REVIEW_OF.values())


def step_for(name: str, state: str) -> Step:
    """The step `name` as it applies to a proposal in `state` ("return" takes its reviewer's permission)."""
    if name == "return":
        review = STEPS[REVIEW_OF.get(state, "recommend")]
        return Step(frozenset(REVIEW_OF), S.DRAFT, review.permission, review.reach)
    return STEPS[name]
