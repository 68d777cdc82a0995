"""The assistance pages as their users meet them: who sees what and which buttons, the tranche workflow through its
forms (maker-checker, re-authentication before approving and sending), bank files downloaded byte for byte, result
files and the reconciliation, the in-kind handover, the person's ledger, and query counts that do not grow."""

from __future__ import annotations

import importlib.util
import itertools
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import TEST_PASSWORD, People, make_user
from bangkit.accounts.tests.helpers import sign_in
from bangkit.assistance import bankfiles, services
from bangkit.assistance.choices import EntitlementState, PaymentOutcome, SchemeKind, TrancheState
from bangkit.assistance.models import BankFile, Entitlement, HandoverReceipt, Payment, Scheme, Tranche
from bangkit.assistance.testing import finance_officer, recipient
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import BankAccount
from bangkit.registry.services.bank_accounts import bank_account_update, bank_account_verify
from bangkit.registry.tabs import PERSON_TABS

pytestmark = pytest.mark.django_db

DECREE_NUMBER, DECREE_DATE = "SK.123/RSTS/XI/2019", date(2019, 11, 12)
DECREE = {"decree_number": DECREE_NUMBER, "decree_date": DECREE_DATE.isoformat()}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTMX = {"HTTP_HX_REQUEST": "true"}
REGENCY = {"kupang": "53.01", "indramayu": "32.12"}


@pytest.fixture
def people(people: People) -> People:
    """The fixed cast, with the finance officers and the Indramayu program officer the assistance pages need."""
    extra: Any = people
    extra.kupang_finance_officer = finance_officer(people, "kupang.finance")
    extra.kupang_checker = finance_officer(people, "kupang.checker")
    extra.indramayu_finance_officer = finance_officer(people, "indramayu.finance", "32.12")
    extra.indramayu_checker = finance_officer(people, "indramayu.checker", "32.12")
    extra.indramayu_program_officer = make_user(
        "indramayu.programme@test.id", people.orgs.indramayu_dinsos, (Role.PROGRAM_OFFICER, people.regions["32.12"])
    )
    return people


def _user(people: People, place: str, role: str) -> Any:
    return getattr(people, f"{place}_{role}")


def scheme_in(people: People, place: str = "kupang", **fields: Any) -> Scheme:
    values: dict[str, Any] = {
        "name": f"Bantuan stimulan usaha {place} {Scheme.objects.count()}",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos if place == "kupang" else people.orgs.indramayu_dinsos,
        "region": people.regions[REGENCY[place]],
        "year": 2019,
        "kind": SchemeKind.CASH,
        "amount_per_person": 900_000,
        "budget_ceiling": 225_000_000,
        **fields,
    }
    return services.scheme_save(actor=_user(people, place, "program_officer"), **values)


def kit_in(people: People, place: str = "kupang") -> Scheme:
    scheme = scheme_in(people, place, name="Paket usaha kue kering", kind=SchemeKind.IN_KIND, amount_per_person=None)
    officer = _user(people, place, "program_officer")
    services.scheme_item_add(actor=officer, scheme=scheme, name="Oven", quantity=1, unit_value=1_500_000)
    services.scheme_item_add(actor=officer, scheme=scheme, name="Loyang", quantity=4, unit_value=50_000)
    return scheme


def tranche_in(people: People, place: str = "kupang", *names: str, scheme: Scheme | None = None) -> Tranche:
    """A draft tranche of the place's cash scheme (or `scheme`), filled with new recipients called `names`."""
    in_kind = scheme is not None and scheme.kind == SchemeKind.IN_KIND
    for name in names:
        recipient(people, name, place=place, account=not in_kind)
    maker = _user(people, place, "finance_officer")
    tranche = services.tranche_create(actor=maker, scheme=scheme or scheme_in(people, place))
    services.tranche_fill(actor=maker, tranche=tranche)
    return tranche


def approved_in(people: People, place: str = "kupang", *names: str, scheme: Scheme | None = None) -> Tranche:
    tranche = tranche_in(people, place, *names, scheme=scheme)
    services.tranche_submit(actor=_user(people, place, "finance_officer"), tranche=tranche)
    return services.tranche_approve(
        actor=_user(people, place, "checker"), tranche=tranche, decree_number=DECREE_NUMBER, decree_date=DECREE_DATE
    )


def sent_in(people: People, place: str = "kupang", *names: str) -> Tranche:
    tranche = approved_in(people, place, *names)
    services.tranche_send(actor=_user(people, place, "checker"), tranche=tranche)
    tranche.refresh_from_db()
    return tranche


def result_file(*rows: str) -> bytes:
    header = "reference,status,amount,bank_reference,date,reason_code,reason\r\n"
    return (header + "".join(row + "\r\n" for row in rows)).encode()


_names = itertools.count(1)


def _new_name(place: str) -> str:
    return f"Penerima {place} {next(_names)}"


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _page(response: Any) -> str:
    return response.content.decode()


# --- generated authorization tests ---------------------------------------------------------------------------


