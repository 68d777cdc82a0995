"""Writes of business-development proposals: prepared as a draft with its budget and attachments, then moved along
`proposal_workflow.STEPS` (each step locks the proposal's row first, so that of many reviewers pressing the same
button at once one takes the step and the others are told it happened), funded, and followed up by milestones.

Eligibility (`proposal_selectors.proposal_eligibility`: the business has run six months, the follow-up visits are
done, no open high risk) is shown to every reviewer but blocks nothing: a proposal is a request the Directorate
weighs, and a person with a missed visit or a group business started by someone else may still deserve funding.
The reviewers see the warnings and decide, with their names on the decision.

Funding goes through the assistance module, so that the grant is approved, paid or handed over, reconciled and
audited like any other: `proposal_fund` creates one entitlement for the approved amount under the chosen scheme, held
to that scheme's own rules (where the person lives, consent, one entitlement per person per scheme, and a verified
bank account only where the scheme asks for one: a cash scheme that requires it, never an in-kind one), in a draft
tranche *the funding officer prepares* — the latest such draft of the scheme, else a new one.
Being its preparer, the funder can never approve that tranche (assistance's maker-checker constraint): another
finance officer approves, sends and reconciles it as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.accounts.models import User
from bangkit.assistance import selectors as assistance_selectors
from bangkit.assistance.choices import EntitlementState, SchemeKind, TrancheState
from bangkit.assistance.models import Entitlement, Scheme, Tranche
from bangkit.assistance.services import tranche_create
from bangkit.assistance.services.base import locked as locked_tranche
from bangkit.assistance.services.base import require_on_scheme
from bangkit.assistance.workflow import PREPARE_TRANCHE
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.formatting import rupiah
from bangkit.core.scoping import holds_over
from bangkit.core.uploads import checked_scan
from bangkit.core.validation import clean
from bangkit.livelihoods.choices import ProposalState
from bangkit.livelihoods.models import (
    Enterprise,
    Proposal,
    ProposalAttachment,
    ProposalBudgetLine,
    ProposalMilestone,
)
from bangkit.livelihoods.proposal_workflow import Reach, step_for
from bangkit.livelihoods.services import _require_not_future, _timeline
from bangkit.registry.models import Person
from bangkit.registry.selectors.details import holds_on_person, refuse_merged, require_on_person

VIEW_PROPOSAL = "livelihoods.view_proposal"
# A stimulus-sized business grant, not a loan book: a typing slip of extra zeros is refused.
MAX_PROPOSAL_RUPIAH = 500_000_000
DRAFT_FIELDS = ("title", "business_plan", "expected_results", "amount_requested", "enterprise")

_REACH_REFUSAL = {
    Reach.PERSON: _l("Anda tidak berwenang melakukan ini untuk orang ini."),
    Reach.REGENCY: _l("Rekomendasi diberikan oleh Dinas Sosial kabupaten/kota tempat pengusul tinggal."),
    Reach.PROVINCE: _l("Verifikasi dilakukan oleh petugas program provinsi tempat pengusul tinggal."),
    Reach.NATION: _l("Keputusan diambil oleh Direktorat, dengan hak akses nasional."),
}


def may_take(user: Any, step_name: str, proposal: Proposal) -> bool:
    """Whether `user` may take the step now: the proposal is in one of its states and the user's grant for it
    reaches far enough (no query beyond the user's grants)."""
    step = step_for(step_name, proposal.state)
    return proposal.state in step.source and holds_over(
        user, step.permission, step.reach.region_code(proposal.person.region_id)
    )


def _locked(proposal: Proposal, step_name: str, actor: Any) -> Proposal:
    """The proposal, locked, after checking that the step is allowed now and to this actor."""
    row = Proposal.objects.select_for_update(of=("self",)).select_related("person").get(pk=proposal.pk)
    if not holds_on_person(actor, VIEW_PROPOSAL, row.person):
        raise OutOfJurisdiction(_("Proposal tidak ditemukan atau di luar yurisdiksi Anda."))
    step = step_for(step_name, row.state)
    if row.state not in step.source:
        raise ServiceError(
            _(
                "Proposal ini berstatus %(state)s; langkah ini tidak dapat diambil "
                "(mungkin baru saja diproses orang lain)."
            )
            % {"state": row.get_state_display()}
        )
    if not holds_over(actor, step.permission, step.reach.region_code(row.person.region_id)):
        raise NotPermitted(str(_REACH_REFUSAL[step.reach]))
    return row


def _check_amount(amount: int, field: str) -> None:
    if amount > MAX_PROPOSAL_RUPIAH:
        raise ServiceError(_("Jumlah ini terlalu besar; periksa angka nolnya."), field=field)


def _check_enterprise(actor: Any, person: Person, enterprise: Enterprise | None) -> None:
    if enterprise is None:
        return
    if not holds_over(actor, "livelihoods.view_enterprise", enterprise.region_id):
        raise ServiceError(_("Usaha ini tidak ditemukan atau di luar yurisdiksi Anda."), field="enterprise")
    if not enterprise.members.filter(person=person, left_on__isnull=True).exists():
        raise ServiceError(_("Orang ini bukan anggota usaha tersebut."), field="enterprise")


def _record(proposal: Proposal, summary: str, *, actor: Any) -> None:
    _timeline(
        proposal.person,
        _("Proposal “%(title)s”: %(what)s") % {"title": proposal.title, "what": summary},
        actor=actor,
    )


# --- the draft ---------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    person: Person,
    title: str,
    business_plan: str,
    expected_results: str,
    amount_requested: int,
    enterprise: Enterprise | None = None,
    budget_lines: Iterable[dict[str, Any]] = (),
) -> Proposal:
    """A draft proposal of `person`, with its budget lines if given (item, quantity, unit_cost)."""
    require_on_person(actor, Proposal, "add", person)
    refuse_merged(person)
    _check_amount(amount_requested, "amount_requested")
    _check_enterprise(actor, person, enterprise)
    proposal = Proposal(
        person=person,
        enterprise=enterprise,
        title=title.strip(),
        business_plan=business_plan.strip(),
        expected_results=expected_results.strip(),
        amount_requested=amount_requested,
        prepared_by=actor,
    )
    clean(proposal)
    proposal.save()
    for line in budget_lines:
        _add_line(proposal, **line)
    _record(proposal, _("disusun"), actor=actor)
    return proposal


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, **values: Any) -> Proposal:
    """Changes a draft: its title, plan, expected results, amount requested or business."""
    unknown = set(values) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"proposal_update: unknown fields {sorted(unknown)}")
    row = _locked(proposal, "edit", actor)
    if "amount_requested" in values:
        _check_amount(values["amount_requested"], "amount_requested")
    if "enterprise" in values:
        _check_enterprise(actor, row.person, values["enterprise"])
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    clean(row)
    row.save()
    return row


