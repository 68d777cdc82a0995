"""The assistance API runs the same services as the pages, inside the caller's jurisdictions, with the shared error
shape: a program officer sets up a scheme, a finance officer prepares a tranche that a second one approves from a
freshly confirmed browser session (never with a token, never their own), the bank files come back byte for byte,
a result file's untrustworthy lines change nothing, and of fifty simultaneous approvals or payments one counts."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.accounts.services import api_token_create
from bangkit.accounts.testing import People, make_user
from bangkit.accounts.tests.helpers import sign_in
from bangkit.assistance import bankfiles, services
from bangkit.assistance.choices import EntitlementState, PaymentOutcome, ResultProblem, SchemeKind, TrancheState
from bangkit.assistance.models import (
    BankFile,
    BankResultProblem,
    Entitlement,
    HandoverReceipt,
    Payment,
    Scheme,
    Tranche,
)
from bangkit.assistance.testing import finance_officer, recipient
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import Person
from bangkit.registry.services.bank_accounts import bank_account_update, bank_account_verify

pytestmark = pytest.mark.django_db

REGENCY = {"kupang": "53.01", "indramayu": "32.12"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ACCOUNT = "0123-01-000456-50-9"  # recipient()'s account
ACCOUNT_SENT = "012301000456509"  # as the bank file writes it
DECREE_NUMBER, DECREE_DATE = "SK.123/RSTS/XI/2019", date(2019, 11, 12)
DECREE_BODY = {"decree_number": DECREE_NUMBER, "decree_date": DECREE_DATE.isoformat()}


# --- the cast and their records ----------------------------------------------------------------------------------


def officer(people: People, name: str, place: str = "kupang") -> User:
    """A finance officer of the place's regency, made once per test."""
    existing = User.objects.filter(email=f"{name}@test.id").first()
    return existing or finance_officer(people, name, REGENCY[place])


def program_officer(people: People, place: str) -> User:
    if place == "kupang":
        return people.kupang_program_officer
    existing = User.objects.filter(email="indramayu.programme@test.id").first()
    return existing or make_user(
        "indramayu.programme@test.id", people.orgs.indramayu_dinsos, (Role.PROGRAM_OFFICER, people.regions["32.12"])
    )


def scheme_in(people: People, place: str = "kupang", **fields: Any) -> Scheme:
    values: dict[str, Any] = {
        "name": f"Bantuan stimulan usaha KPO 2019 ({Scheme.objects.count() + 1})",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos if place == "kupang" else people.orgs.indramayu_dinsos,
        "region": people.regions[REGENCY[place]],
        "year": 2019,
        "kind": SchemeKind.CASH,
        "amount_per_person": 900_000,
        "budget_ceiling": 225_000_000,
        **fields,
    }
    return services.scheme_save(actor=program_officer(people, place), **values)


def tranche_in(people: People, place: str = "kupang", upto: str = "draft", *names: str) -> Tranche:
    """The next tranche of the place's cash scheme, filled with `names` (one new recipient unless told), taken as
    far as `upto`: draft (filled), submitted, approved or sent."""
    maker, checker = officer(people, "maker", place), officer(people, "checker", place)
    for name in names or (f"Penerima {Person.objects.count() + 1}",):
        recipient(people, name, place=place)
    name = f"Bantuan stimulan usaha KPO 2019, {place}"
    scheme = Scheme.objects.filter(name=name).first() or scheme_in(people, place, name=name)
    tranche = services.tranche_create(actor=maker, scheme=scheme)
    services.tranche_fill(actor=maker, tranche=tranche)
    steps = ["draft", "submitted", "approved", "sent"]
    if steps.index(upto) >= 1:
        services.tranche_submit(actor=maker, tranche=tranche)
    if steps.index(upto) >= 2:
        services.tranche_approve(actor=checker, tranche=tranche, decree_number=DECREE_NUMBER, decree_date=DECREE_DATE)
    if steps.index(upto) >= 3:
        services.tranche_send(actor=checker, tranche=tranche)
    tranche.refresh_from_db()
    return tranche


def result_file(*rows: str) -> SimpleUploadedFile:
    content = "reference,status,amount,bank_reference,date,reason_code,reason\r\n" + "".join(r + "\r\n" for r in rows)
    return SimpleUploadedFile("hasil.csv", content.encode(), content_type="text/csv")


def url(name: str, *args: Any) -> str:
    return reverse(f"assistance-{name}", args=args)


