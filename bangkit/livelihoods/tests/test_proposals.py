"""Business-development proposals: the generated authorization tests, the way from draft to funded (and into the
person's assistance ledger), the four-eyes rules, bad input, and fifty approvals at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import People, make_user
from bangkit.assistance import services as assistance
from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.testing import DECREE, cash_scheme, finance_officer, recipient
from bangkit.cases.models import CaseEvent
from bangkit.cases.testing import make_case
from bangkit.core.exceptions import NotPermitted, ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.livelihoods import proposals, services
from bangkit.livelihoods.choices import EnterpriseForm, EnterpriseKind, FollowUpState, ProposalState
from bangkit.livelihoods.models import FollowUp, Proposal
from bangkit.livelihoods.proposal_selectors import proposal_eligibility
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% proposal\n"


@pytest.fixture(autouse=True)
def kupang_finance_officer(people: People) -> Any:
    """The generated tests name the users who hold a page's permission over Kabupaten Kupang only: funding is a
    finance officer's, and the fixed cast has none in Kupang."""
    officer = finance_officer(people, "kupang.finance")
    setattr(people, "kupang_finance_officer", officer)  # noqa: B010 - not a field of People
    return officer


@pytest.fixture
def reviewers(people: People) -> dict[str, Any]:
    """Who takes each step for a Kupang person: the regency's supervisor, the province's program officer, the
    Directorate's program officer and two national finance officers (one funds, the other approves the tranche)."""
    return {
        "regency": people.kupang_supervisor,
        "province": make_user(
            "ntt.programme@test.id", people.orgs.kupang_dinsos, (Role.PROGRAM_OFFICER, people.regions["53"])
        ),
        "directorate": make_user(
            "directorate.programme@test.id", people.orgs.directorate, (Role.PROGRAM_OFFICER, None)
        ),
        "funder": people.national_finance_officer,
        "checker": make_user("national.checker@test.id", people.orgs.directorate, (Role.FINANCE_OFFICER, None)),
    }


def draft_for(people: People, place: str = "kupang", *, person: Any = None, amount: int = 5_000_000) -> Proposal:
    """A draft whose two budget lines add up to `amount`."""
    actor = people.kupang_case_worker if place == "kupang" else people.indramayu_case_worker
    return proposals.proposal_create(
        actor=actor,
        person=person or make_person(people, place),
        title="Tambah oven untuk usaha kue",
        business_plan="Menjual kue kering ke warung dan pesanan Natal.",
        expected_results="Omzet naik menjadi Rp 3 juta sebulan.",
        amount_requested=amount,
        budget_lines=[
            {"item": "Oven gas", "quantity": 1, "unit_cost": amount - 1_000_000},
            {"item": "Bahan kue", "quantity": 4, "unit_cost": 250_000},
        ],
    )


def verified(people: People, reviewers: dict[str, Any], **kwargs: Any) -> Proposal:
    proposal = draft_for(people, **kwargs)
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    proposals.proposal_recommend(actor=reviewers["regency"], proposal=proposal)
    return proposals.proposal_verify(actor=reviewers["province"], proposal=proposal)


class TestProposalPages(ScopedModelTests):
    model = Proposal
    permitted_user = "kupang_case_worker"
    list_url = "livelihoods:proposal_list"
    detail_url = "livelihoods:proposal_detail"
    edit_url = "livelihoods:proposal_edit"
    action_urls = {
        "livelihoods:proposal_budget_add": None,
        "livelihoods:proposal_unbudget": None,
        "livelihoods:proposal_budget_change": None,
        "livelihoods:proposal_attach": None,
        "livelihoods:proposal_submit": None,
        "livelihoods:proposal_recommend": "kupang_supervisor",
        "livelihoods:proposal_verify": "kupang_program_officer",
        "livelihoods:proposal_approve": "kupang_program_officer",
        "livelihoods:proposal_reject": "kupang_program_officer",
        "livelihoods:proposal_return": "kupang_supervisor",
        "livelihoods:proposal_fund": "kupang_finance_officer",
        "livelihoods:proposal_add_milestone": None,
        "livelihoods:proposal_record_milestone": None,
    }
    api_list_url = "proposal-list"
    api_detail_url = "proposal-detail"
    api_writes = ()
    list_queries = 7

    def make(self, people: Any, place: str) -> Proposal:
        return draft_for(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"title": obj.title + " (diubah)"}