def _add_line(proposal: Proposal, *, item: str, quantity: int, unit_cost: int) -> ProposalBudgetLine:
    _check_amount(quantity * unit_cost, "unit_cost")
    line = ProposalBudgetLine(proposal=proposal, item=item.strip(), quantity=quantity, unit_cost=unit_cost)
    clean(line)
    line.save()
    return line


@transaction.atomic
def proposal_budget_line_add(
    *, actor: User, proposal: Proposal, item: str, quantity: int, unit_cost: int
) -> ProposalBudgetLine:
    row = _locked(proposal, "edit", actor)
    return _add_line(row, item=item, quantity=quantity, unit_cost=unit_cost)


@transaction.atomic
def proposal_budget_line_remove(*, actor: User, proposal: Proposal, line: ProposalBudgetLine) -> None:
    row = _locked(proposal, "edit", actor)
    if line.proposal_id != row.pk:
        raise ServiceError(_("Rincian ini bukan milik proposal ini."), field="line")
    line.delete()


@transaction.atomic
def proposal_budget_line_change(
    *,
    actor: User,
    line: ProposalBudgetLine,
    item: str | None = None,
    quantity: int | None = None,
    unit_cost: int | None = None,
) -> ProposalBudgetLine:
    """Corrects one line of a draft's budget: what, how many, at what price (what is not given stays). Checked as
    a new line is; like the other lines, it must add up with them to the amount requested when the draft is
    submitted. The change is kept in the line's history."""
    row = _locked(line.proposal, "edit", actor)
    locked = ProposalBudgetLine.objects.select_for_update().filter(pk=line.pk, proposal=row).first()
    if locked is None:
        raise ServiceError(_("Rincian anggaran ini sudah tidak ada."), field="line")
    if item is not None:
        locked.item = item.strip()
    if quantity is not None:
        locked.quantity = quantity
    if unit_cost is not None:
        locked.unit_cost = unit_cost
    _check_amount(locked.quantity * locked.unit_cost, "unit_cost")
    clean(locked)
    locked.save()
    return locked


@transaction.atomic
def proposal_attachment_add(*, actor: User, proposal: Proposal, title: str, scan: Any) -> ProposalAttachment:
    """A supporting document (PDF, JPEG or PNG), while the proposal is a draft."""
    row = _locked(proposal, "edit", actor)
    attachment = ProposalAttachment(
        proposal=row, title=title.strip(), scan=checked_scan(scan, field="scan"), uploaded_by=actor
    )
    clean(attachment)
    attachment.save()
    return attachment


