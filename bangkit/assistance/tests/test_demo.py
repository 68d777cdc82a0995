"""`manage.py load_demo` pays the Kupang 2019 stimulus and hands over Indramayu's 2018 starter kits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Count, Sum

from bangkit.accounts.demo import demo_approver_email, demo_email, demo_logins
from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.assistance import selectors
from bangkit.assistance.choices import EntitlementState, PaymentOutcome, SchemeKind, TrancheState
from bangkit.assistance.demo import INDRAMAYU_KIT, INDRAMAYU_SCHEME, KUPANG_SCHEME
from bangkit.assistance.models import (
    BankFile,
    BankResult,
    Entitlement,
    Handover,
    HandoverLine,
    HandoverReceipt,
    Payment,
    Scheme,
    SchemeItem,
    Tranche,
)
from bangkit.assistance.pdf import handover_receipt_pdf
from bangkit.core.testing.pdf import pdf_pages
from bangkit.programs.demo import INDRAMAYU_2018, KUPANG_2019
from bangkit.programs.models import Enrolment
from bangkit.programs.tests.test_demo import create_demo_places, load_demo
from bangkit.registry.choices import BankAccountStatus, ConsentPurpose
from bangkit.registry.models import BankAccount, Consent


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for the module in a transaction rolled back at the end; each test runs in a
    savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        create_demo_places()
        yield load_demo()
        transaction.set_rollback(True)


def user(email: str) -> User:
    return User.objects.get(email=email)


def kupang() -> Tranche:
    return Tranche.objects.select_related("scheme").get(scheme__name=KUPANG_SCHEME)


def indramayu() -> Tranche:
    return Tranche.objects.select_related("scheme").get(scheme__name=INDRAMAYU_SCHEME)


def test_it_pays_rp_900000_to_each_of_the_250_kupang_participants_and_reconciles(demo: str, db: None) -> None:
    tranche = kupang()
    scheme = tranche.scheme
    entitlements = Entitlement.objects.filter(tranche=tranche)
    figures = selectors.reconciliation(tranche)

    assert "[assistance] Kupang 2019: " in demo
    assert (scheme.kind, scheme.amount_per_person, scheme.budget_ceiling) == (SchemeKind.CASH, 900_000, 225_000_000)
    assert (scheme.year, scheme.region_id, scheme.organisation.short_name) == (2019, "53.01", "Direktorat RSTS & KPO")
    assert scheme.completed_event is not None
    assert scheme.completed_event.title == KUPANG_2019.title
    assert tranche.state == TrancheState.CLOSED
    assert entitlements.count() == entitlements.filter(state=EntitlementState.PAID).count() == 250
    assert entitlements.aggregate(total=Sum("amount"))["total"] == 225_000_000
    assert figures.balanced
    assert (figures.approved.people, figures.approved.rupiah) == (250, 225_000_000)
    assert (figures.paid.people, figures.paid.rupiah) == (250, 225_000_000)
    assert figures.failed.people == figures.pending.people == figures.cancelled.people == 0
    assert not figures.problems.exists()
    # Every participant of the event, each once; nobody paid twice.
    participants = set(Enrolment.objects.filter(event=scheme.completed_event).values_list("person_id", flat=True))
    assert set(entitlements.values_list("person_id", flat=True)) == participants
    paid_twice = (
        Payment.objects.filter(bank_file__tranche=tranche, outcome=PaymentOutcome.PAID)
        .values("entitlement")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
    )
    assert not paid_twice.exists()
    assert set(entitlements.values_list("paid_on", flat=True)) == {
        date(2019, 11, 21),
        date(2019, 11, 22),
        date(2019, 12, 10),
    }


def test_it_has_the_kupang_tranche_prepared_by_one_finance_officer_and_approved_by_another(demo: str, db: None) -> None:
    tranche = kupang()

    assert tranche.prepared_by == user(demo_email("dinsos-kupang", Role.FINANCE_OFFICER))
    assert tranche.approved_by == user(demo_approver_email("dinsos-kupang"))
    assert tranche.prepared_by_id != tranche.approved_by_id
    assert (tranche.decree_number, tranche.decree_date) == ("45/3.4/BS.01.02/11/2019", date(2019, 11, 18))
    assert tranche.decree_date is not None
    assert tranche.decree_date > KUPANG_2019.end
    approver = next(login for login in demo_logins() if login.email == demo_approver_email("dinsos-kupang"))
    assert approver.organisation == "Dinsos Kabupaten Kupang"


def test_it_sends_kupang_mostly_to_bank_ntt_and_bri_and_reissues_four_failed_transfers(demo: str, db: None) -> None:
    tranche = kupang()
    files = list(BankFile.objects.filter(tranche=tranche).values_list("bank_id", "round", "lines", "control_total"))
    failed = Payment.objects.filter(bank_file__tranche=tranche, outcome=PaymentOutcome.FAILED)
    reissued = Entitlement.objects.filter(tranche=tranche, attempt=2)

    first_round = {bank: lines for bank, round_, lines, _total in files if round_ == 1}
    assert set(first_round) == {"130", "002"}  # Bank NTT and BRI
    assert first_round["130"] > first_round["002"] > 50
    assert sum(first_round.values()) == 250
    assert sorted((bank, lines, total) for bank, round_, lines, total in files if round_ == 2) == [
        ("002", 2, 1_800_000),
        ("130", 2, 1_800_000),
    ]
    assert BankResult.objects.filter(tranche=tranche).count() == 4  # one file per bank and round
    assert sorted(failed.values_list("failure_code", flat=True)) == ["closed", "dormant", "invalid", "name"]
    assert reissued.count() == 4
    assert set(reissued.values_list("state", flat=True)) == {EntitlementState.PAID}
    assert set(failed.values_list("entitlement_id", flat=True)) == set(reissued.values_list("pk", flat=True))
    for entry in reissued.select_related("bank_account"):
        first, second = entry.payments.order_by("attempt")
        assert (first.outcome, second.outcome) == (PaymentOutcome.FAILED, PaymentOutcome.PAID)
        # Paid into an account corrected and verified again after the bank sent the first transfer back.
        assert entry.bank_account is not None
        assert entry.bank_account.status == BankAccountStatus.VERIFIED
        assert first.result is not None
        assert entry.bank_account.verified_at is not None
        assert entry.bank_account.verified_at > first.result.created_at
        assert second.settled_on == date(2019, 12, 10)
    closed = failed.get(failure_code="closed")
    assert closed.bank_account.status == BankAccountStatus.INVALID
    assert closed.entitlement.bank_account_id != closed.bank_account_id  # a new account
    mistyped = failed.get(failure_code="invalid")
    second = mistyped.entitlement.payments.get(attempt=2)
    assert second.bank_account_id == mistyped.bank_account_id
    assert second.account_number != mistyped.account_number  # the same account, its number corrected
    misspelt = failed.get(failure_code="name")
    assert misspelt.entitlement.payments.get(attempt=2).holder_name != misspelt.holder_name


def test_it_records_the_kupang_participants_accounts_and_consents_at_registration(demo: str, db: None) -> None:
    event_people = Enrolment.objects.filter(event__title=KUPANG_2019.title).values("person_id")
    accounts = BankAccount.objects.filter(person__in=event_people)

    assert accounts.filter(is_primary=True, status=BankAccountStatus.VERIFIED).count() == 250
    assert set(accounts.values_list("bank_id", flat=True)) == {"130", "002"}
    verified = accounts.filter(status=BankAccountStatus.VERIFIED)
    assert set(verified.values_list("verified_by__email", flat=True)) == {
        demo_email("dinsos-kupang", Role.FINANCE_OFFICER)
    }
    # The account closed at the bank stays on the record, marked invalid, beside the new one.
    assert accounts.filter(status=BankAccountStatus.INVALID).count() == 1
    consents = Consent.objects.filter(person__in=event_people, purpose=ConsentPurpose.ASSISTANCE)
    assert consents.count() == 250
    assert all(signed < KUPANG_2019.start for signed in consents.values_list("signed_on", flat=True))


def test_it_hands_the_starter_kit_to_the_20_indramayu_trainees_against_a_bast(demo: str, db: None) -> None:
    tranche = indramayu()
    scheme = tranche.scheme
    receipt = HandoverReceipt.objects.get(tranche=tranche)
    handovers = Handover.objects.filter(entitlement__tranche=tranche)
    officer = user(demo_email("dinsos-indramayu", Role.FINANCE_OFFICER))

    assert "[assistance] Indramayu 2018: " in demo
    assert (scheme.kind, scheme.year, scheme.region_id) == (SchemeKind.IN_KIND, 2018, "32.12")
    assert scheme.organisation.short_name == "Dinsos Kabupaten Indramayu"
    assert scheme.completed_event is not None
    assert scheme.completed_event.title == INDRAMAYU_2018.title
    assert SchemeItem.objects.filter(scheme=scheme).count() == len(INDRAMAYU_KIT)
    assert tranche.state == TrancheState.CLOSED
    assert tranche.prepared_by == officer
    assert tranche.approved_by == user(demo_approver_email("dinsos-indramayu"))
    assert (receipt.place, receipt.handed_on) == ("RSBM Tunas Mandiri, Desa Mundakjaya", date(2018, 4, 10))
    assert tranche.entitlements.filter(state=EntitlementState.PAID, paid_on=date(2018, 4, 10)).count() == 20
    assert handovers.count() == 20
    assert set(handovers.values_list("officer", flat=True)) == {officer.pk}
    assert HandoverLine.objects.filter(handover__in=handovers).count() == 20 * len(INDRAMAYU_KIT)
    package = sum(item.quantity * item.unit_value for item in INDRAMAYU_KIT)
    assert selectors.reconciliation(tranche).paid.rupiah == 20 * package
    pages = pdf_pages(handover_receipt_pdf(tranche))
    printed = "\n".join(pages)
    assert receipt.number in printed
    assert printed.count("1 paket lengkap") == 20
    assert f"Halaman {len(pages)} dari {len(pages)}" in printed


def test_it_works_each_step_as_the_demo_user_who_would_have(demo: str, db: None) -> None:
    tranche = kupang()
    scheme_created = LogEntry.objects.get_for_object(tranche.scheme).get(action=LogEntry.Action.CREATE)
    results = BankResult.objects.filter(tranche=tranche)

    assert scheme_created.actor == user(demo_email("rsts", Role.PROGRAM_OFFICER))
    assert scheme_created.cid == "load-demo"
    assert set(results.values_list("imported_by__email", flat=True)) == {
        demo_email("dinsos-kupang", Role.FINANCE_OFFICER)
    }
    corrected = BankAccount.objects.filter(pk__in=Entitlement.objects.filter(attempt=2).values("bank_account"))
    assert LogEntry.objects.filter(
        content_type__model="bankaccount",
        object_pk__in=[str(pk) for pk in corrected.values_list("pk", flat=True)],
        actor__email=demo_email("lks-rpk", Role.CASE_WORKER),
    ).exists()


def test_it_adds_nothing_when_loaded_again(demo: str, db: None) -> None:
    models = (Scheme, SchemeItem, Tranche, Entitlement, BankFile, BankResult, Payment, Handover, HandoverLine)
    counts = [model.objects.count() for model in (*models, BankAccount, Consent, LogEntry)]

    output = load_demo()

    assert "[assistance] Kupang 2019: already there" in output
    assert "[assistance] Indramayu 2018: already there" in output
    assert [model.objects.count() for model in (*models, BankAccount, Consent, LogEntry)] == counts