# --- the whole way -----------------------------------------------------------------------------------------------


def test_a_proposal_goes_from_draft_to_funded_on_the_pages_and_appears_in_the_persons_ledger(
    client: Any, people: People, reviewers: dict[str, Any]
) -> None:
    person = recipient(people, "Maria Nenobais")
    make_case(people, person=person)
    scheme = cash_scheme(people)
    client.force_login(people.kupang_case_worker)

    created = client.post(
        reverse("livelihoods:proposal_add", args=[person.pk]),
        {
            "title": "Oven untuk kue",
            "business_plan": "Kue kering untuk warung.",
            "expected_results": "Omzet Rp 3 juta sebulan.",
            "amount_requested": "4000000",
        },
    )
    proposal = Proposal.objects.get(person=person)
    assert created["Location"] == proposal.get_absolute_url()
    client.post(
        reverse("livelihoods:proposal_budget_add", args=[proposal.pk]),
        {"item": "Oven gas", "quantity": "2", "unit_cost": "2000000"},
    )
    client.post(
        reverse("livelihoods:proposal_attach", args=[proposal.pk]),
        {"title": "Penawaran harga", "scan": SimpleUploadedFile("penawaran.pdf", PDF)},
    )
    steps = [
        (people.kupang_case_worker, "submit", {}),
        (reviewers["regency"], "recommend", {"note": "Usaha berjalan baik."}),
        (reviewers["province"], "verify", {}),
        (reviewers["directorate"], "approve", {"amount_approved": "3500000"}),
        (reviewers["funder"], "fund", {"scheme": scheme.pk}),
    ]
    for user, step, data in steps:
        client.force_login(user)
        page = client.get(proposal.get_absolute_url())
        assert reverse(f"livelihoods:proposal_{step}", args=[proposal.pk]) in page.content.decode(), step
        response = client.post(reverse(f"livelihoods:proposal_{step}", args=[proposal.pk]), data)
        assert response.status_code == 302, (step, response.context and response.context["form"].errors)

    proposal.refresh_from_db()
    entitlement = proposal.entitlement
    assert entitlement is not None
    assert proposal.state == ProposalState.FUNDED
    assert (entitlement.amount, entitlement.state, entitlement.scheme) == (3_500_000, EntitlementState.DRAFT, scheme)
    assert entitlement.tranche.prepared_by == reviewers["funder"]
    assert entitlement.bank_account == person.bank_accounts.get()
    client.force_login(people.kupang_supervisor)
    ledger = client.get(reverse("assistance:person_ledger", args=[person.pk])).content.decode()
    assert scheme.name in ledger
    assert "Rp 3.500.000" in ledger

    # From here it is a tranche like any other: its preparer may not approve it; another finance officer does.
    tranche = entitlement.tranche
    assistance.tranche_submit(actor=reviewers["funder"], tranche=tranche)
    with pytest.raises(NotPermitted):
        assistance.tranche_approve(actor=reviewers["funder"], tranche=tranche, **DECREE)
    assistance.tranche_approve(actor=reviewers["checker"], tranche=tranche, **DECREE)
    entitlement.refresh_from_db()
    assert entitlement.state == EntitlementState.APPROVED
    timeline = list(CaseEvent.objects.filter(case__person=person).values_list("summary", flat=True))
    assert sum("Oven untuk kue" in line for line in timeline) == 6  # drafted, submitted, … funded
    assert (
        client.get(reverse("livelihoods:proposal_attachment", args=[proposal.attachments.get().pk])).status_code == 200
    )


