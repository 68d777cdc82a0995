"""Bank accounts: numbers kept as digits, holder names matched with tolerance, verification that any change undoes,
one primary account, numbers masked for roles that may not see them, and nothing outside the jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.accounts.testing import People
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import Bank, BankAccount, Person
from bangkit.registry.services.bank_accounts import (
    bank_account_create,
    bank_account_mark_invalid,
    bank_account_update,
    bank_account_verify,
    bank_accounts_rematch,
    name_match_score,
    normalise_account_number,
)
from bangkit.registry.testing import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}
WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def _bank(code: str = "002") -> Bank:
    return Bank.objects.get(code=code)


def make_account(people: People, place: str = "kupang", person: Person | None = None, **fields: Any) -> BankAccount:
    person = person or make_person(people, place)
    values: dict[str, Any] = {
        "bank": _bank(),
        "account_number": "0123-01-000456-50-9",
        "holder_name": "Maria Goreti Bria",
    }
    values.update(fields)
    return bank_account_create(actor=getattr(people, WORKERS[place]), person=person, **values)


class TestBankAccountAccess(ScopedModelTests):
    model = BankAccount
    permitted_user = "kupang_case_worker"
    detail_url = "registry:bankaccount_detail"
    edit_url = "registry:bankaccount_edit"
    # Verifying and marking invalid take registry.verify_bankaccount (a supervisor's); the primary switch a change.
    action_urls = {
        "registry:bankaccount_verify": "kupang_supervisor",
        "registry:bankaccount_invalid": "kupang_supervisor",
        "registry:bankaccount_primary": None,
    }
    api_list_url = "bankaccount-list"
    api_detail_url = "bankaccount-detail"
    api_writes = {"patch", "put"}

    def make(self, people: Any, place: str) -> BankAccount:
        return make_account(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"holder_name": "Maria G. Bria"}


# --- Holder names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "holder",
    [
        "Maria Goreti Bria",
        "BRIA MARIA GORETI",
        "Ibu Maria G. Bria",
        "Maria Goreti",
        "MARIA GORETTI BRIA",
        "Bria, Maria Goreti",
        "M. Goreti Bria",
        "Ibu Hj. Maria Goreti Bria, S.Pd",
        "a.n. Maria Goreti Bria",
        "Sdri. Maria Gorety Bria",
        "María Gorétí Bría",
    ],
)
def test_it_accepts_the_holder_name_written_another_way(holder: str) -> None:
    assert name_match_score(holder, ["Maria Goreti Bria"]) >= 85


@pytest.mark.parametrize("holder", ["Yohanes Nahak", "Maria Nahak", "Yohana Bria", "Bria", "Maria"])
def test_it_flags_a_holder_name_of_someone_else(holder: str) -> None:
    assert name_match_score(holder, ["Maria Goreti Bria"]) < 85


def test_it_matches_the_holder_against_the_other_names_too(people: People) -> None:
    person = make_person(people, full_name="Maria Goreti Bria", other_names="Maria Seran, Mama Eti")
    account = make_account(people, person=person, holder_name="MARIA SERAN")
    assert not account.name_mismatch


def test_it_flags_the_account_of_another_holder_and_shows_it(client: Any, people: People) -> None:
    account = make_account(people, holder_name="Yohanes Nahak")
    assert account.name_mismatch
    assert account.name_match_score < 85
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("registry:person_bank_accounts", args=[account.person_id]), **HTMX)
    assert "Nama tidak cocok" in page.content.decode()


def test_it_scores_the_accounts_again_when_the_name_is_corrected(people: People) -> None:
    person = make_person(people, full_name="Maria Bria")
    account = make_account(people, person=person, holder_name="Yohana Seran")
    assert account.name_mismatch
    Person.objects.filter(pk=person.pk).update(full_name="Yohana Seran")
    person.refresh_from_db()
    assert bank_accounts_rematch(person=person) == 1
    account.refresh_from_db()
    assert not account.name_mismatch


# --- Account numbers ----------------------------------------------------------------------------------------


def test_it_keeps_the_digits_of_the_number(people: People) -> None:
    account = make_account(people, account_number=" 0123 01-000456.50/9 ")
    account.refresh_from_db()
    assert account.account_number == "012301000456509"
    assert BankAccount.objects.filter_exact(account_number="0123-0100-0456-509").get() == account


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1,23457E+11", "notasi ilmiah"),
        ("1.23457e+11", "notasi ilmiah"),
        ("123456789.0", ".0"),
        ("12345", "6 sampai 20"),
        ("123456789012345678901", "6 sampai 20"),
        ("12345O789", "hanya boleh berisi angka"),
        ("", "Isi nomor rekening"),
    ],
)
def test_it_refuses_a_number_that_is_not_one(typed: str, words: str) -> None:
    with pytest.raises(ServiceError) as refused:
        normalise_account_number(typed)
    assert refused.value.field == "account_number"
    assert words in refused.value.message


def test_it_refuses_a_number_in_scientific_notation_on_the_form_and_saves_nothing(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("registry:bankaccount_add", args=[person.pk]),
        {"bank": "002", "account_number": "1,23457E+11", "holder_name": "Maria Goreti Bria"},
    )
    assert response.status_code == 400
    assert "notasi ilmiah" in str(response.context["form"].errors["account_number"])
    assert not BankAccount.objects.exists()


def test_it_refuses_an_inactive_bank(people: People) -> None:
    Bank.objects.filter(code="009").update(is_active=False)
    with pytest.raises(ServiceError) as refused:
        make_account(people, bank=_bank("009"))
    assert refused.value.field == "bank"


def test_it_refuses_the_same_account_twice_for_one_person(people: People) -> None:
    account = make_account(people)
    with pytest.raises(ValidationError) as refused:
        make_account(people, person=account.person, account_number="012301000456509")
    assert "sudah tercatat" in str(refused.value.message_dict["account_number"])
    assert BankAccount.objects.count() == 1


# --- Verification -------------------------------------------------------------------------------------------


def test_it_lets_a_supervisor_verify_an_account(client: Any, people: People) -> None:
    account = make_account(people)
    client.force_login(people.kupang_supervisor)
    response = client.post(reverse("registry:bankaccount_verify", args=[account.pk]), {"method": "passbook"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "verified"
    assert account.verified_by == people.kupang_supervisor
    assert account.verification_method == "passbook"
    assert account.verified_at is not None


def test_it_does_not_let_a_case_worker_verify(client: Any, api_client: Any, people: People) -> None:
    account = make_account(people)
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("registry:bankaccount_verify", args=[account.pk])).status_code == 403
    assert (
        client.post(reverse("registry:bankaccount_verify", args=[account.pk]), {"method": "passbook"}).status_code
        == 403
    )
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("bankaccount-verify", args=[account.pk])
    assert api_client.post(url, {"verification_method": "passbook"}, format="json").status_code == 403
    with pytest.raises(ServiceError, match="tidak berwenang"):
        bank_account_verify(actor=people.kupang_case_worker, account=account, method="passbook")
    account.refresh_from_db()
    assert account.status == "unverified"


def test_it_lets_a_finance_officer_verify_by_api(api_client: Any, people: People) -> None:
    account = make_account(people)
    api_client.force_authenticate(people.national_finance_officer)
    response = api_client.post(
        reverse("bankaccount-verify", args=[account.pk]), {"verification_method": "bank_inquiry"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "verified"
    assert response.json()["verified_by"] == people.national_finance_officer.pk


def test_it_verifies_a_mismatched_name_only_when_confirmed(client: Any, people: People) -> None:
    account = make_account(people, holder_name="Yohanes Nahak")
    client.force_login(people.kupang_supervisor)
    url = reverse("registry:bankaccount_verify", args=[account.pk])
    assert "confirm_name_mismatch" in client.get(url).context["form"].fields
    refused = client.post(url, {"method": "passbook"})
    assert refused.status_code == 400
    assert "tidak cocok" in str(refused.context["form"].errors["confirm_name_mismatch"])
    account.refresh_from_db()
    assert account.status == "unverified"
    assert client.post(url, {"method": "passbook", "confirm_name_mismatch": "on"}).status_code == 302
    account.refresh_from_db()
    assert account.status == "verified"


@pytest.mark.parametrize(
    "change",
    [{"account_number": "9988776655"}, {"holder_name": "Maria G. Bria"}, {"bank": "bni"}],
)
def test_it_needs_verifying_again_after_any_change(people: People, change: dict[str, Any]) -> None:
    account = make_account(people)
    bank_account_verify(actor=people.kupang_supervisor, account=account, method="passbook")
    if change.get("bank") == "bni":
        change = {"bank": _bank("009")}
    account = bank_account_update(actor=people.kupang_case_worker, account=account, **change)
    account.refresh_from_db()
    assert account.status == "unverified"
    assert account.verified_by is None
    assert account.verified_at is None
    assert account.verification_method == ""


def test_it_keeps_the_verification_when_nothing_changes(client: Any, people: People) -> None:
    account = make_account(people)
    bank_account_verify(actor=people.kupang_supervisor, account=account, method="passbook")
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("registry:bankaccount_edit", args=[account.pk]),
        {"bank": "002", "account_number": "", "holder_name": "Maria Goreti Bria", "is_primary": "on"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "verified"


def test_it_marks_an_account_invalid_with_a_reason(people: People) -> None:
    account = make_account(people)
    with pytest.raises(ServiceError) as refused:
        bank_account_mark_invalid(actor=people.kupang_supervisor, account=account, reason=" ")
    assert refused.value.field == "reason"
    account = bank_account_mark_invalid(actor=people.kupang_supervisor, account=account, reason="Rekening ditutup")
    assert account.status == "invalid"
    assert account.invalid_reason == "Rekening ditutup"
    corrected = bank_account_update(actor=people.kupang_case_worker, account=account, account_number="5566778899")
    assert corrected.status == "unverified"
    assert corrected.invalid_reason == ""


def test_it_shows_in_the_history_that_the_number_changed_without_showing_it(people: People) -> None:
    account = make_account(people, account_number="111122223333")
    bank_account_update(actor=people.kupang_case_worker, account=account, account_number="444455556666")
    entry = LogEntry.objects.get_for_object(account).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["account_number"] == ["******", "******"]
    everything = str(list(LogEntry.objects.values_list("changes", "object_repr")))
    assert "111122223333" not in everything
    assert "444455556666" not in everything


# --- Primary account ----------------------------------------------------------------------------------------


def test_it_keeps_one_primary_account_per_person(client: Any, people: People) -> None:
    first = make_account(people)
    assert first.is_primary
    second = make_account(people, person=first.person, account_number="5566778899", is_primary=False)
    assert not second.is_primary
    third = make_account(people, person=first.person, account_number="6677889900", is_primary=True)
    first.refresh_from_db()
    assert third.is_primary
    assert not first.is_primary
    client.force_login(people.kupang_case_worker)
    assert client.post(reverse("registry:bankaccount_primary", args=[second.pk])).status_code == 302
    assert list(BankAccount.objects.filter(person=first.person, is_primary=True)) == [
        BankAccount.objects.get(pk=second.pk)
    ]


# --- Masking ------------------------------------------------------------------------------------------------


def test_it_shows_the_number_in_clear_to_a_finance_officer_and_logs_it(
    client: Any, api_client: Any, people: People
) -> None:
    account = make_account(people, account_number="111122223333")
    client.force_login(people.national_finance_officer)
    tab = client.get(reverse("registry:person_bank_accounts", args=[account.person_id]), **HTMX)
    assert "111122223333" in tab.content.decode()
    detail = client.get(reverse("registry:bankaccount_detail", args=[account.pk]))
    assert "111122223333" in detail.content.decode()
    assert detail["Cache-Control"].startswith("no-store")
    api_client.force_authenticate(people.national_finance_officer)
    body = api_client.get(reverse("bankaccount-detail", args=[account.pk])).json()
    assert body["account_number"] == "111122223333"
    assert body["account_number_masked"] is False
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(account.person_id))
    assert accesses.filter(actor=people.national_finance_officer).count() == 3


def test_it_masks_the_number_for_a_case_worker(client: Any, api_client: Any, people: People) -> None:
    account = make_account(people, account_number="111122223333")
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("registry:person_bank_accounts", args=[account.person_id]), **HTMX).content.decode()
    assert "********3333" in tab
    assert "111122223333" not in tab
    edit = client.get(reverse("registry:bankaccount_edit", args=[account.pk])).content.decode()
    assert "111122223333" not in edit
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("bankaccount-list"), {"person": account.person_id}).json()
    assert body["results"][0]["account_number"] == "********3333"
    assert body["results"][0]["account_number_masked"] is True
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_shows_no_account_to_a_program_officer(client: Any, api_client: Any, people: People) -> None:
    account = make_account(people)
    client.force_login(people.kupang_program_officer)
    assert client.get(reverse("registry:person_bank_accounts", args=[account.person_id])).status_code == 403
    api_client.force_authenticate(people.kupang_program_officer)
    assert api_client.get(reverse("bankaccount-detail", args=[account.pk])).status_code == 403


# --- Other jurisdiction -------------------------------------------------------------------------------------


def test_it_answers_404_to_indramayu_for_a_kupang_account(client: Any, api_client: Any, people: People) -> None:
    account = make_account(people)
    client.force_login(people.indramayu_supervisor)
    for name, args in [
        ("registry:person_bank_accounts", [account.person_id]),
        ("registry:bankaccount_add", [account.person_id]),
        ("registry:bankaccount_detail", [account.pk]),
        ("registry:bankaccount_edit", [account.pk]),
        ("registry:bankaccount_verify", [account.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert (
        client.post(reverse("registry:bankaccount_verify", args=[account.pk]), {"method": "passbook"}).status_code
        == 404
    )
    api_client.force_authenticate(people.indramayu_supervisor)
    assert api_client.get(reverse("bankaccount-detail", args=[account.pk])).status_code == 404
    assert (
        api_client.post(
            reverse("bankaccount-verify", args=[account.pk]), {"verification_method": "passbook"}
        ).status_code
        == 404
    )
    assert api_client.patch(reverse("bankaccount-detail", args=[account.pk]), {"holder_name": "X"}).status_code == 404
    created = api_client.post(
        reverse("bankaccount-list"),
        {"person": account.person_id, "bank": "002", "account_number": "5566778899", "holder_name": "Maria"},
        format="json",
    )
    assert created.status_code == 400
    assert "person" in created.json()["errors"]
    with pytest.raises(OutOfJurisdiction):
        bank_account_verify(actor=people.indramayu_supervisor, account=account, method="passbook")
    account.refresh_from_db()
    assert account.status == "unverified"
    assert account.holder_name == "Maria Goreti Bria"


# --- API and pages ------------------------------------------------------------------------------------------


def test_it_records_an_account_by_api_with_field_errors(api_client: Any, people: People) -> None:
    person = make_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("bankaccount-list")
    bad = api_client.post(
        url, {"person": person.pk, "bank": "002", "account_number": 1.23457e11, "holder_name": "Maria"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"account_number"}
    assert not BankAccount.objects.exists()
    good = api_client.post(
        url,
        {"person": person.pk, "bank": "002", "account_number": "0123 4567 8901", "holder_name": "Ibu Maria G. Bria"},
        format="json",
    )
    assert good.status_code == 201, good.json()
    body = good.json()
    assert body["status"] == "unverified"
    assert body["is_primary"]
    assert not body["name_mismatch"]
    assert body["account_number"] == "********8901"
    changed = api_client.patch(reverse("bankaccount-detail", args=[body["id"]]), {"bank": "009"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["bank"] == "009"


def test_it_adds_an_account_from_the_person_page(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("registry:bankaccount_add", args=[person.pk])).status_code == 200
    response = client.post(
        reverse("registry:bankaccount_add", args=[person.pk]),
        {"bank": "002", "account_number": "0123-4567-8901", "holder_name": "Maria Goreti Bria"},
    )
    assert response.status_code == 302
    account = BankAccount.objects.get()
    assert account.is_primary
    assert account.account_number == "012345678901"
    tab = client.get(reverse("registry:person_bank_accounts", args=[person.pk]))
    assert tab.status_code == 200
    assert "********8901" in tab.content.decode()


def test_it_lists_the_accounts_with_a_fixed_number_of_queries(client: Any, people: People) -> None:
    person = make_person(people)
    make_account(people, person=person)
    client.force_login(people.kupang_supervisor)
    url = reverse("registry:person_bank_accounts", args=[person.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url, **HTMX)
    for number in ("5566778899", "6677889900", "7788990011"):
        account = make_account(people, person=person, account_number=number, is_primary=False)
        bank_account_verify(actor=people.kupang_supervisor, account=account, method="passbook")
    with CaptureQueriesContext(connection) as several:
        client.get(url, **HTMX)
    assert len(one) == len(several), [query["sql"] for query in several.captured_queries]