def budget_total(proposal: Proposal) -> int:
    return sum(line.total for line in proposal.budget_lines.all())


# --- the workflow ------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    """Sends the draft to the regency; its budget lines must add up to the amount requested."""
    row = _locked(proposal, "submit", actor)
    refuse_merged(row.person)
    total = budget_total(row)
    if total != row.amount_requested:
        raise ServiceError(
            _("Jumlah rincian anggaran (%(total)s) harus sama dengan jumlah yang diminta (%(requested)s).")
            % {"total": rupiah(total), "requested": rupiah(row.amount_requested)},
            field="amount_requested",
        )
    row.state, row.submitted_by, row.submitted_at, row.return_reason = (
        ProposalState.SUBMITTED,
        actor,
        timezone.now(),
        "",
    )
    clean(row)
    row.save()
    _record(row, _("diajukan, %(amount)s") % {"amount": rupiah(row.amount_requested)}, actor=actor)
    return row


@transaction.atomic
def proposal_recommend(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    row = _locked(proposal, "recommend", actor)
    if actor.pk == row.submitted_by_id:
        raise NotPermitted(_("Yang mengajukan tidak boleh merekomendasikan proposalnya sendiri."))
    row.state, row.recommended_by, row.recommended_at = ProposalState.RECOMMENDED, actor, timezone.now()
    row.review_note = note.strip()
    clean(row)
    row.save()
    _record(row, _("direkomendasikan Dinas Sosial kabupaten/kota"), actor=actor)
    return row


@transaction.atomic
def proposal_verify(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    row = _locked(proposal, "verify", actor)
    row.state, row.verified_by, row.verified_at = ProposalState.VERIFIED, actor, timezone.now()
    row.review_note = note.strip() or row.review_note
    clean(row)
    row.save()
    _record(row, _("diverifikasi provinsi"), actor=actor)
    return row


def _refuse_recommender(actor: User, row: Proposal) -> None:
    if actor.pk == row.recommended_by_id:
        raise NotPermitted(_("Yang merekomendasikan tidak boleh memutuskan proposal yang sama."))
    # A national grant also reaches the province: whoever verified may not decide too, or the province's check
    # would be skipped.
    if actor.pk == row.verified_by_id:
        raise NotPermitted(_("Yang memverifikasi tidak boleh memutuskan proposal yang sama."))


@transaction.atomic
def proposal_approve(
    *, actor: User, proposal: Proposal, amount_approved: int | None = None, note: str = ""
) -> Proposal:
    """The Directorate approves, for the amount requested or less."""
    row = _locked(proposal, "approve", actor)
    _refuse_recommender(actor, row)
    amount = row.amount_requested if amount_approved is None else amount_approved
    if not 0 < amount <= row.amount_requested:
        raise ServiceError(
            _("Jumlah disetujui harus lebih dari nol dan tidak melebihi yang diminta (%(requested)s).")
            % {"requested": rupiah(row.amount_requested)},
            field="amount_approved",
        )
    row.state, row.decided_by, row.decided_at, row.amount_approved = (
        ProposalState.APPROVED,
        actor,
        timezone.now(),
        amount,
    )
    row.review_note = note.strip() or row.review_note
    clean(row)
    row.save()
    _record(row, _("disetujui Direktorat, %(amount)s") % {"amount": rupiah(amount)}, actor=actor)
    return row


@transaction.atomic
def proposal_reject(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    row = _locked(proposal, "reject", actor)
    _refuse_recommender(actor, row)
    if not reason.strip():
        raise ServiceError(_("Sebutkan alasan penolakan."), field="reason")
    row.state, row.decided_by, row.decided_at = ProposalState.REJECTED, actor, timezone.now()
    row.rejection_reason = reason.strip()
    clean(row)
    row.save()
    _record(row, _("ditolak: %(reason)s") % {"reason": row.rejection_reason}, actor=actor)
    return row


@transaction.atomic
def proposal_return(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Whoever reviews the proposal now sends it back to draft, with what to put right. The reviews so far are
    withdrawn: the corrected proposal goes up the line again."""
    row = _locked(proposal, "return", actor)
    if not reason.strip():
        raise ServiceError(_("Sebutkan apa yang perlu diperbaiki."), field="reason")
    row.state, row.return_reason, row.review_note = ProposalState.DRAFT, reason.strip(), ""
    row.submitted_by = row.recommended_by = row.verified_by = None
    row.submitted_at = row.recommended_at = row.verified_at = None
    clean(row)
    row.save()
    _record(row, _("dikembalikan untuk diperbaiki: %(reason)s") % {"reason": row.return_reason}, actor=actor)
    return row


# --- funding and after -------------------------------------------------------------------------------------------


def _pays_to_account(scheme: Scheme) -> bool:
    """Whether an entitlement under `scheme` is paid into a bank account: cash is, in-kind is handed over."""
    return scheme.kind == SchemeKind.CASH


@transaction.atomic
def proposal_fund(*, actor: User, proposal: Proposal, scheme: Scheme) -> Proposal:
    """Funds an approved proposal under `scheme`: an entitlement of the approved amount in a draft tranche the actor
    prepares (see the module's docstring). Refused, with the reason, when the person does not meet the scheme's
    rules (a verified bank account among them only where the scheme requires one) or already has an entitlement
    under it."""
    row = _locked(proposal, "fund", actor)
    require_on_scheme(actor, PREPARE_TRANCHE, scheme)
    # The scheme's lock, as tranche fills take it: a fill at the same moment cannot add the same person.
    scheme = Scheme.objects.select_for_update().select_related("region").get(pk=scheme.pk)
    if not _pays_to_account(scheme) and assistance_selectors.package_value(scheme) <= 0:
        # As a fill refuses it: an empty package could never be handed over.
        raise ServiceError(_("Paket bantuan ini belum berisi barang; isi paketnya dulu."), field="scheme")
    already = (
        Entitlement.objects.filter(scheme=scheme, person=row.person_id)
        .exclude(tranche__state=TrancheState.CANCELLED)
        .exists()
    )
    if already:
        raise ServiceError(
            _("Orang ini sudah punya hak bantuan dalam skema ini (satu hak per orang per skema); pilih skema lain."),
            field="scheme",
        )
    # The scheme's own rules decide (assistance.selectors.eligible_people): a verified account is one of them only
    # where the scheme requires it. `paid_to` is the verified account if the person has one, else None.
    eligible = assistance_selectors.eligible_people(actor=actor, scheme=scheme, on=timezone.localdate())
    found = eligible.filter(pk=row.person_id).values_list("pk", "paid_to").first()  # type: ignore[misc]
    if found is None:
        rules = "; ".join(assistance_selectors.eligibility_rules(scheme))
        raise ServiceError(
            _("Orang ini tidak memenuhi aturan skema ini (%(rules)s).") % {"rules": rules}, field="scheme"
        )
    # As a tranche fill does: a cash entitlement goes to the verified account (if any), an in-kind one to none.
    paid_to = found[1] if _pays_to_account(scheme) else None
    tranche = Tranche.objects.filter(scheme=scheme, state=TrancheState.DRAFT, prepared_by=actor).order_by(
        "-number"
    ).first() or tranche_create(actor=actor, scheme=scheme)
    tranche = locked_tranche(tranche, "prepare", actor)
    assert row.amount_approved is not None  # an approved proposal has one (database constraint)
    entitlement = Entitlement(
        scheme=scheme,
        tranche=tranche,
        person_id=row.person_id,
        amount=row.amount_approved,
        state=EntitlementState.DRAFT,
        bank_account_id=paid_to,
    )
    clean(entitlement)
    entitlement.save()
    row.state, row.funded_by, row.funded_at = ProposalState.FUNDED, actor, timezone.now()
    row.scheme, row.entitlement = scheme, entitlement
    clean(row)
    row.save()
    _record(
        row,
        _("didanai dari %(scheme)s, tahap %(number)d, %(amount)s")
        % {"scheme": scheme.name, "number": tranche.number, "amount": rupiah(entitlement.amount)},
        actor=actor,
    )
    return row


@transaction.atomic
def proposal_milestone_add(*, actor: User, proposal: Proposal, what: str, due_on: date) -> ProposalMilestone:
    row = _locked(proposal, "add_milestone", actor)
    milestone = ProposalMilestone(proposal=row, what=what.strip(), due_on=due_on)
    clean(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def proposal_milestone_record(
    *, actor: User, proposal: Proposal, milestone: ProposalMilestone, done_on: date, note: str = ""
) -> ProposalMilestone:
    row = _locked(proposal, "record_milestone", actor)
    locked = ProposalMilestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.proposal_id != row.pk:
        raise ServiceError(_("Capaian ini bukan milik proposal ini."), field="milestone")
    if locked.done_on is not None:
        raise ServiceError(_("Capaian ini sudah dicatat."), field="milestone")
    _require_not_future(done_on, "done_on", row.person.region_id)
    if row.funded_at and done_on < timezone.localdate(row.funded_at):
        raise ServiceError(_("Tanggal tidak boleh sebelum proposal didanai."), field="done_on")
    locked.done_on, locked.note = done_on, note.strip()
    clean(locked)
    locked.save()
    _record(row, _("capaian tercatat: %(what)s") % {"what": locked.what}, actor=actor)
    return locked