def test_the_api_takes_a_proposal_through_the_same_steps(
    api_client: Any, people: People, reviewers: dict[str, Any]
) -> None:
    person = make_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    created = api_client.post(
        reverse("proposal-list"),
        {
            "person": person.pk,
            "title": "Gerobak bakso",
            "business_plan": "Berjualan bakso keliling.",
            "expected_results": "Laba Rp 1,5 juta sebulan.",
            "amount_requested": 3_000_000,
            "budget_lines": [{"item": "Gerobak", "quantity": 1, "unit_cost": 3_000_000}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = api_client.post(reverse("proposal-recommend", args=[pk]), {}, format="json")
    submitted = api_client.post(reverse("proposal-submit", args=[pk]), {}, format="json")
    api_client.force_authenticate(reviewers["regency"])
    recommended = api_client.post(reverse("proposal-recommend", args=[pk]), {"note": "Layak."}, format="json")
    detail = api_client.get(reverse("proposal-detail", args=[pk])).json()

    assert refused.status_code == 403
    assert submitted.json()["state"] == "submitted"
    assert recommended.json()["state"] == "recommended"
    assert [rule["met"] for rule in detail["eligibility"]] == [False, True, True]
    assert detail["budget_lines"][0]["unit_cost"] == 3_000_000


# --- four eyes and bad input -------------------------------------------------------------------------------------


def test_whoever_recommended_may_not_approve_nor_may_the_database_record_it(
    people: People, reviewers: dict[str, Any]
) -> None:
    both = make_user(
        "double.hat@test.id",
        people.orgs.kupang_dinsos,
        (Role.SUPERVISOR, people.regions["53.01"]),
        (Role.PROGRAM_OFFICER, None),
    )
    proposal = draft_for(people)
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    proposals.proposal_recommend(actor=both, proposal=proposal)
    proposals.proposal_verify(actor=reviewers["province"], proposal=proposal)

    with pytest.raises(NotPermitted, match="merekomendasikan"):
        proposals.proposal_approve(actor=both, proposal=proposal)
    with pytest.raises(NotPermitted):
        proposals.proposal_reject(actor=both, proposal=proposal, reason="Tidak layak")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.VERIFIED
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(decided_by=both)


def test_whoever_submitted_may_not_recommend(people: People) -> None:
    proposal = proposals.proposal_create(
        actor=people.kupang_supervisor,
        person=make_person(people),
        title="Warung",
        business_plan="Warung kelontong.",
        expected_results="Laba.",
        amount_requested=1_000_000,
        budget_lines=[{"item": "Rak", "quantity": 1, "unit_cost": 1_000_000}],
    )
    proposals.proposal_submit(actor=people.kupang_supervisor, proposal=proposal)

    with pytest.raises(NotPermitted, match="mengajukan"):
        proposals.proposal_recommend(actor=people.kupang_supervisor, proposal=proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(recommended_by=people.kupang_supervisor)


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(
    client: Any, people: People, reviewers: dict[str, Any]
) -> None:
    proposal = verified(people, reviewers)
    client.force_login(reviewers["directorate"])

    refused = client.post(reverse("livelihoods:proposal_reject", args=[proposal.pk]), {"reason": "  "})
    with pytest.raises(ServiceError, match="alasan"):
        proposals.proposal_reject(actor=reviewers["directorate"], proposal=proposal, reason="")
    rejected = client.post(reverse("livelihoods:proposal_reject", args=[proposal.pk]), {"reason": "Pasar sudah jenuh."})

    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    assert rejected.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.rejection_reason) == (ProposalState.REJECTED, "Pasar sudah jenuh.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(rejection_reason="")


def test_a_budget_that_does_not_add_up_to_the_amount_requested_is_refused_on_submission(
    client: Any, people: People
) -> None:
    proposal = draft_for(people, amount=5_000_000)
    proposals.proposal_update(actor=people.kupang_case_worker, proposal=proposal, amount_requested=6_000_000)
    client.force_login(people.kupang_case_worker)

    refused = client.post(reverse("livelihoods:proposal_submit", args=[proposal.pk]))

    assert refused.status_code == 200
    assert "Rp 5.000.000" in str(refused.context["form"].non_field_errors())
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DRAFT


def test_each_review_needs_a_grant_reaching_far_enough(people: People, reviewers: dict[str, Any]) -> None:
    proposal = draft_for(people)
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    proposals.proposal_recommend(actor=reviewers["regency"], proposal=proposal)

    with pytest.raises(NotPermitted, match="provinsi"):
        proposals.proposal_verify(actor=people.kupang_program_officer, proposal=proposal)
    proposals.proposal_verify(actor=reviewers["province"], proposal=proposal)
    with pytest.raises(NotPermitted, match="Direktorat"):
        proposals.proposal_approve(actor=reviewers["province"], proposal=proposal)
    with pytest.raises(ServiceError, match="tidak melebihi"):
        proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal, amount_approved=9_000_000)


def test_a_reviewer_returns_it_to_draft_with_a_reason_and_it_goes_up_the_line_again(
    client: Any, people: People, reviewers: dict[str, Any]
) -> None:
    proposal = verified(people, reviewers)
    client.force_login(reviewers["regency"])
    not_theirs = client.post(reverse("livelihoods:proposal_return", args=[proposal.pk]), {"reason": "Perbaiki."})
    client.force_login(reviewers["directorate"])
    no_reason = client.post(reverse("livelihoods:proposal_return", args=[proposal.pk]), {"reason": ""})
    returned = client.post(
        reverse("livelihoods:proposal_return", args=[proposal.pk]), {"reason": "Lampirkan penawaran harga."}
    )

    assert not_theirs.status_code == 200
    assert "Direktorat" in str(not_theirs.context["form"].non_field_errors())
    assert no_reason.status_code == 200
    assert returned.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.return_reason, proposal.recommended_by) == (
        ProposalState.DRAFT,
        "Lampirkan penawaran harga.",
        None,
    )
    client.force_login(people.kupang_case_worker)
    assert "Lampirkan penawaran harga." in client.get(proposal.get_absolute_url()).content.decode()


def test_funding_is_refused_clearly_when_the_person_already_has_an_entitlement_in_the_scheme(
    people: People, reviewers: dict[str, Any]
) -> None:
    person = recipient(people, "Maria Bria")
    scheme = cash_scheme(people)
    tranche = assistance.tranche_create(actor=reviewers["checker"], scheme=scheme)
    assistance.tranche_fill(actor=reviewers["checker"], tranche=tranche)
    proposal = verified(people, reviewers, person=person)
    proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal)

    with pytest.raises(ServiceError, match="satu hak per orang per skema") as refused:
        proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=scheme)

    assert refused.value.field == "scheme"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.entitlement) == (ProposalState.APPROVED, None)