class TestSchemePages(ScopedModelTests):
    model = Scheme
    permitted_user = "kupang_supervisor"  # reads schemes, changes none
    writer_user = "kupang_program_officer"
    reader_user = "kupang_supervisor"
    list_url = "assistance:scheme_list"
    detail_url = "assistance:scheme_detail"
    edit_url = "assistance:scheme_edit"
    action_urls = {"assistance:scheme_item_add": None, "assistance:tranche_add": "kupang_finance_officer"}
    list_queries = 7

    def make(self, people: Any, place: str) -> Scheme:
        return scheme_in(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"name": f"{obj.name} (diubah)"}


class TestTranchePages(ScopedModelTests):
    model = Tranche
    permitted_user = "kupang_supervisor"  # checks who is listed, takes no step
    writer_user = "kupang_finance_officer"
    reader_user = "kupang_supervisor"
    detail_url = "assistance:tranche_detail"
    edit_url = None  # a tranche changes only through the steps of its workflow
    action_urls = {
        "assistance:tranche_fill": None,
        "assistance:tranche_submit": None,
        "assistance:tranche_return": None,
        "assistance:tranche_approve": None,
        "assistance:tranche_cancel": None,
        "assistance:tranche_send": None,
        "assistance:tranche_close": None,
        "assistance:bank_result_import": None,
        "assistance:handover_receipt": None,
        "assistance:handover_record": None,
        "assistance:handover_scan_upload": None,
    }

    def make(self, people: Any, place: str) -> Tranche:
        return tranche_in(people, place, f"Penerima {place}")


class TestEntitlementPages(ScopedModelTests):
    model = Entitlement
    permitted_user = "kupang_supervisor"
    writer_user = "kupang_finance_officer"
    reader_user = "kupang_supervisor"
    edit_url = None
    action_urls = {
        "assistance:entitlement_cancel": None,
        "assistance:entitlement_reinstate": None,
        "assistance:entitlement_reissue": None,
    }

    def make(self, people: Any, place: str) -> Entitlement:
        name = _new_name(place)
        return tranche_in(people, place, name).entitlements.get(person__full_name=name)


class TestPaymentPages(ScopedModelTests):
    model = Payment
    permitted_user = "kupang_supervisor"
    writer_user = "kupang_finance_officer"
    reader_user = "kupang_supervisor"  # sees payments, records no bank answer
    edit_url = None
    action_urls = {"assistance:payment_record": None}

    def make(self, people: Any, place: str) -> Payment:
        name = _new_name(place)
        return Payment.objects.get(bank_file__tranche=sent_in(people, place, name), entitlement__person__full_name=name)


class TestBankFileDownloads(ScopedModelTests):
    model = BankFile
    permitted_user = "kupang_finance_officer"  # only who sends to the bank downloads: account numbers inside
    detail_url = "assistance:bank_file_download"
    edit_url = None

    def make(self, people: Any, place: str) -> BankFile:
        return BankFile.objects.get(tranche=sent_in(people, place, f"Penerima {place}"))


# --- schemes -------------------------------------------------------------------------------------------------


def test_it_filters_the_scheme_list_by_year_and_kind(client: Any, people: Any) -> None:
    cash = scheme_in(people)
    old = scheme_in(people, year=2018)
    kit = kit_in(people)
    client.force_login(people.kupang_program_officer)

    by_year = client.get(reverse("assistance:scheme_list"), {"year": 2018}).context["object_list"]
    by_kind = client.get(reverse("assistance:scheme_list"), {"kind": "in_kind"}).context["object_list"]
    everything = client.get(reverse("assistance:scheme_list")).context["object_list"]

    assert [scheme.pk for scheme in by_year] == [old.pk]
    assert [scheme.pk for scheme in by_kind] == [kit.pk]
    assert {scheme.pk for scheme in everything} == {cash.pk, old.pk, kit.pk}


def test_a_program_officer_creates_a_cash_scheme_and_an_in_kind_one_with_its_package(client: Any, people: Any) -> None:
    client.force_login(people.kupang_program_officer)
    base = {
        "name": "Bantuan stimulan usaha KPO 2019",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos.pk,
        "region": "53.01",
        "year": 2019,
        "budget_ceiling": 225_000_000,
        "require_verified_account": "on",
        "require_consent": "on",
    }

    missing = client.post(reverse("assistance:scheme_add"), {**base, "kind": "cash"})
    assert missing.status_code == 200
    assert "Isi nilai bantuan per orang" in str(missing.context["form"].errors["amount_per_person"])
    cash = client.post(reverse("assistance:scheme_add"), {**base, "kind": "cash", "amount_per_person": 900_000})
    kit = client.post(
        reverse("assistance:scheme_add"), {**base, "name": "Paket kue", "kind": "in_kind", "amount_per_person": 5}
    )

    scheme = Scheme.objects.get(name="Bantuan stimulan usaha KPO 2019")
    assert cash["Location"] == reverse("assistance:scheme_detail", args=[scheme.pk])
    kit_scheme = Scheme.objects.get(name="Paket kue")
    assert (kit.status_code, kit_scheme.amount_per_person) == (302, None)  # valued by its package
    added = client.post(
        reverse("assistance:scheme_item_add", args=[kit_scheme.pk]),
        {"name": "Oven", "quantity": 1, "unit": "buah", "unit_value": 1_500_000},
        follow=True,
    )
    assert "Barang ditambahkan ke paket." in _messages(added)
    assert "Rp 1.500.000" in _page(added)
    refused = client.post(
        reverse("assistance:scheme_item_add", args=[scheme.pk]),
        {"name": "Oven", "quantity": 1, "unit": "buah", "unit_value": 1_500_000},
    )
    assert "Hanya bantuan barang yang punya isi paket." in str(refused.context["form"].non_field_errors())


