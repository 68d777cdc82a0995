"""Paying an approved tranche: one reproducible bank file per bank, results matched by reference, problems listed
and changing nothing, a failed payment re-issued as the same entitlement once the account is corrected, a
reconciliation that adds up, and the in-kind handover."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from bangkit.accounts.testing import People
from bangkit.assistance import bankfiles, selectors, services
from bangkit.assistance.choices import EntitlementState, PaymentOutcome, ResultProblem, SchemeKind, TrancheState
from bangkit.assistance.models import BankFile, Entitlement, Payment, Tranche
from bangkit.assistance.testing import DECREE, cash_scheme, filled_tranche, recipient
from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import CaseEvent
from bangkit.cases.testing import make_case
from bangkit.core.exceptions import ServiceError
from bangkit.registry.models import Bank, BankAccount
from bangkit.registry.services.bank_accounts import bank_account_update, bank_account_verify

pytestmark = pytest.mark.django_db

SCHEME = "Bantuan stimulan usaha KPO 2019, Kabupaten Kupang"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _approved(people: People, officers: tuple[Any, Any, Any], *names: str) -> Tranche:
    maker, checker, _second = officers
    for name in names:
        recipient(people, name)
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)
    return services.tranche_approve(actor=checker, tranche=tranche, **DECREE)


def _sent(people: People, officers: tuple[Any, Any, Any], *names: str) -> Tranche:
    tranche = _approved(people, officers, *names)
    services.tranche_send(actor=officers[1], tranche=tranche)
    tranche.refresh_from_db()
    return tranche


def _result(*rows: str) -> bytes:
    return (
        "reference,status,amount,bank_reference,date,reason_code,reason\r\n" + "".join(r + "\r\n" for r in rows)
    ).encode()


def _account(entitlement: Entitlement) -> BankAccount:
    assert entitlement.bank_account is not None  # a cash entitlement's
    return entitlement.bank_account


def _payment(tranche: Tranche, name: str) -> Payment:
    return Payment.objects.get(bank_file__tranche=tranche, entitlement__person__full_name=name, outcome="pending")


def test_sending_makes_one_file_per_bank_with_control_totals_and_the_same_bytes_every_time(people, officers):
    tranche = _approved(people, officers, "Maria Bria", "Yohanes Nahak")
    bri_person = recipient(people, "Agustina Tefa")
    # A late recipient at another bank: not in this tranche (frozen), so make a tranche that has two banks.
    assert not tranche.entitlements.filter(person=bri_person).exists()
    maria = tranche.entitlements.get(person__full_name="Maria Bria")
    BankAccount.objects.filter(pk=_account(maria).pk).update(bank=Bank.objects.get(code="130"))

    files = services.tranche_send(actor=officers[1], tranche=tranche)

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SENT
    assert [(f.bank_id, f.round, f.lines, f.control_total) for f in files] == [
        ("002", 1, 1, 900_000),
        ("130", 1, 1, 900_000),
    ]
    content = selectors.bank_file_bytes(files[1])
    assert bankfiles.sha256(content) == BankFile.objects.get(pk=files[1].pk).sha256
    lines = content.decode().split("\r\n")
    reference = services.reference_for(maria.pk, 1)
    assert lines[0].startswith("H,130,")
    assert lines[1] == f"D,1,012301000456509,MARIA BRIA,900000,{reference}"
    assert lines[2] == "T,1,900000"
    # The person's account is corrected later: the file already sent does not change.
    BankAccount.objects.filter(pk=_account(maria).pk).update(holder_name="Maria Goreti Bria")
    assert selectors.bank_file_bytes(files[1]) == content
    assert set(tranche.entitlements.values_list("state", flat=True)) == {EntitlementState.SENT}


def test_an_account_no_longer_verified_stops_the_sending(people, officers):
    tranche = _approved(people, officers, "Maria Bria")
    entitlement = tranche.entitlements.get()
    bank_account_update(actor=people.kupang_supervisor, account=_account(entitlement), holder_name="Maria B.")

    with pytest.raises(ServiceError, match="tidak lagi terverifikasi"):
        services.tranche_send(actor=officers[1], tranche=tranche)
    assert not BankFile.objects.exists()


def test_results_pay_and_fail_by_reference_and_the_reconciliation_adds_up(people, officers):
    tranche = _sent(people, officers, "Maria Bria", "Yohanes Nahak", "Agustina Tefa")
    maria, yohanes = _payment(tranche, "Maria Bria"), _payment(tranche, "Yohanes Nahak")

    result = services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil.csv",
        content=_result(
            f"{maria.reference},PAID,900000,TRX001,2019-11-20,,",
            f"{yohanes.reference},GAGAL,900000,,20/11/2019,closed,Rekening ditutup",
        ),
    )

    assert (result.lines, result.paid, result.failed, result.problems) == (2, 1, 1, 0)
    maria_entitlement = Entitlement.objects.get(pk=maria.entitlement_id)
    assert (maria_entitlement.state, maria_entitlement.paid_on) == (EntitlementState.PAID, date(2019, 11, 20))
    assert Entitlement.objects.get(pk=yohanes.entitlement_id).state == EntitlementState.FAILED
    figures = selectors.reconciliation(tranche)
    assert (figures.approved.people, figures.approved.rupiah) == (3, 2_700_000)
    assert (figures.paid.people, figures.failed.people, figures.pending.people) == (1, 1, 1)
    assert figures.balanced
    assert [(f["paid_people"], f["failed_people"], f["pending_people"]) for f in figures.files] == [(1, 1, 1)]


def test_lines_that_cannot_be_trusted_are_listed_and_change_nothing(people, officers):
    tranche = _sent(people, officers, "Maria Bria", "Yohanes Nahak")
    maria, yohanes = _payment(tranche, "Maria Bria"), _payment(tranche, "Yohanes Nahak")
    services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil-1.csv",
        content=_result(f"{maria.reference},PAID,900000,TRX001,2019-11-20,,"),
    )

    result = services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil-2.csv",
        content=_result(
            f"{maria.reference},PAID,900000,TRX999,2019-11-21,,",  # a second "paid"
            "BKT999999999-1,PAID,900000,TRX002,2019-11-20,,",  # nobody's
            f"{yohanes.reference},PAID,9000000,TRX003,2019-11-20,,",  # not what was sent
            f"{yohanes.reference},MAYBE,900000,TRX004,2019-11-20,,",  # unreadable
        ),
    )

    problems = list(result.problem_lines.values_list("line", "kind"))
    assert problems == [
        (2, ResultProblem.ALREADY_SETTLED),
        (3, ResultProblem.UNKNOWN_REFERENCE),
        (4, ResultProblem.AMOUNT_MISMATCH),
        (5, ResultProblem.REPEATED),
    ]
    assert (result.paid, result.failed, result.problems) == (0, 0, 4)
    assert Payment.objects.get(pk=maria.pk).bank_reference == "TRX001"
    assert Payment.objects.get(pk=yohanes.pk).outcome == PaymentOutcome.PENDING
    with pytest.raises(ServiceError, match="sudah diimpor"):
        services.bank_result_import(
            actor=officers[1],
            tranche=tranche,
            filename="lagi.csv",
            content=_result(f"{maria.reference},PAID,900000,TRX001,2019-11-20,,"),
        )
    with pytest.raises(ServiceError, match="reference dan status"):
        services.bank_result_import(actor=officers[1], tranche=tranche, filename="x.csv", content=b"a,b\r\n1,2\r\n")


def test_the_database_allows_one_paid_payment_per_entitlement(people, officers):
    tranche = _sent(people, officers, "Maria Bria")
    payment = tranche.bank_files.get().payments.get()
    Payment.objects.filter(pk=payment.pk).update(outcome="paid", bank_reference="T1", settled_on=date(2019, 11, 20))
    twin = Payment.objects.get(pk=payment.pk)
    twin.pk, twin.attempt, twin.reference, twin.sequence = None, 2, "BKT-twin", 2

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_failed_payment_is_reissued_as_the_same_entitlement_once_the_account_is_verified_again(people, officers):
    tranche = _sent(people, officers, "Maria Bria")
    first = tranche.bank_files.get().payments.get()
    services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil.csv",
        content=_result(f"{first.reference},FAILED,900000,,2019-11-20,name,Nama tidak sesuai"),
    )
    entitlement = Entitlement.objects.get(pk=first.entitlement_id)
    with pytest.raises(ServiceError, match="belum diperbaiki"):
        services.entitlement_reissue(actor=officers[1], entitlement=entitlement)

    corrected = "0123010004566"
    supervisor = people.kupang_supervisor
    account = bank_account_update(actor=supervisor, account=_account(entitlement), account_number=corrected)
    bank_account_verify(actor=people.kupang_supervisor, account=account, method="bank_letter")
    services.entitlement_reissue(actor=officers[1], entitlement=entitlement)
    second_round = services.tranche_send(actor=officers[1], tranche=tranche)
    second = second_round[0].payments.get()
    late = services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil-ulang.csv",
        content=_result(
            f"{first.reference},PAID,900000,TRX-OLD,2019-11-25,,",  # the first attempt, after all
            f"{second.reference},PAID,900000,TRX-NEW,2019-11-25,,",
        ),
    )

    assert Entitlement.objects.filter(scheme=tranche.scheme).count() == 1
    entitlement.refresh_from_db()
    assert (entitlement.attempt, entitlement.state) == (2, EntitlementState.PAID)
    assert (second_round[0].round, second.attempt, second.account_number) == (2, 2, corrected)
    assert first.account_number == "012301000456509"
    assert list(late.problem_lines.values_list("kind", flat=True)) == [ResultProblem.ALREADY_SETTLED]
    assert Payment.objects.filter(entitlement=entitlement, outcome="paid").get().bank_reference == "TRX-NEW"
    assert selectors.reconciliation(tranche).balanced


def test_a_result_for_an_attempt_replaced_by_a_reissue_changes_nothing(people, officers):
    tranche = _sent(people, officers, "Maria Bria")
    first = tranche.bank_files.get().payments.get()
    Payment.objects.filter(pk=first.pk).update(outcome="failed", failure_code="closed", settled_on=date(2019, 11, 20))
    Entitlement.objects.filter(pk=first.entitlement_id).update(state="approved", attempt=2)

    result = services.bank_result_import(
        actor=officers[1],
        tranche=tranche,
        filename="hasil.csv",
        content=_result(f"{first.reference},PAID,900000,TRX1,2019-11-20,,"),
    )

    assert list(result.problem_lines.values_list("kind", flat=True)) == [ResultProblem.ALREADY_SETTLED]
    assert Entitlement.objects.get(pk=first.entitlement_id).state == EntitlementState.APPROVED


def test_a_tranche_closes_only_when_no_payment_is_waiting(people, officers):
    tranche = _sent(people, officers, "Maria Bria")
    payment = tranche.bank_files.get().payments.get()
    with pytest.raises(ServiceError, match="menunggu hasil bank"):
        services.tranche_close(actor=officers[0], tranche=tranche)

    services.payment_record(
        actor=officers[1],
        payment=payment,
        outcome=PaymentOutcome.PAID,
        settled_on=date(2019, 11, 20),
        bank_reference="TRX1",
    )
    with pytest.raises(ServiceError, match="Tidak dicatat"):
        services.payment_record(
            actor=officers[1],
            payment=payment,
            outcome=PaymentOutcome.PAID,
            settled_on=date(2019, 11, 21),
            bank_reference="TRX2",
        )
    services.tranche_close(actor=officers[0], tranche=tranche)

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.CLOSED
    assert Payment.objects.get(pk=payment.pk).bank_reference == "TRX1"


def test_every_step_is_on_the_recipients_case_timeline_and_in_the_history(people, officers):
    case = make_case(people, person=recipient(people, "Maria Bria"))
    tranche = _sent(people, officers)

    summaries = list(
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSISTANCE).values_list("summary", flat=True)
    )
    assert summaries == [
        f"{SCHEME}, tahap 1, Rp 900.000: disetujui dengan SK SK.123/RSTS/XI/2019",
        f"{SCHEME}, tahap 1, Rp 900.000: dikirim ke bank",
    ]
    entitlement = tranche.entitlements.get(person=case.person)
    states = [
        entry.changes_dict.get("state")
        for entry in LogEntry.objects.get_for_object(entitlement).order_by("timestamp", "pk")
        if entry.changes_dict.get("state")
    ]
    assert states == [["None", "draft"], ["draft", "approved"], ["approved", "sent"]]


def test_a_person_taken_out_stays_out_and_the_people_of_a_cancelled_tranche_enter_a_new_one(people, officers):
    maker, checker, _second = officers
    recipient(people, "Maria Bria")
    recipient(people, "Yohanes Nahak")
    tranche = filled_tranche(people, maker)
    yohanes = tranche.entitlements.get(person__full_name="Yohanes Nahak")
    services.entitlement_cancel(actor=maker, entitlement=yohanes, reason="Sedang diperiksa")
    assert services.tranche_fill(actor=maker, tranche=tranche) == 0
    services.tranche_cancel(actor=checker, tranche=tranche, reason="Salah skema")

    again = services.tranche_create(actor=maker, scheme=tranche.scheme)
    added = services.tranche_fill(actor=maker, tranche=again)

    assert added == 2
    assert Entitlement.objects.filter(scheme=tranche.scheme).exclude(state="cancelled").count() == 2


def test_a_person_taken_out_of_a_draft_is_put_back_by_reinstating(people, officers):
    maker, _checker, _second = officers
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker)
    entitlement = tranche.entitlements.get()
    services.entitlement_cancel(actor=maker, entitlement=entitlement, reason="Nama belum pasti")

    services.entitlement_reinstate(actor=maker, entitlement=entitlement)

    entitlement.refresh_from_db()
    assert (entitlement.state, entitlement.cancelled_reason, entitlement.cancelled_at) == ("draft", "", None)


# --- in kind ---------------------------------------------------------------------------------------------------


def _kit(people: People, officers: tuple[Any, Any, Any]) -> Tranche:
    maker, checker, _second = officers
    scheme = cash_scheme(
        people,
        name="Paket usaha kue kering",
        kind=SchemeKind.IN_KIND,
        amount_per_person=None,
        budget_ceiling=50_000_000,
    )
    oven = services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Oven", quantity=1, unit_value=1_500_000
    )
    services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Loyang", quantity=4, unit_value=50_000
    )
    recipient(people, "Maria Bria", account=False)
    recipient(people, "Yohanes Nahak", account=False)
    tranche = filled_tranche(people, maker, scheme)
    services.tranche_submit(actor=maker, tranche=tranche)
    tranche = services.tranche_approve(actor=checker, tranche=tranche, **DECREE)
    tranche.oven = oven  # type: ignore[attr-defined]
    return tranche


def test_an_in_kind_package_is_handed_over_per_recipient_and_the_tranche_closes_when_all_have_it(people, officers):
    maker, _checker, _second = officers
    tranche = _kit(people, officers)
    maria = tranche.entitlements.get(person__full_name="Maria Bria")
    yohanes = tranche.entitlements.get(person__full_name="Yohanes Nahak")
    services.handover_receipt_save(
        actor=maker,
        tranche=tranche,
        number="BAST-01/2019",
        place="Gereja GMIT Bethesda Tarus",
        handed_on=date(2019, 11, 13),
    )

    services.handover_record(actor=maker, tranche=tranche, entitlements=[maria], handed_on=date(2019, 11, 13))
    with pytest.raises(ServiceError, match="belum menerima paketnya"):
        services.tranche_close(actor=maker, tranche=tranche)
    with pytest.raises(ServiceError, match="sudah menerima"):
        services.handover_record(actor=maker, tranche=tranche, entitlements=[maria], handed_on=date(2019, 11, 13))
    services.handover_record(
        actor=maker,
        tranche=tranche,
        entitlements=[yohanes],
        handed_on=date(2019, 11, 14),
        quantities={tranche.oven.pk: 0},  # type: ignore[attr-defined]
        note="Oven menyusul",
    )
    services.tranche_close(actor=maker, tranche=tranche)

    maria.refresh_from_db()
    assert (maria.state, maria.paid_on) == (EntitlementState.PAID, date(2019, 11, 13))
    assert sorted(str(line) for line in maria.handover.lines.all()) == ["1 buah Oven", "4 buah Loyang"]
    assert [str(line) for line in Entitlement.objects.get(pk=yohanes.pk).handover.lines.all()] == ["4 buah Loyang"]


def test_the_signed_receipt_is_attached_as_a_checked_scan(people, officers):
    maker, _checker, _second = officers
    tranche = _kit(people, officers)
    with pytest.raises(ServiceError, match="Catat dulu"):
        services.handover_receipt_attach(actor=maker, tranche=tranche, scan=SimpleUploadedFile("bast.png", PNG))
    services.handover_receipt_save(
        actor=maker, tranche=tranche, number="BAST-01", place="Tarus", handed_on=date(2019, 11, 13)
    )

    with pytest.raises(ServiceError, match="PDF, JPEG atau PNG"):
        services.handover_receipt_attach(actor=maker, tranche=tranche, scan=SimpleUploadedFile("bast.png", b"MZ\x90"))
    receipt = services.handover_receipt_attach(actor=maker, tranche=tranche, scan=SimpleUploadedFile("Maria.png", PNG))

    assert receipt.signed_copy.name.endswith(".png")
    assert "Maria" not in receipt.signed_copy.name
    assert receipt.signed_copy_by == maker


def test_a_cash_tranche_is_not_handed_over_and_an_in_kind_one_is_not_sent(people, officers):
    maker, checker, _second = officers
    cash = _approved(people, officers, "Maria Bria")
    with pytest.raises(ServiceError, match="melalui bank"):
        services.handover_record(
            actor=maker, tranche=cash, entitlements=list(cash.entitlements.all()), handed_on=date(2019, 11, 13)
        )
    kit = _kit(people, officers)
    with pytest.raises(ServiceError, match="diserahkan langsung"):
        services.tranche_send(actor=checker, tranche=kit)


# --- concurrency -----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_of_eight_simultaneous_sendings_exactly_one_makes_the_files(people, officers) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are settled by PostgreSQL; SQLite serialises whole transactions")
    tranche = _approved(people, officers, "Maria Bria", "Yohanes Nahak")
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            services.tranche_send(actor=officers[1], tranche=Tranche.objects.get(pk=tranche.pk))
            outcomes.append("sent")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * 7 + ["sent"]
    assert BankFile.objects.filter(tranche=tranche).count() == 1
    assert Payment.objects.filter(bank_file__tranche=tranche).count() == 2