def post(client: Any, name: str, pk: Any, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(url(name, pk), body or {}, format=kwargs.pop("format", "json"), **kwargs)


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors"}
    return body


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json()


def confirmed(user: User) -> APIClient:
    """A browser session signed in with the password just now: within the re-authentication window."""
    client = APIClient()
    sign_in(client, user)
    return client


# --- generated authorization tests (core/testing/cases.py) --------------------------------------------------------


class TestSchemeApi(ScopedModelTests):
    model = Scheme
    permitted_user = "kupang_supervisor"
    writer_user = "kupang_program_officer"
    reader_user = "kupang_supervisor"  # sees schemes, changes none
    api_list_url = "assistance-scheme-list"
    api_detail_url = "assistance-scheme-detail"
    api_writes = {"patch"}

    def make(self, people: Any, place: str) -> Scheme:
        return scheme_in(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"name": f"{obj.name} (diubah)"}


class TestTrancheApi(ScopedModelTests):
    model = Tranche
    permitted_user = "kupang_supervisor"
    api_list_url = "assistance-tranche-list"
    api_detail_url = "assistance-tranche-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Tranche:
        return tranche_in(people, place)


class TestEntitlementApi(ScopedModelTests):
    model = Entitlement
    permitted_user = "kupang_supervisor"
    api_list_url = "assistance-entitlement-list"
    api_detail_url = "assistance-entitlement-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Entitlement:
        return tranche_in(people, place).entitlements.get()


class TestBankFileApi(ScopedModelTests):
    model = BankFile
    permitted_user = "kupang_supervisor"
    api_list_url = "assistance-bankfile-list"
    api_detail_url = "assistance-bankfile-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> BankFile:
        return tranche_in(people, place, "sent").bank_files.get()


class TestPaymentApi(ScopedModelTests):
    model = Payment
    permitted_user = "kupang_supervisor"
    api_list_url = "assistance-payment-list"
    api_detail_url = "assistance-payment-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Payment:
        return Payment.objects.get(bank_file__tranche=tranche_in(people, place, "sent"))


class TestBankResultProblemApi(ScopedModelTests):
    model = BankResultProblem
    permitted_user = "kupang_supervisor"
    api_list_url = "assistance-problem-list"
    api_detail_url = "assistance-problem-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> BankResultProblem:
        tranche = tranche_in(people, place, "sent")
        result = services.bank_result_import(
            actor=officer(people, "checker", place),
            tranche=tranche,
            filename="hasil.csv",
            content=result_file(f"BKT99999999{BankResultProblem.objects.count()}-1,PAID,900000,T1,2019-11-20,,").read(),
        )
        return result.problem_lines.get()


# --- schemes -----------------------------------------------------------------------------------------------------


def test_it_lets_a_program_officer_set_up_a_cash_scheme_and_an_in_kind_package(api_client: Any, people: People) -> None:
    body = {
        "name": "Bantuan stimulan usaha KPO 2019, Kabupaten Kupang",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos.pk,
        "region": "53.01",
        "year": 2019,
        "kind": "cash",
        "amount_per_person": 900_000,
        "budget_ceiling": 225_000_000,
    }
    api_client.force_authenticate(people.kupang_case_worker)
    error(api_client.post(url("scheme-list"), body, format="json"), 403)

    api_client.force_authenticate(people.kupang_program_officer)
    elsewhere = error(api_client.post(url("scheme-list"), {**body, "region": "32.12"}, format="json"), 400)
    assert elsewhere["errors"]["region"] == ["Wilayah ini di luar yurisdiksi Anda."]
    no_amount = error(api_client.post(url("scheme-list"), {**body, "amount_per_person": None}, format="json"), 400)
    assert no_amount["errors"]["amount_per_person"] == ["Isi nilai bantuan per orang, dalam rupiah utuh."]
    created = ok(api_client.post(url("scheme-list"), body, format="json"), 201)
    assert (created["amount_per_person"], created["budget_ceiling"], created["package_value"]) == (
        900_000,
        225_000_000,
        900_000,
    )
    assert all(type(created[name]) is int for name in ("amount_per_person", "budget_ceiling", "package_value"))
    assert created["eligibility_rules"][0] == "tinggal di Kabupaten Kupang"
    assert "punya rekening bank yang sudah diverifikasi" in created["eligibility_rules"]
    assert error(
        post(api_client, "scheme-items", created["id"], {"name": "Oven", "quantity": 1, "unit_value": 1}), 400
    )["message"] == ("Hanya bantuan barang yang punya isi paket.")

    kit = ok(
        api_client.post(
            url("scheme-list"),
            {**body, "name": "Paket usaha kue", "kind": "in_kind", "amount_per_person": None},
            format="json",
        ),
        201,
    )
    oven = ok(
        post(api_client, "scheme-items", kit["id"], {"name": "Oven", "quantity": 1, "unit_value": 1_500_000}), 201
    )
    ok(post(api_client, "scheme-items", kit["id"], {"name": "Loyang", "quantity": 4, "unit_value": 50_000}), 201)
    assert oven == {
        "id": oven["id"],
        "name": "Oven",
        "quantity": 1,
        "unit": "buah",
        "unit_value": 1_500_000,
        "value": 1_500_000,
    }
    assert error(post(api_client, "scheme-items", kit["id"], {"name": "Oven", "quantity": 1, "unit_value": 1.5}), 400)[
        "errors"
    ]["unit_value"]
    shown = ok(api_client.get(url("scheme-detail", kit["id"])))
    assert (shown["amount_per_person"], shown["package_value"]) == (None, 1_700_000)
    assert [item["name"] for item in shown["items"]] == ["Oven", "Loyang"]

    changed = ok(api_client.patch(url("scheme-detail", kit["id"]), {"budget_ceiling": 34_000_000}, format="json"))
    assert changed["budget_ceiling"] == 34_000_000
    listed = ok(api_client.get(url("scheme-list"), {"kind": "in_kind"}))["results"]
    assert [item["id"] for item in listed] == [kit["id"]]

    api_client.force_authenticate(officer(people, "maker"))
    error(post(api_client, "scheme-items", kit["id"], {"name": "Mixer", "quantity": 1, "unit_value": 450_000}), 403)


def test_it_shows_a_schemes_ledger_against_its_ceiling(api_client: Any, people: People) -> None:
    tranche = tranche_in(people, "kupang", "approved", "Maria Bria", "Yohanes Nahak")
    api_client.force_authenticate(people.kupang_supervisor)

    ledger = ok(api_client.get(url("scheme-ledger", tranche.scheme_id)))

    assert ledger["tranches"] == [
        {
            "id": tranche.pk,
            "number": 1,
            "state": "approved",
            "decree_number": DECREE_NUMBER,
            "people": 2,
            "rupiah": 1_800_000,
            "paid_people": 0,
            "paid_rupiah": 0,
            "failed_people": 0,
        }
    ]
    assert (ledger["committed"], ledger["paid"], ledger["ceiling"], ledger["remaining"]) == (
        1_800_000,
        0,
        225_000_000,
        223_200_000,
    )


# --- the tranche's way, from a draft to the reconciliation --------------------------------------------------------


def test_it_takes_a_cash_tranche_from_a_draft_to_a_balanced_reconciliation(api_client: Any, people: People) -> None:
    maker, checker = officer(people, "maker"), officer(people, "checker")
    for name in ("Maria Bria", "Yohanes Nahak", "Agustina Tefa"):
        recipient(people, name)
    scheme = scheme_in(people)
    api_client.force_authenticate(maker)

    tranche = ok(api_client.post(url("tranche-list"), {"scheme": scheme.pk}, format="json"), 201)
    assert (tranche["number"], tranche["state"], tranche["totals"]) == (1, "draft", {"people": 0, "rupiah": 0})
    filled = ok(post(api_client, "tranche-fill", tranche["id"]))
    assert (filled["added"], filled["tranche"]["totals"]) == (3, {"people": 3, "rupiah": 2_700_000})
    assert ok(post(api_client, "tranche-fill", tranche["id"]))["added"] == 0
    assert ok(post(api_client, "tranche-submit", tranche["id"]))["state"] == "submitted"
    listed = ok(api_client.get(url("tranche-list"), {"scheme": scheme.pk, "state": "submitted"}))["results"]
    assert [item["id"] for item in listed] == [tranche["id"]]

    approved = ok(post(confirmed(checker), "tranche-approve", tranche["id"], DECREE_BODY))
    assert (approved["state"], approved["approved_by"], approved["decree_number"]) == (
        "approved",
        checker.pk,
        "SK.123/RSTS/XI/2019",
    )
    assert (approved["approved_people"], approved["approved_total"]) == (3, 2_700_000)

    files = ok(post(confirmed(checker), "tranche-send", tranche["id"]))
    assert [(item["bank"], item["round"], item["lines"], item["control_total"]) for item in files] == [
        ("002", 1, 3, 2_700_000)
    ]
    payments = ok(api_client.get(url("payment-list"), {"tranche": tranche["id"]}))["results"]
    assert [item["outcome"] for item in payments] == ["pending"] * 3
    by_name = {Payment.objects.get(pk=item["id"]).entitlement.person.full_name: item["reference"] for item in payments}

    upload = {
        "file": result_file(
            f"{by_name['Maria Bria']},PAID,900000,TRX001,2019-11-20,,",
            f"{by_name['Yohanes Nahak']},GAGAL,900000,,20/11/2019,closed,Rekening ditutup",
        )
    }
    imported = ok(post(api_client, "tranche-bank-results", tranche["id"], upload, format="multipart"), 201)
    assert (imported["lines"], imported["paid"], imported["failed"], imported["problems"]) == (2, 1, 1, 0)

    figures = ok(api_client.get(url("tranche-reconciliation", tranche["id"])))
    assert figures["approved"] == {"people": 3, "rupiah": 2_700_000}
    assert (figures["paid"], figures["failed"], figures["pending"]) == (
        {"people": 1, "rupiah": 900_000},
        {"people": 1, "rupiah": 900_000},
        {"people": 1, "rupiah": 900_000},
    )
    assert figures["balanced"] is True
    assert [(row["bank"], row["paid"]["people"], row["pending"]["rupiah"]) for row in figures["files"]] == [
        ("002", 1, 900_000)
    ]
    assert [(row["filename"], row["paid"]) for row in figures["results"]] == [("hasil.csv", 1)]
    assert figures["problems"] == 0
    error(post(api_client, "tranche-close", tranche["id"]), 400)


def test_it_gives_the_bank_file_with_the_recorded_checksum_to_senders_only_and_logs_each_download(
    api_client: Any, people: People
) -> None:
    tranche = tranche_in(people, "kupang", "sent", "Maria Bria")
    bank_file = tranche.bank_files.get()
    api_client.force_authenticate(officer(people, "checker"))

    shown = ok(api_client.get(url("bankfile-list"), {"tranche": tranche.pk}))["results"]
    response = api_client.get(url("bankfile-content", bank_file.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{bank_file.filename}"'
    assert bankfiles.sha256(response.content) == bank_file.sha256 == shown[0]["sha256"]
    assert response.content.decode().split("\r\n")[1].startswith(f"D,1,{ACCOUNT_SENT},MARIA BRIA,900000,")
    assert api_client.get(url("bankfile-content", bank_file.pk)).content == response.content
    accesses = LogEntry.objects.get_for_object(bank_file).filter(action=LogEntry.Action.ACCESS)
    assert accesses.count() == 2

    # Seeing the file is not sending it: a supervisor lists it but gets no bytes; elsewhere it does not exist.
    api_client.force_authenticate(people.kupang_supervisor)
    assert ok(api_client.get(url("bankfile-detail", bank_file.pk)))["sha256"] == bank_file.sha256
    error(api_client.get(url("bankfile-content", bank_file.pk)), 403)
    api_client.force_authenticate(officer(people, "indramayu.checker", "indramayu"))
    error(api_client.get(url("bankfile-content", bank_file.pk)), 404)
    assert accesses.count() == 2


def test_it_lists_untrustworthy_result_lines_as_problems_and_changes_nothing(api_client: Any, people: People) -> None:
    tranche = tranche_in(people, "kupang", "sent", "Maria Bria", "Yohanes Nahak")
    maria = Payment.objects.get(bank_file__tranche=tranche, entitlement__person__full_name="Maria Bria")
    yohanes = Payment.objects.get(bank_file__tranche=tranche, entitlement__person__full_name="Yohanes Nahak")
    api_client.force_authenticate(officer(people, "checker"))
    first = {"file": result_file(f"{maria.reference},PAID,900000,TRX001,2019-11-20,,")}
    ok(post(api_client, "tranche-bank-results", tranche.pk, first, format="multipart"), 201)
    before = {
        "payments": list(Payment.objects.order_by("pk").values()),
        "entitlements": list(Entitlement.objects.order_by("pk").values()),
    }

    def second() -> dict[str, Any]:
        return {
            "file": result_file(
                f"{maria.reference},PAID,900000,TRX999,2019-11-21,,",  # a second "paid"
                "BKT999999999-1,PAID,900000,TRX002,2019-11-20,,",  # nobody's
                f"{yohanes.reference},PAID,9000000,TRX003,2019-11-20,,",  # not what was sent
            )
        }

    imported = ok(post(api_client, "tranche-bank-results", tranche.pk, second(), format="multipart"), 201)

    assert (imported["paid"], imported["failed"], imported["problems"]) == (0, 0, 3)
    assert [(line["line"], line["kind"]) for line in imported["problem_lines"]] == [
        (2, ResultProblem.ALREADY_SETTLED),
        (3, ResultProblem.UNKNOWN_REFERENCE),
        (4, ResultProblem.AMOUNT_MISMATCH),
    ]
    assert imported["problem_lines"][2]["detail"] == "dikirim Rp 900.000, bank menyebut Rp 9.000.000"
    assert before == {
        "payments": list(Payment.objects.order_by("pk").values()),
        "entitlements": list(Entitlement.objects.order_by("pk").values()),
    }
    listed = ok(api_client.get(url("problem-list"), {"tranche": tranche.pk}))["results"]
    assert [line["reference"] for line in listed] == [maria.reference, "BKT999999999-1", yohanes.reference]
    assert ok(api_client.get(url("tranche-reconciliation", tranche.pk)))["problems"] == 3
    again = error(post(api_client, "tranche-bank-results", tranche.pk, second(), format="multipart"), 400)
    assert "sudah diimpor" in again["errors"]["file"][0]
    unreadable = {"file": SimpleUploadedFile("x.csv", b"a,b\r\n1,2\r\n")}
    assert error(post(api_client, "tranche-bank-results", tranche.pk, unreadable, format="multipart"), 400)["errors"][
        "file"
    ] == ["Baris pertama berkas hasil harus menamai kolom, sekurang-kurangnya reference dan status."]


def test_it_records_one_payment_by_hand_once(api_client: Any, people: People) -> None:
    tranche = tranche_in(people, "kupang", "sent", "Maria Bria")
    payment = Payment.objects.get(bank_file__tranche=tranche)
    api_client.force_authenticate(people.kupang_supervisor)
    body = {"outcome": "paid", "settled_on": "2019-11-20", "bank_reference": "TRX1"}
    error(post(api_client, "payment-record", payment.pk, body), 403)

    api_client.force_authenticate(officer(people, "checker"))
    no_reference = error(post(api_client, "payment-record", payment.pk, {**body, "bank_reference": ""}), 400)
    assert no_reference["errors"] == {"bank_reference": ["Isi referensi bank pembayaran ini."]}
    error(post(api_client, "payment-record", payment.pk, {**body, "outcome": "pending"}), 400)
    recorded = ok(post(api_client, "payment-record", payment.pk, body))
    refused = error(post(api_client, "payment-record", payment.pk, {**body, "bank_reference": "TRX2"}), 400)

    assert (recorded["outcome"], recorded["bank_reference"], recorded["settled_on"]) == ("paid", "TRX1", "2019-11-20")
    assert refused["message"] == "Tidak dicatat: sudah tercatat sebelumnya."
    assert Payment.objects.get(pk=payment.pk).bank_reference == "TRX1"
    assert ok(post(api_client, "tranche-close", tranche.pk))["state"] == "closed"


def test_it_cancels_reinstates_and_reissues_an_entitlement_as_the_same_one(api_client: Any, people: People) -> None:
    maker = officer(people, "maker")
    draft = tranche_in(people, "kupang", "draft", "Maria Bria")
    entitlement = draft.entitlements.get()
    api_client.force_authenticate(maker)
    error(post(api_client, "entitlement-cancel", entitlement.pk, {"reason": ""}), 400)
    assert ok(post(api_client, "entitlement-cancel", entitlement.pk, {"reason": "Nama belum pasti"}))["state"] == (
        "cancelled"
    )
    assert ok(post(api_client, "entitlement-reinstate", entitlement.pk))["state"] == "draft"
    api_client.force_authenticate(people.kupang_supervisor)
    error(post(api_client, "entitlement-cancel", entitlement.pk, {"reason": "Tidak berhak"}), 403)

    sent = tranche_in(people, "kupang", "sent", "Yohanes Nahak")
    failed = Payment.objects.get(bank_file__tranche=sent)
    checker = officer(people, "checker")
    services.bank_result_import(
        actor=checker,
        tranche=sent,
        filename="hasil.csv",
        content=result_file(f"{failed.reference},FAILED,900000,,2019-11-20,invalid,Nomor salah").read(),
    )
    api_client.force_authenticate(checker)
    refused = error(post(api_client, "entitlement-reissue", failed.entitlement_id), 400)
    assert "belum diperbaiki dan diverifikasi ulang" in refused["message"]
    wrong = failed.entitlement.bank_account
    assert wrong is not None
    account = bank_account_update(actor=people.kupang_supervisor, account=wrong, account_number="0123010004566")
    bank_account_verify(actor=people.kupang_supervisor, account=account, method="bank_letter")
    reissued = ok(post(api_client, "entitlement-reissue", failed.entitlement_id))
    second_round = ok(post(confirmed(checker), "tranche-send", sent.pk))

    assert (reissued["id"], reissued["state"], reissued["attempt"]) == (failed.entitlement_id, "approved", 2)
    assert [(item["round"], item["lines"]) for item in second_round] == [(2, 1)]
    assert Entitlement.objects.filter(scheme=sent.scheme, person=failed.entitlement.person).count() == 1
    attempts = ok(api_client.get(url("payment-list"), {"entitlement": failed.entitlement_id}))["results"]
    assert [(item["attempt"], item["outcome"]) for item in attempts] == [(1, "failed"), (2, "pending")]


def test_it_hands_over_an_in_kind_package_and_attaches_the_signed_receipt(api_client: Any, people: People) -> None:
    maker, checker = officer(people, "maker"), officer(people, "checker")
    scheme = scheme_in(people, kind=SchemeKind.IN_KIND, amount_per_person=None, budget_ceiling=50_000_000)
    oven = services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Oven", quantity=1, unit_value=1_500_000
    )
    services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Loyang", quantity=4, unit_value=50_000
    )
    maria, yohanes = recipient(people, "Maria Bria", account=False), recipient(people, "Yohanes Nahak", account=False)
    tranche = services.tranche_create(actor=maker, scheme=scheme)
    services.tranche_fill(actor=maker, tranche=tranche)
    services.tranche_submit(actor=maker, tranche=tranche)
    services.tranche_approve(actor=checker, tranche=tranche, decree_number=DECREE_NUMBER, decree_date=DECREE_DATE)
    ids = {entry.person_id: entry.pk for entry in tranche.entitlements.all()}
    api_client.force_authenticate(maker)

    scan = {"scan": SimpleUploadedFile("Maria.png", PNG)}
    assert error(post(api_client, "tranche-handover-scan-upload", tranche.pk, scan, format="multipart"), 400)[
        "errors"
    ] == {"scan": ["Catat dulu nomor, tempat dan tanggal berita acaranya."]}
    receipt = {"number": "BAST-01/2019", "place": "Gereja GMIT Bethesda Tarus", "handed_on": "2019-11-13"}
    assert ok(post(api_client, "tranche-handover-receipt", tranche.pk, receipt))["number"] == "BAST-01/2019"
    handed = {"entitlements": [ids[maria.pk]], "handed_on": "2019-11-13"}
    assert ok(post(api_client, "tranche-handover", tranche.pk, handed)) == {"recorded": 1}
    assert "sudah menerima" in error(post(api_client, "tranche-handover", tranche.pk, handed), 400)["message"]
    stranger = {"entitlements": [ids[yohanes.pk], 10**12], "handed_on": "2019-11-14"}
    assert error(post(api_client, "tranche-handover", tranche.pk, stranger), 400)["errors"] == {
        "entitlements": [f"Bukan penerima tahap ini: {10**12}."]
    }
    partial = {"entitlements": [ids[yohanes.pk]], "handed_on": "2019-11-14", "quantities": {str(oven.pk): 0}}
    assert ok(post(api_client, "tranche-handover", tranche.pk, partial)) == {"recorded": 1}
    scan = {"scan": SimpleUploadedFile("Maria.png", PNG)}
    attached = ok(post(api_client, "tranche-handover-scan-upload", tranche.pk, scan, format="multipart"))
    assert attached["has_signed_copy"] is True
    download = api_client.get(url("tranche-handover-scan", tranche.pk))
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    assert ok(post(api_client, "tranche-close", tranche.pk))["state"] == "closed"

    shown = ok(api_client.get(url("tranche-detail", tranche.pk)))
    assert shown["handover_receipt"]["place"] == "Gereja GMIT Bethesda Tarus"
    assert HandoverReceipt.objects.get(tranche=tranche).signed_copy_by == maker
    error(post(confirmed(checker), "tranche-send", tranche.pk), 400)


# --- who may do what ---------------------------------------------------------------------------------------------


def test_it_refuses_the_preparers_own_approval(people: People) -> None:
    tranche = tranche_in(people, "kupang", "submitted")

    refused = error(post(confirmed(officer(people, "maker")), "tranche-approve", tranche.pk, DECREE_BODY), 403)

    assert refused["message"] == "Penyiap tahap tidak boleh menyetujuinya."
    tranche.refresh_from_db()
    assert (tranche.state, tranche.approved_by) == (TrancheState.SUBMITTED, None)


def test_it_refuses_approving_and_sending_with_a_token_or_a_session_not_confirmed_lately(
    api_client: Any, people: People
) -> None:
    checker = officer(people, "checker")
    submitted = tranche_in(people, "kupang", "submitted")
    approved = tranche_in(people, "kupang", "approved")
    _token, key = api_token_create(user=checker, name="Skrip keuangan")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    by_token = error(post(api_client, "tranche-approve", submitted.pk, DECREE_BODY), 403)
    assert by_token["message"] == (
        "Langkah ini tidak dapat dilakukan dengan token API: lakukan di situs Bangkit, yang meminta konfirmasi kata "
        "sandi Anda."
    )
    error(post(api_client, "tranche-send", approved.pk), 403)
    assert ok(api_client.get(url("tranche-detail", submitted.pk)))["state"] == "submitted"  # reading is fine

    stale = APIClient()
    stale.force_login(checker)
    assert "masuk ulang di situs" in error(post(stale, "tranche-approve", submitted.pk, DECREE_BODY), 403)["message"]
    error(post(stale, "tranche-send", approved.pk), 403)

    submitted.refresh_from_db()
    assert submitted.state == TrancheState.SUBMITTED
    assert not BankFile.objects.filter(tranche=approved).exists()


def test_it_answers_403_to_those_who_may_only_look(api_client: Any, people: People) -> None:
    submitted = tranche_in(people, "kupang", "submitted")
    entitlement = submitted.entitlements.get()
    supervisor = confirmed(people.kupang_supervisor)
    assert ok(supervisor.get(url("tranche-detail", submitted.pk)))["state"] == "submitted"

    for name, body in [
        ("tranche-approve", DECREE_BODY),
        ("tranche-return", {}),
        ("tranche-cancel", {"reason": "Anggaran dialihkan"}),
        ("tranche-fill", {}),
        ("tranche-submit", {}),
        ("tranche-close", {}),
    ]:
        error(post(supervisor, name, submitted.pk, body), 403)
    error(supervisor.post(url("tranche-list"), {"scheme": submitted.scheme_id}, format="json"), 403)
    error(post(supervisor, "entitlement-cancel", entitlement.pk, {"reason": "Tidak berhak"}), 403)

    api_client.force_authenticate(people.kupang_case_worker)
    for name in ["scheme-list", "tranche-list", "entitlement-list", "bankfile-list", "payment-list", "problem-list"]:
        error(api_client.get(url(name)), 403)
    submitted.refresh_from_db()
    assert submitted.state == TrancheState.SUBMITTED


def test_it_answers_404_to_an_officer_of_another_jurisdiction(api_client: Any, people: People) -> None:
    submitted = tranche_in(people, "kupang", "submitted")
    sent = tranche_in(people, "kupang", "sent")
    entitlement, payment, bank_file = (
        submitted.entitlements.get(),
        Payment.objects.get(bank_file__tranche=sent),
        sent.bank_files.get(),
    )
    indramayu = officer(people, "indramayu.checker", "indramayu")
    client = confirmed(indramayu)

    for name, pk in [
        ("scheme-detail", submitted.scheme_id),
        ("scheme-ledger", submitted.scheme_id),
        ("tranche-detail", submitted.pk),
        ("tranche-reconciliation", sent.pk),
        ("entitlement-detail", entitlement.pk),
        ("payment-detail", payment.pk),
        ("bankfile-detail", bank_file.pk),
        ("bankfile-content", bank_file.pk),
    ]:
        error(client.get(url(name, pk)), 404)
    for name, pk, body in [
        ("tranche-approve", submitted.pk, DECREE_BODY),
        ("tranche-fill", submitted.pk, {}),
        ("tranche-return", submitted.pk, {}),
        ("tranche-cancel", submitted.pk, {"reason": "Salah wilayah"}),
        ("tranche-send", sent.pk, {}),
        ("tranche-close", sent.pk, {}),
        ("entitlement-cancel", entitlement.pk, {"reason": "Salah wilayah"}),
        ("entitlement-reissue", entitlement.pk, {}),
        ("payment-record", payment.pk, {"outcome": "paid", "settled_on": "2019-11-20", "bank_reference": "X"}),
    ]:
        error(post(client, name, pk, body), 404)
    unknown = error(client.post(url("tranche-list"), {"scheme": submitted.scheme_id}, format="json"), 400)
    assert unknown["errors"]["scheme"]
    for name in ["scheme-list", "tranche-list", "entitlement-list", "bankfile-list", "payment-list", "problem-list"]:
        assert ok(client.get(url(name)))["results"] == [], name
    submitted.refresh_from_db()
    assert submitted.state == TrancheState.SUBMITTED
    assert Payment.objects.get(pk=payment.pk).outcome == PaymentOutcome.PENDING


def test_it_masks_account_numbers_except_to_those_who_may_see_them_one_record_at_a_time(
    api_client: Any, people: People
) -> None:
    tranche = tranche_in(people, "kupang", "sent", "Maria Bria")
    entitlement = tranche.entitlements.get()
    payment = Payment.objects.get(bank_file__tranche=tranche)
    masked = "*" * (len(ACCOUNT_SENT) - 4) + ACCOUNT_SENT[-4:]
    person_accesses = LogEntry.objects.get_for_object(entitlement.person).filter(action=LogEntry.Action.ACCESS)
    logged = person_accesses.count()

    api_client.force_authenticate(officer(people, "checker"))
    for name, pk, clear in [("entitlement", entitlement.pk, ACCOUNT), ("payment", payment.pk, ACCOUNT_SENT)]:
        before = person_accesses.count()
        (row,) = ok(api_client.get(url(f"{name}-list"), {"tranche": tranche.pk}))["results"]
        assert (row["account_number"], row["account_number_masked"]) == (masked, True)
        assert ACCOUNT_SENT[4:] not in str(row)
        assert person_accesses.count() == before
        one = ok(api_client.get(url(f"{name}-detail", pk)))
        assert (one["account_number"], one["account_number_masked"]) == (clear, False)
    assert person_accesses.count() == logged + 2

    api_client.force_authenticate(people.kupang_program_officer)  # sees who is paid, never their accounts
    for name, pk in [("entitlement", entitlement.pk), ("payment", payment.pk)]:
        one = ok(api_client.get(url(f"{name}-detail", pk)))
        assert (one["account_number"], one["account_number_masked"]) == (masked, True)
        assert one["amount"] == 900_000
    assert person_accesses.count() == logged + 2


# --- lists scale -------------------------------------------------------------------------------------------------

LISTS = ["scheme-list", "tranche-list", "entitlement-list", "bankfile-list", "payment-list", "problem-list"]


@pytest.mark.parametrize("name", LISTS)
def test_it_lists_with_as_many_queries_for_many_rows_as_for_one(name: str, api_client: Any, people: People) -> None:
    def one_of_each() -> None:
        scheme_in(people)
        tranche = tranche_in(people, "kupang", "sent", f"Penerima {Person.objects.count()}")
        services.bank_result_import(
            actor=officer(people, "checker"),
            tranche=tranche,
            filename="hasil.csv",
            content=result_file(f"BKT99999999{tranche.pk}-1,PAID,900000,T1,2019-11-20,,").read(),
        )

    one_of_each()
    api_client.force_authenticate(people.kupang_supervisor)
    first = len(ok(api_client.get(url(name)))["results"])  # the caller's grants are read once, then kept
    with CaptureQueriesContext(connection) as one:
        assert len(ok(api_client.get(url(name)))["results"]) == first
    one_of_each()
    one_of_each()
    with CaptureQueriesContext(connection) as several:
        assert len(ok(api_client.get(url(name)))["results"]) > first
    assert len(several) == len(one), [query["sql"] for query in several.captured_queries]


def test_it_documents_the_assistance_api_in_the_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in [
        "/api/v1/assistance/schemes/{id}/items/",
        "/api/v1/assistance/schemes/{id}/ledger/",
        "/api/v1/assistance/tranches/{id}/approve/",
        "/api/v1/assistance/tranches/{id}/send/",
        "/api/v1/assistance/tranches/{id}/reconciliation/",
        "/api/v1/assistance/tranches/{id}/bank-results/",
        "/api/v1/assistance/tranches/{id}/handover/",
        "/api/v1/assistance/tranches/{id}/handover-receipt/scan/upload/",
        "/api/v1/assistance/entitlements/{id}/reissue/",
        "/api/v1/assistance/bank-files/{id}/content/",
        "/api/v1/assistance/payments/{id}/record/",
        "/api/v1/assistance/bank-result-problems/",
    ]:
        assert path in paths, path
    content = paths["/api/v1/assistance/bank-files/{id}/content/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"text/csv"}
    properties = schema["components"]["schemas"]["Tranche"]["properties"]
    assert properties["approved_total"]["type"] == "integer"
    assert schema["components"]["schemas"]["Payment"]["properties"]["amount"]["type"] == "integer"


# --- fifty at once (PostgreSQL) ----------------------------------------------------------------------------------

FIFTY = 50


def _at_once(calls: list[Any]) -> list[Any]:
    """Runs `calls` in as many threads, released together; each closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = []
    lock = threading.Lock()

    def run(call: Any) -> None:
        try:
            barrier.wait(timeout=30)
            answer = call()
            with lock:
                answers.append(answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request did not come back"
    return answers


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are settled by PostgreSQL; SQLite serialises whole writes"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_of_fifty_simultaneous_api_approvals_exactly_one_takes_effect(people: People) -> None:
    tranche = tranche_in(people, "kupang", "submitted", "Maria Bria")
    checkers = [officer(people, f"checker{number:02d}") for number in range(FIFTY)]
    clients = [confirmed(checker) for checker in checkers]

    answers = _at_once(
        [lambda client=client: post(client, "tranche-approve", tranche.pk, DECREE_BODY) for client in clients]
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [400] * (FIFTY - 1)
    refusals = {answer.json()["message"] for answer in answers if answer.status_code == 400}
    assert refusals == {
        "Tahap ini berstatus Disetujui; langkah ini tidak dapat diambil (mungkin baru saja diproses orang lain)."
    }
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.APPROVED
    assert tranche.approved_by in checkers
    assert set(tranche.entitlements.values_list("state", flat=True)) == {EntitlementState.APPROVED}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_of_fifty_simultaneous_paid_records_of_one_payment_exactly_one_counts(people: People) -> None:
    tranche = tranche_in(people, "kupang", "sent", "Maria Bria")
    payment = Payment.objects.get(bank_file__tranche=tranche)
    checker = officer(people, "checker")
    clients = []
    for _number in range(FIFTY):
        client = APIClient()
        client.force_authenticate(checker)
        clients.append(client)

    answers = _at_once(
        [
            lambda client=client, number=number: post(
                client,
                "payment-record",
                payment.pk,
                {"outcome": "paid", "settled_on": "2019-11-20", "bank_reference": f"TRX{number:03d}"},
            )
            for number, client in enumerate(clients)
        ]
    )

    assert sorted(answer.status_code for answer in answers) == [200] + [400] * (FIFTY - 1)
    assert {answer.json()["message"] for answer in answers if answer.status_code == 400} == {
        "Tidak dicatat: sudah tercatat sebelumnya."
    }
    assert Payment.objects.filter(entitlement=payment.entitlement, outcome=PaymentOutcome.PAID).count() == 1
    entitlement = Entitlement.objects.get(pk=payment.entitlement_id)
    assert (entitlement.state, entitlement.paid_on) == (EntitlementState.PAID, date(2019, 11, 20))