def test_funding_follows_the_schemes_own_rules(people: People, reviewers: dict[str, Any]) -> None:
    proposal = verified(people, reviewers, person=recipient(people, "Tanpa Rekening", account=False))
    proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal)

    with pytest.raises(ServiceError, match="rekening bank yang sudah diverifikasi"):
        proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=cash_scheme(people))
    with pytest.raises(NotPermitted):
        proposals.proposal_fund(
            actor=reviewers["directorate"], proposal=proposal, scheme=cash_scheme(people, year=2020)
        )


def test_the_eligibility_shows_from_the_data_what_is_met_and_what_is_not(people: People) -> None:
    person = make_person(people)
    services.enterprise_create(
        actor=people.kupang_case_worker,
        name="Kue Tarus",
        form=EnterpriseForm.INDIVIDUAL,
        kind=EnterpriseKind.CAKES,
        owner=person,
        organisation=people.orgs.kupang_lks,
        started_on=timezone.localdate() - timedelta(days=300),
    )
    FollowUp.objects.create(
        person=person, months_after=3, granted_on=date(2024, 1, 1), due_on=timezone.localdate() - timedelta(days=5)
    )
    proposal = draft_for(people, person=person)

    rules = proposal_eligibility(proposal, user=people.kupang_case_worker)

    assert [rule.met for rule in rules] == [True, False, True]
    assert "1 kunjungan terlambat" in rules[1].explanation
    assert FollowUp.objects.get(person=person).state == FollowUpState.SCHEDULED