def test_the_scheme_page_reads_its_rules_package_and_budget_against_the_ceiling(client: Any, people: Any) -> None:
    kit = kit_in(people)
    approved_in(people, "kupang", "Maria Bria", "Yohanes Nahak", scheme=kit)
    client.force_login(people.kupang_supervisor)

    response = client.get(reverse("assistance:scheme_detail", args=[kit.pk]))

    page = _page(response)
    assert response.context["rules"][0] == "tinggal di Kabupaten Kupang"
    assert "persetujuan untuk menerima bantuan masih berlaku" in page
    assert response.context["package_value"] == 1_700_000
    ledger = response.context["ledger"]
    assert (ledger.committed, ledger.paid, ledger.remaining) == (3_400_000, 0, 225_000_000 - 3_400_000)
    assert [(row["number"], row["people"], row["rupiah"]) for row in ledger.tranches] == [(1, 2, 3_400_000)]
    assert "Rp 1.700.000" in page
    assert "4 buah" in page
    assert not response.context["may_add_tranche"]  # a supervisor checks, finance prepares


def test_a_finance_officer_starts_a_tranche_from_the_scheme_page_and_fills_it(client: Any, people: Any) -> None:
    scheme = scheme_in(people)
    recipient(people, "Maria Bria")
    recipient(people, "Yohanes Nahak")
    client.force_login(people.kupang_finance_officer)
    assert client.get(reverse("assistance:scheme_detail", args=[scheme.pk])).context["may_add_tranche"]

    created = client.post(reverse("assistance:tranche_add", args=[scheme.pk]))
    tranche = Tranche.objects.get(scheme=scheme)
    assert created["Location"] == reverse("assistance:tranche_detail", args=[tranche.pk])
    filled = client.post(reverse("assistance:tranche_fill", args=[tranche.pk]), follow=True)
    again = client.post(reverse("assistance:tranche_fill", args=[tranche.pk]), follow=True)

    assert "2 penerima ditambahkan ke tahap ini." in _messages(filled)
    assert "Tidak ada penerima baru yang memenuhi syarat; tahap ini tidak berubah." in _messages(again)
    assert tranche.prepared_by == people.kupang_finance_officer
    assert filled.context["people"] == 2
    assert filled.context["total"] == 1_800_000


# --- the tranche workflow ------------------------------------------------------------------------------------


def test_an_empty_tranche_is_not_submitted_and_the_refusal_is_shown(client: Any, people: Any) -> None:
    tranche = services.tranche_create(actor=people.kupang_finance_officer, scheme=scheme_in(people))
    client.force_login(people.kupang_finance_officer)

    response = client.post(reverse("assistance:tranche_submit", args=[tranche.pk]))

    assert response.status_code == 200
    assert "Tahap ini belum berisi penerima." in str(response.context["form"].non_field_errors())
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.DRAFT


def test_the_preparer_cannot_approve_their_own_tranche(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    maker = people.kupang_finance_officer
    services.tranche_submit(actor=maker, tranche=tranche)
    sign_in(client, maker)

    page = client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))
    response = client.post(reverse("assistance:tranche_approve", args=[tranche.pk]), DECREE)

    assert not page.context["may_approve"]
    assert "Anda menyiapkan tahap ini" in _page(page)
    assert response.status_code == 200
    assert "Penyiap tahap tidak boleh menyetujuinya." in _page(response)
    tranche.refresh_from_db()
    assert (tranche.state, tranche.approved_by) == (TrancheState.SUBMITTED, None)


