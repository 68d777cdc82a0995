"""Proposals: funding from a scheme that needs no bank account, the eligibility naming only the businesses the reader
may see, and correcting a line of a draft's budget (service, page and API)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import People, make_user
from bangkit.assistance import services as assistance
from bangkit.assistance.choices import SchemeKind
from bangkit.assistance.models import Scheme
from bangkit.assistance.testing import cash_scheme, recipient
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.livelihoods import proposals, services
from bangkit.livelihoods.choices import EnterpriseForm, EnterpriseKind, ProposalState
from bangkit.livelihoods.models import Enterprise, Proposal, ProposalBudgetLine
from bangkit.livelihoods.proposal_selectors import proposal_eligibility
from bangkit.livelihoods.tests import test_proposals
from bangkit.livelihoods.tests.test_proposals import draft_for, verified
from bangkit.registry.models import Person
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

# Who takes each step for a Kupang person, as in test_proposals.
reviewers = test_proposals.reviewers


def approved(people: People, reviewers: dict[str, Any], person: Person) -> Proposal:
    proposal = verified(people, reviewers, person=person)
    return proposals.proposal_approve(actor=reviewers["directorate"], proposal=proposal, amount_approved=4_000_000)


def in_kind_scheme(people: People, *, items: bool = True) -> Scheme:
    """Starter equipment handed over against a receipt: no bank account involved."""
    scheme = assistance.scheme_save(
        actor=people.kupang_program_officer,
        name="Bantuan peralatan usaha 2019, Kabupaten Kupang",
        legal_basis="Permensos 9/2018",
        organisation=people.orgs.kupang_dinsos,
        region=people.regions["53.01"],
        year=2019,
        kind=SchemeKind.IN_KIND,
        amount_per_person=None,
        budget_ceiling=100_000_000,
    )
    if items:
        assistance.scheme_item_add(
            actor=people.kupang_program_officer, scheme=scheme, name="Oven gas", quantity=1, unit_value=1_500_000
        )
    return scheme


# --- funding from a scheme that needs no bank account -----------------------------------------------------------


def test_an_in_kind_scheme_funds_a_person_without_a_bank_account(people: People, reviewers: dict[str, Any]) -> None:
    proposal = approved(people, reviewers, recipient(people, "Tanpa Rekening", account=False))

    funded = proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=in_kind_scheme(people))

    entitlement = funded.entitlement
    assert funded.state == ProposalState.FUNDED
    assert entitlement is not None
    assert (entitlement.amount, entitlement.bank_account_id) == (4_000_000, None)
    assert entitlement.tranche.prepared_by == reviewers["funder"]


def test_an_in_kind_entitlement_goes_to_no_account_even_when_the_person_has_one(
    people: People, reviewers: dict[str, Any]
) -> None:
    proposal = approved(people, reviewers, recipient(people, "Maria Bria"))

    funded = proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=in_kind_scheme(people))

    assert funded.entitlement is not None
    assert funded.entitlement.bank_account_id is None


def test_a_cash_scheme_that_requires_no_verified_account_funds_a_person_without_one(
    people: People, reviewers: dict[str, Any]
) -> None:
    proposal = approved(people, reviewers, recipient(people, "Tanpa Rekening", account=False))
    scheme = cash_scheme(people, name="Bantuan tunai tanpa syarat rekening", require_verified_account=False)

    funded = proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=scheme)

    assert funded.state == ProposalState.FUNDED
    assert funded.entitlement is not None
    assert funded.entitlement.bank_account_id is None


def test_a_cash_scheme_that_requires_a_verified_account_still_refuses_a_person_without_one(
    people: People, reviewers: dict[str, Any]
) -> None:
    proposal = approved(people, reviewers, recipient(people, "Tanpa Rekening", account=False))

    with pytest.raises(ServiceError, match="rekening bank yang sudah diverifikasi") as refused:
        proposals.proposal_fund(actor=reviewers["funder"], proposal=proposal, scheme=cash_scheme(people))

    assert refused.value.field == "scheme"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.entitlement) == (ProposalState.APPROVED, None)


def test_an_in_kind_scheme_with_an_empty_package_is_refused(people: People, reviewers: dict[str, Any]) -> None:
    proposal = approved(people, reviewers, recipient(people, "Maria Bria"))

    with pytest.raises(ServiceError, match="belum berisi barang"):
        proposals.proposal_fund(
            actor=reviewers["funder"], proposal=proposal, scheme=in_kind_scheme(people, items=False)
        )

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.APPROVED


def test_the_funding_page_offers_and_takes_an_in_kind_scheme(
    client: Any, people: People, reviewers: dict[str, Any]
) -> None:
    proposal = approved(people, reviewers, recipient(people, "Tanpa Rekening", account=False))
    scheme = in_kind_scheme(people)
    client.force_login(reviewers["funder"])
    url = reverse("livelihoods:proposal_fund", args=[proposal.pk])

    offered = client.get(url).context["form"].fields["scheme"].queryset
    response = client.post(url, {"scheme": scheme.pk})

    assert scheme in offered
    assert response.status_code == 302, response.context and response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.scheme == scheme


# --- the eligibility names only businesses the reader may see ----------------------------------------------------


def business_left_behind(people: People, name: str = "Kue Kering Tarus") -> tuple[Person, Enterprise]:
    """A business set up in Indramayu by a person who has since moved to Kupang: it stays in Indramayu."""
    person = make_person(people, "indramayu")
    enterprise = services.enterprise_create(
        actor=people.indramayu_case_worker,
        name=name,
        form=EnterpriseForm.INDIVIDUAL,
        kind=EnterpriseKind.CAKES,
        owner=person,
        organisation=people.orgs.indramayu_dinsos,
        started_on=timezone.localdate() - timedelta(days=400),
    )
    Person.objects.filter(pk=person.pk).update(region=make_person(people, "kupang").region)
    person.refresh_from_db()
    return person, enterprise


def national_case_worker(people: People) -> Any:
    return make_user("national.worker@test.id", people.orgs.directorate, (Role.CASE_WORKER, None))


def test_a_reader_without_jurisdiction_over_the_business_does_not_see_its_name(
    client: Any, api_client: Any, people: People
) -> None:
    person, enterprise = business_left_behind(people)
    draft = draft_for(people, person=person)
    with pytest.raises(ServiceError) as refused:  # one cannot name a business one may not see
        proposals.proposal_update(actor=people.kupang_case_worker, proposal=draft, enterprise=enterprise)
    assert refused.value.field == "enterprise"
    national = national_case_worker(people)
    proposal = proposals.proposal_update(actor=national, proposal=draft, enterprise=enterprise)
    reader = people.kupang_case_worker
    client.force_login(reader)
    api_client.force_authenticate(reader)

    running = proposal_eligibility(proposal, user=reader)[0]
    page = client.get(proposal.get_absolute_url()).content.decode()
    api = api_client.get(reverse("proposal-detail", args=[proposal.pk])).json()

    assert running.met is False
    assert "di luar yurisdiksi Anda" in running.explanation
    assert enterprise.name not in running.explanation
    assert enterprise.name not in page
    assert enterprise.get_absolute_url() not in page
    assert enterprise.name not in str(api["eligibility"])
    # Whoever may see the business is told about it by name.
    seen = proposal_eligibility(proposal, user=national)[0]
    assert (seen.met, enterprise.name in seen.explanation) == (True, True)


def test_without_a_chosen_business_only_the_ones_the_reader_may_see_are_weighed(people: People) -> None:
    person, enterprise = business_left_behind(people, "Abon Ikan Indramayu")
    proposal = draft_for(people, person=person)

    hidden = proposal_eligibility(proposal, user=people.kupang_case_worker)[0]
    seen = proposal_eligibility(proposal, user=national_case_worker(people))[0]

    assert hidden.met is False
    assert enterprise.name not in hidden.explanation
    assert "dapat Anda lihat" in hidden.explanation
    assert seen.met is True
    assert enterprise.name in seen.explanation


# --- correcting a line of the draft's budget ---------------------------------------------------------------------


def test_a_line_of_a_draft_is_corrected_and_the_change_is_kept_in_its_history(people: People) -> None:
    proposal = draft_for(people, amount=5_000_000)
    line = proposal.budget_lines.get(item="Bahan kue")

    changed = proposals.proposal_budget_line_change(
        actor=people.kupang_case_worker, line=line, item="  Tepung dan gula ", quantity=5
    )

    line.refresh_from_db()
    assert (line.item, line.quantity, line.unit_cost) == ("Tepung dan gula", 5, 250_000)
    assert changed.pk == line.pk
    assert proposals.budget_total(proposal) == 5_250_000
    entry = LogEntry.objects.get_for_object(line).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["quantity"] == ["4", "5"]
    assert entry.changes_dict["item"] == ["Bahan kue", "Tepung dan gula"]


def test_a_corrected_line_is_held_to_the_same_bounds_as_a_new_one(people: People) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")

    with pytest.raises(ServiceError, match="terlalu besar") as too_big:
        proposals.proposal_budget_line_change(
            actor=people.kupang_case_worker, line=line, quantity=1_000, unit_cost=proposals.MAX_PROPOSAL_RUPIAH
        )
    with pytest.raises(ValidationError, match="item"):
        proposals.proposal_budget_line_change(actor=people.kupang_case_worker, line=line, item="   ")

    assert too_big.value.field == "unit_cost"
    line.refresh_from_db()
    assert (line.item, line.quantity, line.unit_cost) == ("Bahan kue", 4, 250_000)


def test_a_line_cannot_be_corrected_once_submitted_but_can_again_when_returned(
    people: People, reviewers: dict[str, Any]
) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)

    with pytest.raises(ServiceError, match="berstatus"):
        proposals.proposal_budget_line_change(actor=people.kupang_case_worker, line=line, quantity=5)
    line.refresh_from_db()
    assert line.quantity == 4

    proposals.proposal_return(actor=reviewers["regency"], proposal=proposal, reason="Harga bahan terlalu tinggi.")
    proposals.proposal_budget_line_change(actor=people.kupang_case_worker, line=line, unit_cost=200_000)
    line.refresh_from_db()
    assert line.unit_cost == 200_000


def test_a_user_of_another_jurisdiction_cannot_correct_a_line(client: Any, api_client: Any, people: People) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")
    outsider = people.indramayu_case_worker
    client.force_login(outsider)
    api_client.force_authenticate(outsider)
    data = {"line": line.pk, "item": "Dicoret", "quantity": 1, "unit_cost": 1}

    with pytest.raises(OutOfJurisdiction):
        proposals.proposal_budget_line_change(actor=outsider, line=line, quantity=1)
    page = client.post(reverse("livelihoods:proposal_budget_change", args=[proposal.pk]), data)
    shown = client.get(reverse("livelihoods:proposal_budget_change", args=[proposal.pk]) + f"?line={line.pk}")
    api = api_client.patch(reverse("proposal-budget-line", args=[proposal.pk, line.pk]), {"quantity": 1}, format="json")

    assert (page.status_code, shown.status_code, api.status_code) == (404, 404, 404)
    line.refresh_from_db()
    assert (line.item, line.quantity, line.unit_cost) == ("Bahan kue", 4, 250_000)


def test_the_proposal_page_links_each_line_to_a_prefilled_form_that_corrects_it(client: Any, people: People) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")
    url = reverse("livelihoods:proposal_budget_change", args=[proposal.pk])
    client.force_login(people.kupang_case_worker)

    page = client.get(proposal.get_absolute_url()).content.decode()
    form = client.get(f"{url}?line={line.pk}").context["form"]
    saved = client.post(url, {"line": line.pk, "item": "Bahan kue", "quantity": "8", "unit_cost": "125000"})

    assert f"{url}?line={line.pk}" in page
    assert (form["line"].value(), form["item"].value(), form["quantity"].value()) == (line.pk, "Bahan kue", 4)
    assert saved.status_code == 302
    assert saved["Location"] == proposal.get_absolute_url()
    line.refresh_from_db()
    assert (line.quantity, line.unit_cost) == (8, 125_000)


def test_the_page_refuses_a_correction_once_submitted_and_hides_the_links(client: Any, people: People) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")
    proposals.proposal_submit(actor=people.kupang_case_worker, proposal=proposal)
    url = reverse("livelihoods:proposal_budget_change", args=[proposal.pk])
    client.force_login(people.kupang_case_worker)

    page = client.get(proposal.get_absolute_url()).content.decode()
    refused = client.post(url, {"line": line.pk, "item": "Bahan kue", "quantity": "8", "unit_cost": "125000"})

    assert url not in page
    assert refused.status_code == 200
    assert "berstatus" in str(refused.context["form"].non_field_errors())
    line.refresh_from_db()
    assert line.quantity == 4


def test_the_page_offers_only_the_lines_of_this_proposal(client: Any, people: People) -> None:
    proposal = draft_for(people)
    other_line = draft_for(people).budget_lines.first()
    assert other_line is not None
    client.force_login(people.kupang_case_worker)

    refused = client.post(
        reverse("livelihoods:proposal_budget_change", args=[proposal.pk]),
        {"line": other_line.pk, "item": "Dicoret", "quantity": "1", "unit_cost": "1"},
    )

    assert refused.status_code == 200
    assert "line" in refused.context["form"].errors
    other_line.refresh_from_db()
    assert other_line.item != "Dicoret"


def test_the_api_patches_a_line_of_a_draft_and_refuses_once_submitted(api_client: Any, people: People) -> None:
    proposal = draft_for(people)
    line = proposal.budget_lines.get(item="Bahan kue")
    other_line = draft_for(people).budget_lines.first()
    assert other_line is not None
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("proposal-budget-line", args=[proposal.pk, line.pk])

    patched = api_client.patch(url, {"unit_cost": 200_000}, format="json")
    too_big = api_client.patch(url, {"unit_cost": proposals.MAX_PROPOSAL_RUPIAH + 1}, format="json")
    not_its_line = api_client.patch(
        reverse("proposal-budget-line", args=[proposal.pk, other_line.pk]), {"quantity": 1}, format="json"
    )
    put = api_client.put(url, {"item": "X", "quantity": 1, "unit_cost": 1}, format="json")
    proposals.proposal_submit(
        actor=people.kupang_case_worker,
        proposal=proposals.proposal_update(
            actor=people.kupang_case_worker, proposal=proposal, amount_requested=4_800_000
        ),
    )
    submitted = api_client.patch(url, {"quantity": 5}, format="json")

    assert patched.status_code == 200, patched.json()
    assert {"id": line.pk, "item": "Bahan kue", "quantity": 4, "unit_cost": 200_000} in patched.json()["budget_lines"]
    assert too_big.status_code == 400
    assert "unit_cost" in too_big.json()["errors"]
    assert not_its_line.status_code == 404
    assert put.status_code == 405
    assert submitted.status_code == 400
    assert "berstatus" in submitted.json()["message"]
    line.refresh_from_db()
    assert (line.quantity, line.unit_cost) == (4, 200_000)
    assert ProposalBudgetLine.objects.get(pk=other_line.pk).quantity == other_line.quantity


def test_the_proposal_itself_still_takes_no_patch(api_client: Any, people: People) -> None:
    proposal = draft_for(people)
    api_client.force_authenticate(people.kupang_case_worker)

    response = api_client.patch(reverse("proposal-detail", args=[proposal.pk]), {"title": "X"}, format="json")

    assert response.status_code == 405
    proposal.refresh_from_db()
    assert proposal.title != "X"