def test_milestones_are_set_and_recorded_after_funding(client: Any, people: People, reviewers: dict[str, Any]) -> None:
    person = recipient(people, "Maria Bria")
    proposal = verified(people, reviewers, person=person)
    proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal)
    before = proposals.proposal_milestone_add
    with pytest.raises(ServiceError):
        before(actor=people.kupang_case_worker, proposal=proposal, what="Oven terpasang", due_on=date(2030, 1, 1))
    proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=cash_scheme(people))
    client.force_login(people.kupang_case_worker)

    client.post(
        reverse("livelihoods:proposal_add_milestone", args=[proposal.pk]),
        {"what": "Oven terpasang", "due_on": "2030-01-01"},
    )
    milestone = proposal.milestones.get()
    recorded = client.post(
        reverse("livelihoods:proposal_record_milestone", args=[proposal.pk]),
        {"milestone": milestone.pk, "done_on": timezone.localdate().isoformat(), "note": "Sudah dipakai."},
    )

    assert recorded.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()


def test_an_indramayu_user_gets_404_on_a_kupang_attachment(client: Any, people: People) -> None:
    proposal = draft_for(people)
    attachment = proposals.proposal_attachment_add(
        actor=people.kupang_case_worker,
        proposal=proposal,
        title="Foto",
        scan=SimpleUploadedFile("nama-orang.pdf", PDF),
    )
    client.force_login(people.indramayu_case_worker)
    assert client.get(reverse("livelihoods:proposal_attachment", args=[attachment.pk])).status_code == 404
    client.force_login(people.kupang_case_worker)
    download = client.get(reverse("livelihoods:proposal_attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert "nama-orang" not in download["Content-Disposition"]


def test_the_persons_follow_up_tab_lists_their_proposals(client: Any, people: People) -> None:
    proposal = draft_for(people)
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("livelihoods:person_follow_up", args=[proposal.person_id])).content.decode()
    assert proposal.get_absolute_url() in tab
    assert reverse("livelihoods:proposal_add", args=[proposal.person_id]) in tab


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_fifty_simultaneous_approvals_exactly_one_takes_effect(people: People) -> None:
    province = make_user("ntt.po@test.id", people.orgs.kupang_dinsos, (Role.PROGRAM_OFFICER, people.regions["53"]))
    proposal = draft_for(people)
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    proposals.proposal_recommend(actor=people.kupang_supervisor, proposal=proposal)
    proposals.proposal_verify(actor=province, proposal=proposal)
    approvers = [
        make_user(f"directorate{number}@test.id", people.orgs.directorate, (Role.PROGRAM_OFFICER, None))
        for number in range(50)
    ]
    barrier = threading.Barrier(len(approvers))
    outcomes: list[str] = []

    def approve(approver: Any) -> None:
        try:
            barrier.wait(timeout=20)
            proposals.proposal_approve(actor=approver, proposal=proposal)
            outcomes.append("approved")
        except ServiceError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(approver,)) for approver in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("approved") == 1
    assert len(outcomes) == len(approvers)
    proposal.refresh_from_db()
    assert proposal.decided_by in approvers
    assert proposal.state == ProposalState.APPROVED


def test_whoever_verified_may_not_decide_the_same_proposal(people: People, reviewers: dict[str, Any]) -> None:
    proposal = draft_for(people)
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    proposals.proposal_recommend(actor=reviewers["regency"], proposal=proposal)
    # A national grant reaches the province too: the Directorate's officer could verify, but then not decide.
    proposals.proposal_verify(actor=reviewers["directorate"], proposal=proposal)

    with pytest.raises(NotPermitted):
        proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.VERIFIED