def test_approving_asks_for_the_password_again_then_approves_under_the_decree(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    services.tranche_submit(actor=people.kupang_finance_officer, tranche=tranche)
    client.force_login(people.kupang_checker)  # a session whose password was entered long ago
    url = reverse("assistance:tranche_approve", args=[tranche.pk])
    assert client.get(url).status_code == 200  # looking needs no password

    response = client.post(url, {"decree_number": "SK.123/RSTS/XI/2019", "decree_date": "2019-11-12"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SUBMITTED
    # After the password, the suspended approval is replayed.
    confirmed = client.post(response["Location"], {"password": TEST_PASSWORD}, follow=True)
    tranche.refresh_from_db()
    assert (tranche.state, tranche.approved_by, tranche.decree_number) == (
        TrancheState.APPROVED,
        people.kupang_checker,
        "SK.123/RSTS/XI/2019",
    )
    assert "Tahap disetujui; daftar penerima dan nilainya kini dibekukan." in _messages(confirmed)


def test_above_the_threshold_the_page_shows_the_second_approval_pending(client: Any, people: Any) -> None:
    scheme = scheme_in(people, second_approval_above=1_000_000)
    tranche = tranche_in(people, "kupang", "Maria Bria", "Yohanes Nahak", scheme=scheme)
    services.tranche_submit(actor=people.kupang_finance_officer, tranche=tranche)
    sign_in(client, people.kupang_checker)

    first = client.post(reverse("assistance:tranche_approve", args=[tranche.pk]), DECREE, follow=True)

    assert "Persetujuan pertama tercatat. Tahap ini perlu persetujuan kedua oleh petugas lain." in _messages(first)
    assert "menunggu persetujuan kedua" in _page(first)
    assert not first.context["may_approve"]  # the first approver may not approve twice
    second = finance_officer(people, "kupang.second")
    client.logout()
    sign_in(client, second)
    form = client.get(reverse("assistance:tranche_approve", args=[tranche.pk]))
    assert "decree_number" not in form.context["form"].fields  # the decree is already on the record
    client.post(reverse("assistance:tranche_approve", args=[tranche.pk]))
    tranche.refresh_from_db()
    assert (tranche.state, tranche.second_approved_by) == (TrancheState.APPROVED, second)


def test_return_and_cancel_with_a_reason(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    services.tranche_submit(actor=people.kupang_finance_officer, tranche=tranche)
    client.force_login(people.kupang_checker)

    client.post(reverse("assistance:tranche_return", args=[tranche.pk]))
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.DRAFT
    no_reason = client.post(reverse("assistance:tranche_cancel", args=[tranche.pk]), {"reason": ""})
    assert "reason" in no_reason.context["form"].errors
    client.post(reverse("assistance:tranche_cancel", args=[tranche.pk]), {"reason": "Anggaran dialihkan"})
    tranche.refresh_from_db()
    assert (tranche.state, tranche.cancelled_reason) == (TrancheState.CANCELLED, "Anggaran dialihkan")


def test_one_person_is_taken_out_of_a_draft_and_put_back(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    entitlement = tranche.entitlements.get()
    client.force_login(people.kupang_finance_officer)

    client.post(reverse("assistance:entitlement_cancel", args=[entitlement.pk]), {"reason": "Nama belum pasti"})
    entitlement.refresh_from_db()
    assert (entitlement.state, entitlement.cancelled_reason) == (EntitlementState.CANCELLED, "Nama belum pasti")
    client.post(reverse("assistance:entitlement_reinstate", args=[entitlement.pk]))
    entitlement.refresh_from_db()
    assert entitlement.state == EntitlementState.DRAFT


def test_the_tranche_page_masks_account_numbers_unless_the_role_may_see_them(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    person = tranche.entitlements.get().person
    client.force_login(people.kupang_program_officer)  # sees who is listed, never account numbers

    masked = _page(client.get(reverse("assistance:tranche_detail", args=[tranche.pk]), {"accounts": "clear"}))
    assert "***********6509" in masked
    assert "0123-01-000456-50-9" not in masked
    client.force_login(people.kupang_finance_officer)
    shown = client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))
    assert "***********6509" in _page(shown)
    assert shown.context["may_see_numbers"]
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    clear = _page(client.get(reverse("assistance:tranche_detail", args=[tranche.pk]), {"accounts": "clear"}))
    assert "0123-01-000456-50-9" in clear
    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    assert access is not None
    assert access.object_pk == str(person.pk)


def test_the_tranche_page_keeps_its_query_count_whatever_the_number_of_recipients(client: Any, people: Any) -> None:
    one = sent_in(people, "kupang", "Maria Bria")
    four = sent_in(people, "kupang", "Yohanes Nahak", "Agustina Tefa", "Petrus Bana")  # and Maria
    client.force_login(people.kupang_finance_officer)
    client.get(reverse("assistance:tranche_detail", args=[one.pk]))
    with CaptureQueriesContext(connection) as for_one:
        client.get(reverse("assistance:tranche_detail", args=[one.pk]))
    with CaptureQueriesContext(connection) as for_four:
        response = client.get(reverse("assistance:tranche_detail", args=[four.pk]))

    assert response.context["paginator"].count == 4
    assert len(for_four) == len(for_one), [query["sql"] for query in for_four.captured_queries]


def test_the_tranche_page_pins_its_queries(client: Any, people: Any, django_assert_num_queries: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria", "Yohanes Nahak")
    client.force_login(people.kupang_finance_officer)
    client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))
    with django_assert_num_queries(14):
        client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))


def test_a_scheme_with_a_submitted_tranche_is_not_changed_and_the_form_says_why(client: Any, people: Any) -> None:
    tranche = tranche_in(people, "kupang", "Maria Bria")
    services.tranche_submit(actor=people.kupang_finance_officer, tranche=tranche)
    client.force_login(people.kupang_program_officer)
    url = reverse("assistance:scheme_edit", args=[tranche.scheme_id])
    data = {
        "name": "Nama baru",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos.pk,
        "region": "53.01",
        "year": 2019,
        "kind": "cash",
        "amount_per_person": 1_000_000,
        "budget_ceiling": 225_000_000,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "sudah punya tahap yang diajukan" in str(response.context["form"].non_field_errors())
    assert Scheme.objects.get(pk=tranche.scheme_id).amount_per_person == 900_000


# --- bank files, results and reconciliation -------------------------------------------------------------------


def test_sending_asks_for_the_password_again_and_makes_the_bank_files(client: Any, people: Any) -> None:
    tranche = approved_in(people, "kupang", "Maria Bria", "Yohanes Nahak")
    client.force_login(people.kupang_finance_officer)
    url = reverse("assistance:tranche_send", args=[tranche.pk])
    form = client.get(url)
    assert [(row["bank_account__bank"], row["people"], row["rupiah"]) for row in form.context["waiting"]] == [
        ("002", 2, 1_800_000)
    ]

    response = client.post(url)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not BankFile.objects.exists()
    sent = client.post(response["Location"], {"password": TEST_PASSWORD}, follow=True)

    assert "1 berkas bank dibuat. Unduh dan kirimkan ke bank." in _messages(sent)
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SENT
    bank_file = BankFile.objects.get(tranche=tranche)
    assert bank_file.sha256 in _page(sent)


def test_a_download_gives_the_exact_bytes_whose_checksum_is_recorded_and_is_logged(client: Any, people: Any) -> None:
    bank_file = BankFile.objects.get(tranche=sent_in(people, "kupang", "Maria Bria", "Yohanes Nahak"))
    client.force_login(people.kupang_finance_officer)

    response = client.get(reverse("assistance:bank_file_download", args=[bank_file.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{bank_file.filename}"'
    assert "no-store" in response["Cache-Control"]
    assert bankfiles.sha256(response.content) == bank_file.sha256
    assert response.content.decode().startswith("H,002,")
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(bank_file.pk), actor=people.kupang_finance_officer
    ).exists()


def test_only_who_sends_to_the_bank_downloads_its_files(client: Any, people: Any) -> None:
    bank_file = BankFile.objects.get(tranche=sent_in(people, "kupang", "Maria Bria"))
    url = reverse("assistance:bank_file_download", args=[bank_file.pk])
    client.force_login(people.kupang_supervisor)  # sees the tranche and its files, not their contents
    assert client.get(url).status_code == 403
    page = client.get(reverse("assistance:tranche_detail", args=[bank_file.tranche_id]))
    assert bank_file.sha256 in _page(page)
    assert url not in _page(page)
    client.force_login(people.indramayu_finance_officer)
    assert client.get(url).status_code == 404


def test_a_result_file_is_imported_and_its_problems_are_listed_on_the_reconciliation(client: Any, people: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria", "Yohanes Nahak", "Agustina Tefa")
    maria, yohanes = (
        Payment.objects.get(bank_file__tranche=tranche, entitlement__person__full_name=name)
        for name in ("Maria Bria", "Yohanes Nahak")
    )
    client.force_login(people.kupang_finance_officer)
    upload = SimpleUploadedFile(
        "hasil-bri.csv",
        result_file(
            f"{maria.reference},PAID,900000,TRX001,2019-11-20,,",
            f"{yohanes.reference},GAGAL,900000,,20/11/2019,closed,Rekening ditutup",
            "BKT999999999-1,PAID,900000,TRX002,2019-11-20,,",
        ),
        content_type="text/csv",
    )

    response = client.post(reverse("assistance:bank_result_import", args=[tranche.pk]), {"file": upload}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("assistance:reconciliation", args=[tranche.pk])
    assert "3 baris dibaca: 1 dibayar, 1 gagal, 1 bermasalah." in _messages(response)
    page = _page(response)
    assert "BKT999999999-1" in page
    assert "Referensi tidak dikenal" in page
    assert [problem.line for problem in response.context["problems"]] == [4]
    figures = response.context["figures"]
    assert (figures.paid.people, figures.failed.people, figures.pending.people) == (1, 1, 1)
    assert figures.balanced
    assert 'data-balanced="yes"' in page
    # The same file again is refused on the form, not with an error page.
    upload.seek(0)
    again = client.post(reverse("assistance:bank_result_import", args=[tranche.pk]), {"file": upload})
    assert again.status_code == 200
    assert "sudah diimpor" in str(again.context["form"].errors["file"])


def test_a_file_that_is_not_a_result_file_is_refused_on_the_form(client: Any, people: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria")
    client.force_login(people.kupang_finance_officer)
    upload = SimpleUploadedFile("x.csv", b"a,b\r\n1,2\r\n", content_type="text/csv")

    response = client.post(reverse("assistance:bank_result_import", args=[tranche.pk]), {"file": upload})

    assert response.status_code == 200
    assert "reference dan status" in str(response.context["form"].errors["file"])


def test_the_reconciliation_says_clearly_when_it_does_not_balance(client: Any, people: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria")
    Tranche.objects.filter(pk=tranche.pk).update(approved_people=2, approved_total=1_800_000)
    client.force_login(people.kupang_supervisor)

    response = client.get(reverse("assistance:reconciliation", args=[tranche.pk]))

    assert 'data-balanced="no"' in _page(response)
    assert "TIDAK seimbang." in _page(response)
    assert (response.context["difference_people"], response.context["difference_rupiah"]) == (1, 900_000)
    client.force_login(people.indramayu_case_worker)
    assert client.get(reverse("assistance:reconciliation", args=[tranche.pk])).status_code == 403
    client.force_login(people.indramayu_supervisor)
    assert client.get(reverse("assistance:reconciliation", args=[tranche.pk])).status_code == 404


def test_one_payment_is_recorded_by_hand_and_a_failed_one_is_reissued_once_the_account_is_fixed(
    client: Any, people: Any
) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria")
    payment = Payment.objects.get(bank_file__tranche=tranche)
    client.force_login(people.kupang_finance_officer)
    page = client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))
    assert reverse("assistance:payment_record", args=[payment.pk]) in _page(page)

    no_reference = client.post(
        reverse("assistance:payment_record", args=[payment.pk]), {"outcome": "paid", "settled_on": "2019-11-20"}
    )
    assert "Isi referensi bank" in str(no_reference.context["form"].errors["bank_reference"])
    client.post(
        reverse("assistance:payment_record", args=[payment.pk]),
        {"outcome": "failed", "settled_on": "2019-11-20", "failure_code": "name", "reason": "Nama tidak sesuai"},
    )
    entitlement = Entitlement.objects.get(pk=payment.entitlement_id)
    assert entitlement.state == EntitlementState.FAILED
    assert entitlement.bank_account is not None
    too_soon = client.post(reverse("assistance:entitlement_reissue", args=[entitlement.pk]))
    assert "belum diperbaiki" in str(too_soon.context["form"].non_field_errors())
    account = bank_account_update(
        actor=people.kupang_supervisor, account=entitlement.bank_account, account_number="0123-01-000456-51-7"
    )
    bank_account_verify(actor=people.kupang_supervisor, account=account, method="bank_letter")
    client.post(reverse("assistance:entitlement_reissue", args=[entitlement.pk]))

    entitlement.refresh_from_db()
    assert (entitlement.state, entitlement.attempt) == (EntitlementState.APPROVED, 2)
    assert client.get(reverse("assistance:tranche_detail", args=[tranche.pk])).context["may_send"]


# --- in kind -------------------------------------------------------------------------------------------------


def test_an_in_kind_tranche_is_handed_over_from_a_phone_checklist(client: Any, people: Any) -> None:
    tranche = approved_in(people, "kupang", "Maria Bria", "Yohanes Nahak", "Agustina Tefa", scheme=kit_in(people))
    maria, yohanes, agustina = (
        tranche.entitlements.get(person__full_name=name) for name in ("Maria Bria", "Yohanes Nahak", "Agustina Tefa")
    )
    oven = tranche.scheme.items.get(name="Oven")
    client.force_login(people.kupang_finance_officer)
    url = reverse("assistance:handover", args=[tranche.pk])
    page = _page(client.get(url))
    assert f'value="{maria.pk}"' in page
    assert reverse("assistance:handover_receipt_pdf", args=[tranche.pk]) in page  # printed before, signed there

    receipt = client.post(
        reverse("assistance:handover_receipt", args=[tranche.pk]),
        {"number": "BAST-01/2019", "place": "Gereja GMIT Bethesda Tarus", "handed_on": "2019-11-13"},
        follow=True,
    )
    assert "BAST-01/2019" in _page(receipt)
    nobody = client.post(reverse("assistance:handover_record", args=[tranche.pk]), {"handed_on": "2019-11-13"})
    assert "Centang penerima" in _page(nobody)
    both = client.post(
        reverse("assistance:handover_record", args=[tranche.pk]),
        {"entitlements": [maria.pk, yohanes.pk], "handed_on": "2019-11-13"},
        follow=True,
    )
    assert "Serah terima 2 penerima tercatat." in _messages(both)
    less = client.post(
        reverse("assistance:handover_record", args=[tranche.pk]),
        {"entitlements": [agustina.pk], "handed_on": "2019-11-14", f"item_{oven.pk}": "0", "note": "Oven menyusul"},
        follow=True,
    )
    assert "Oven menyusul" in _page(less)
    scan = client.post(
        reverse("assistance:handover_scan_upload", args=[tranche.pk]),
        {"scan": SimpleUploadedFile("BAST Maria.png", PNG, content_type="image/png")},
        follow=True,
    )
    assert "Pindaian berita acara yang ditandatangani tersimpan." in _messages(scan)
    download = client.get(reverse("assistance:handover_scan", args=[tranche.pk]))
    assert b"".join(download.streaming_content) == PNG
    assert f"bast-tahap-{tranche.pk}.png" in download["Content-Disposition"]
    closed = client.post(reverse("assistance:tranche_close", args=[tranche.pk]), follow=True)

    assert "Tahap ditutup." in _messages(closed)
    assert [str(line) for line in Entitlement.objects.get(pk=agustina.pk).handover.lines.all()] == ["4 buah Loyang"]
    assert HandoverReceipt.objects.get(tranche=tranche).number == "BAST-01/2019"


def test_a_refused_handover_shows_why_on_the_page(client: Any, people: Any) -> None:
    tranche = approved_in(people, "kupang", "Maria Bria", scheme=kit_in(people))
    maria = tranche.entitlements.get()
    client.force_login(people.kupang_finance_officer)

    future = client.post(
        reverse("assistance:handover_record", args=[tranche.pk]),
        {"entitlements": [maria.pk], "handed_on": "2999-01-01"},
    )
    no_receipt = client.post(
        reverse("assistance:handover_scan_upload", args=[tranche.pk]),
        {"scan": SimpleUploadedFile("bast.png", PNG, content_type="image/png")},
    )

    assert future.status_code == 200
    assert "masa depan" in _page(future)
    assert no_receipt.status_code == 200
    assert "Catat dulu nomor, tempat dan tanggal" in _page(no_receipt)
    assert Entitlement.objects.get(pk=maria.pk).state == EntitlementState.APPROVED


def test_a_cash_tranche_has_no_handover_page_and_others_see_none(client: Any, people: Any) -> None:
    cash = approved_in(people, "kupang", "Maria Bria")
    kit = approved_in(people, "kupang", "Yohanes Nahak", scheme=kit_in(people))
    client.force_login(people.kupang_supervisor)
    assert client.get(reverse("assistance:handover", args=[cash.pk])).status_code == 404
    assert client.get(reverse("assistance:handover", args=[kit.pk])).status_code == 200
    client.force_login(people.indramayu_supervisor)
    assert client.get(reverse("assistance:handover", args=[kit.pk])).status_code == 404
    assert client.get(reverse("assistance:handover_scan", args=[kit.pk])).status_code == 404


_PDF = importlib.util.find_spec("bangkit.assistance.pdf") is not None


@pytest.mark.skipif(not _PDF, reason="assistance.pdf is written in another change")
def test_the_printed_documents_are_pdfs_shown_inline(client: Any, people: Any) -> None:
    kit = approved_in(people, "kupang", "Maria Bria", scheme=kit_in(people))
    maria = kit.entitlements.get()
    services.handover_receipt_save(
        actor=people.kupang_finance_officer, tranche=kit, number="BAST-01", place="Tarus", handed_on=date(2019, 11, 13)
    )
    client.force_login(people.kupang_finance_officer)
    assert client.get(reverse("assistance:payment_receipt_pdf", args=[maria.pk])).status_code == 404  # not yet
    services.handover_record(
        actor=people.kupang_finance_officer, tranche=kit, entitlements=[maria], handed_on=date(2019, 11, 13)
    )

    for url in (
        reverse("assistance:handover_receipt_pdf", args=[kit.pk]),
        reverse("assistance:payment_receipt_pdf", args=[maria.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert response.content.startswith(b"%PDF")
    client.force_login(people.indramayu_supervisor)
    assert client.get(reverse("assistance:handover_receipt_pdf", args=[kit.pk])).status_code == 404
    assert client.get(reverse("assistance:payment_receipt_pdf", args=[maria.pk])).status_code == 404


# --- the person's ledger and the shell ---------------------------------------------------------------------


def test_the_person_page_has_a_bantuan_tab_listing_what_they_received(client: Any, people: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria")
    payment = Payment.objects.get(bank_file__tranche=tranche)
    services.payment_record(
        actor=people.kupang_finance_officer,
        payment=payment,
        outcome=PaymentOutcome.PAID,
        settled_on=date(2019, 11, 20),
        bank_reference="TRX1",
    )
    entitlement = Entitlement.objects.get(pk=payment.entitlement_id)
    tab = next(tab for tab in PERSON_TABS if tab.key == "assistance")
    assert (tab.url_name, tab.permission) == ("assistance:person_ledger", "assistance.view_entitlement")
    url = reverse("assistance:person_ledger", args=[entitlement.person_id])
    client.force_login(people.kupang_supervisor)

    fragment = client.get(url, **HTMX)
    whole = client.get(url)
    person_page = client.get(reverse("registry:person_detail", args=[entitlement.person_id]))

    assert "<html" not in _page(fragment)
    assert "<html" in _page(whole)
    assert tranche.scheme.name in _page(fragment)
    assert "Rp 900.000" in _page(fragment)
    assert "Dibayar" in _page(fragment)
    assert reverse("assistance:payment_receipt_pdf", args=[entitlement.pk]) in _page(fragment)
    assert url in _page(person_page)
    client.force_login(people.kupang_case_worker)  # cases, not money
    assert client.get(url).status_code == 403
    client.force_login(people.indramayu_supervisor)
    assert client.get(url).status_code == 404


def test_the_menu_offers_assistance_to_those_who_may_see_schemes(client: Any, people: Any) -> None:
    def menu(user: Any) -> set[str]:
        client.force_login(user)
        response = client.get(reverse("home"))
        return {str(entry.label) for _, entries in response.context["nav_groups"] for entry in entries}

    assert "Skema bantuan" in menu(people.kupang_program_officer)
    assert "Skema bantuan" in menu(people.kupang_finance_officer)
    assert "Skema bantuan" in menu(people.kupang_supervisor)
    assert "Skema bantuan" not in menu(people.kupang_case_worker)


def test_a_regency_officer_reads_the_province_scheme_and_its_tranches(client: Any, people: Any) -> None:
    province = make_user(
        "ntt.programme@test.id", people.orgs.kupang_dinsos, (Role.PROGRAM_OFFICER, people.regions["53"])
    )
    ntt_finance = make_user(
        "ntt.finance@test.id", people.orgs.kupang_dinsos, (Role.FINANCE_OFFICER, people.regions["53"])
    )
    scheme = services.scheme_save(
        actor=province,
        name="Bantuan NTT",
        legal_basis="Pergub",
        organisation=people.orgs.kupang_dinsos,
        region=people.regions["53"],
        year=2019,
        kind=SchemeKind.CASH,
        amount_per_person=900_000,
        budget_ceiling=9_000_000,
    )
    recipient(people, "Maria Bria")
    tranche = services.tranche_create(actor=ntt_finance, scheme=scheme)
    services.tranche_fill(actor=ntt_finance, tranche=tranche)
    client.force_login(people.kupang_supervisor)

    page = client.get(reverse("assistance:scheme_detail", args=[scheme.pk]))
    tranche_page = client.get(reverse("assistance:tranche_detail", args=[tranche.pk]))

    assert page.status_code == 200
    assert [row["openable"] for row in page.context["ledger"].tranches] == [True]
    assert tranche_page.status_code == 200
    assert "Maria Bria" in tranche_page.content.decode()


def test_bank_accounts_of_a_recipient_are_read_through_the_registry_helper() -> None:
    # The tranche page masks with BankAccount.masked_number, the registry's own helper.
    assert BankAccount(account_number="0123-01-000456-50-9").masked_number == "***********6509"


def test_the_reconciliation_handover_and_ledger_pages_keep_their_query_counts(client: Any, people: Any) -> None:
    def queries(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(people.kupang_finance_officer)
    small, large = sent_in(people, "kupang", "Maria Bria"), sent_in(people, "kupang", "Yohanes Nahak", "Agustina Tefa")
    for tranche, references in ((small, ["BKT-X-1"]), (large, [f"BKT-X-{n}" for n in range(2, 7)])):
        services.bank_result_import(
            actor=people.kupang_finance_officer,
            tranche=tranche,
            filename="hasil.csv",
            content=result_file(*(f"{reference},PAID,900000,TRX,2019-11-20,," for reference in references)),
        )
    assert queries(reverse("assistance:reconciliation", args=[small.pk])) == queries(
        reverse("assistance:reconciliation", args=[large.pk])
    )
    one_kit = approved_in(people, "kupang", "Petrus Bana", scheme=kit_in(people))
    many_kit = approved_in(people, "kupang", "Yosef Tefa", "Maria Seran", scheme=kit_in(people))
    assert one_kit.entitlements.count() < many_kit.entitlements.count()
    assert queries(reverse("assistance:handover", args=[one_kit.pk])) == queries(
        reverse("assistance:handover", args=[many_kit.pk])
    )
    once = Entitlement.objects.filter(person__full_name="Yosef Tefa").get().person_id
    often = Entitlement.objects.filter(person__full_name="Maria Bria").first()
    assert often is not None
    assert Entitlement.objects.filter(person_id=often.person_id).count() > 1
    assert queries(reverse("assistance:person_ledger", args=[once])) == queries(
        reverse("assistance:person_ledger", args=[often.person_id])
    )


def test_the_send_button_shows_only_when_something_waits_for_the_bank(client: Any, people: Any) -> None:
    tranche = sent_in(people, "kupang", "Maria Bria")
    client.force_login(people.kupang_finance_officer)
    assert not client.get(reverse("assistance:tranche_detail", args=[tranche.pk])).context["may_send"]
    approved = approved_in(people, "kupang", "Yohanes Nahak")
    assert client.get(reverse("assistance:tranche_detail", args=[approved.pk])).context["may_send"]
