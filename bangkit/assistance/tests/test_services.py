"""Tranches of a cash scheme: filled with exactly the eligible people, once each; approved by someone other than
their preparer, within the budget ceiling, by two people above the threshold; never approved with a dead or
merged recipient or an account no longer verified; one approval when many press the button at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bangkit.assistance import selectors, services
from bangkit.assistance.choices import EntitlementState, SchemeKind, TrancheState
from bangkit.assistance.models import Entitlement, Tranche
from bangkit.assistance.testing import DECREE, cash_scheme, filled_tranche, finance_officer, recipient
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.registry.choices import BankAccountStatus
from bangkit.registry.models import Bank, BankAccount, Person
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db


def test_a_tranche_is_filled_with_each_eligible_person_once_at_the_schemes_amount(people, officers):
    maker, _checker, _second = officers
    maria, yohanes = recipient(people, "Maria Bria"), recipient(people, "Yohanes Nahak")
    scheme = cash_scheme(people)
    tranche = services.tranche_create(actor=maker, scheme=scheme)

    added = services.tranche_fill(actor=maker, tranche=tranche)
    again = services.tranche_fill(actor=maker, tranche=tranche)
    second = services.tranche_create(actor=maker, scheme=scheme)
    into_second = services.tranche_fill(actor=maker, tranche=second)

    assert (added, again, into_second) == (2, 0, 0)
    rows = {e.person_id: e for e in Entitlement.objects.filter(scheme=scheme)}
    assert set(rows) == {maria.pk, yohanes.pk}
    assert {e.amount for e in rows.values()} == {900_000}
    assert rows[maria.pk].bank_account == maria.bank_accounts.get()
    assert (tranche.number, second.number) == (1, 2)
    assert selectors.tranche_total(tranche) == (2, 1_800_000)


def test_the_database_refuses_a_second_entitlement_for_the_same_person_and_scheme(people, officers):
    maker, _checker, _second = officers
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker)
    first = tranche.entitlements.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(scheme=tranche.scheme, tranche=tranche, person=first.person, amount=900_000)


def test_only_people_meeting_every_rule_are_added_and_the_rules_read_in_plain_words(people, officers):
    maker, _checker, _second = officers
    eligible = recipient(people, "Maria Bria")
    recipient(people, "Tanpa Rekening", account=False)
    recipient(people, "Tanpa Persetujuan", consent=False)
    recipient(people, "Sudah Meninggal", deceased_on=date(2019, 1, 5))
    unverified = recipient(people, "Rekening Belum Diverifikasi")
    unverified.bank_accounts.update(status=BankAccountStatus.UNVERIFIED, verified_by=None, verified_at=None)
    elsewhere = make_person(people, "indramayu", full_name="Warga Indramayu")
    BankAccount.objects.create(
        person=elsewhere,
        bank=Bank.objects.get(code="002"),
        account_number="555",
        holder_name="Warga Indramayu",
    )
    scheme = cash_scheme(people)

    tranche = filled_tranche(people, maker, scheme)

    assert list(tranche.entitlements.values_list("person_id", flat=True)) == [eligible.pk]
    assert selectors.eligibility_rules(scheme) == [
        "tinggal di Kabupaten Kupang",
        "punya rekening bank yang sudah diverifikasi",
        "persetujuan untuk menerima bantuan masih berlaku",
        "belum pernah mendapat hak dalam skema ini, masih hidup, dan datanya tidak digabung ke data lain",
    ]


def test_the_preparer_may_not_approve_their_own_tranche_nor_write_it_round_the_service(people, officers):
    maker, _checker, _second = officers
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)

    with pytest.raises(NotPermitted, match="Penyiap tahap tidak boleh menyetujuinya"):
        services.tranche_approve(actor=maker, tranche=tranche, **DECREE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tranche.objects.filter(pk=tranche.pk).update(approved_by=maker)

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SUBMITTED
    assert tranche.approved_by is None


def test_approval_records_the_decree_and_freezes_the_list(people, officers):
    maker, checker, _second = officers
    recipient(people, "Maria Bria")
    recipient(people, "Yohanes Nahak")
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)

    approved = services.tranche_approve(actor=checker, tranche=tranche, **DECREE)

    assert approved.state == TrancheState.APPROVED
    assert (approved.approved_by, approved.decree_number) == (checker, "SK.123/RSTS/XI/2019")
    assert set(approved.entitlements.values_list("state", flat=True)) == {EntitlementState.APPROVED}
    with pytest.raises(ServiceError, match="berstatus Disetujui"):
        services.tranche_approve(actor=checker, tranche=tranche, **DECREE)
    with pytest.raises(ServiceError, match="Hanya tahap berstatus konsep"):
        services.tranche_fill(actor=maker, tranche=tranche)


def test_approval_needs_the_decree(people, officers):
    maker, checker, _second = officers
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)

    with pytest.raises(ServiceError, match="nomor dan tanggal SK penerima"):
        services.tranche_approve(actor=checker, tranche=tranche, decree_number=" ", decree_date=None)


def test_a_tranche_beyond_what_is_left_of_the_ceiling_is_not_approved(people, officers):
    maker, checker, _second = officers
    for name in ("Maria Bria", "Yohanes Nahak", "Agustina Seran"):
        recipient(people, name)
    tranche = filled_tranche(people, maker, cash_scheme(people, budget_ceiling=1_800_000))
    services.tranche_submit(actor=maker, tranche=tranche)

    with pytest.raises(ServiceError, match=r"Rp 2\.700\.000\) melampaui sisa pagu skema \(Rp 1\.800\.000\)"):
        services.tranche_approve(actor=checker, tranche=tranche, **DECREE)

    assert not Entitlement.objects.exclude(state=EntitlementState.DRAFT).exists()


def test_above_the_threshold_a_third_person_approves_second(people, officers):
    maker, checker, second = officers
    recipient(people, "Maria Bria")
    recipient(people, "Yohanes Nahak")
    tranche = filled_tranche(people, maker, cash_scheme(people, second_approval_above=1_000_000))
    services.tranche_submit(actor=maker, tranche=tranche)

    first = services.tranche_approve(actor=checker, tranche=tranche, **DECREE)
    assert (first.state, first.approved_by) == (TrancheState.SUBMITTED, checker)
    with pytest.raises(NotPermitted, match="persetujuan kedua harus oleh orang lain"):
        services.tranche_approve(actor=checker, tranche=tranche)
    with pytest.raises(NotPermitted, match="Penyiap tahap"):
        services.tranche_approve(actor=maker, tranche=tranche)
    done = services.tranche_approve(actor=second, tranche=tranche)

    assert (done.state, done.second_approved_by) == (TrancheState.APPROVED, second)


def test_a_recipient_who_died_after_the_list_was_made_stops_the_approval(people, officers):
    maker, checker, _second = officers
    maria = recipient(people, "Maria Bria")
    recipient(people, "Yohanes Nahak")
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)
    Person.objects.filter(pk=maria.pk).update(deceased_on=date(2019, 11, 20))

    with pytest.raises(ServiceError, match="1 penerima tidak dapat dibayar"):
        services.tranche_approve(actor=checker, tranche=tranche, **DECREE)


def test_returning_withdraws_a_first_approval_and_cancelling_keeps_the_entitlements_for_the_record(people, officers):
    maker, checker, _second = officers
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker, cash_scheme(people, second_approval_above=100_000))
    services.tranche_submit(actor=maker, tranche=tranche)
    services.tranche_approve(actor=checker, tranche=tranche, **DECREE)

    returned = services.tranche_return(actor=checker, tranche=tranche)
    assert (returned.state, returned.approved_by, returned.decree_number) == (TrancheState.DRAFT, None, "")
    with pytest.raises(ServiceError, match="alasan pembatalan"):
        services.tranche_cancel(actor=checker, tranche=tranche, reason="  ")
    cancelled = services.tranche_cancel(actor=checker, tranche=tranche, reason="Anggaran dialihkan")

    assert cancelled.state == TrancheState.CANCELLED
    assert list(cancelled.entitlements.values_list("state", flat=True)) == [EntitlementState.CANCELLED]


def test_an_officer_of_another_jurisdiction_cannot_reach_the_scheme(people, officers):
    maker, _checker, _second = officers
    tranche = services.tranche_create(actor=maker, scheme=cash_scheme(people))
    indramayu_officer = finance_officer(people, "indramayu.finance", "32.12")

    with pytest.raises(OutOfJurisdiction):
        services.tranche_fill(actor=indramayu_officer, tranche=tranche)
    with pytest.raises(OutOfJurisdiction):
        services.tranche_create(actor=indramayu_officer, scheme=tranche.scheme)


def test_a_supervisor_sees_the_scheme_but_may_not_prepare_a_tranche_and_a_case_worker_does_not_see_it(people):
    scheme = cash_scheme(people)
    with pytest.raises(NotPermitted):
        services.tranche_create(actor=people.kupang_supervisor, scheme=scheme)
    with pytest.raises(OutOfJurisdiction):
        services.tranche_create(actor=people.kupang_case_worker, scheme=scheme)


def test_an_in_kind_scheme_is_valued_by_its_package_and_needs_no_account(people, officers):
    maker, _checker, _second = officers
    recipient(people, "Tanpa Rekening", account=False)
    scheme = cash_scheme(people, kind=SchemeKind.IN_KIND, amount_per_person=None, budget_ceiling=60_000_000)
    tranche = services.tranche_create(actor=maker, scheme=scheme)
    with pytest.raises(ServiceError, match="belum berisi barang"):
        services.tranche_fill(actor=maker, tranche=tranche)
    services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Oven", quantity=1, unit_value=1_500_000
    )
    services.scheme_item_add(
        actor=people.kupang_program_officer, scheme=scheme, name="Mixer", quantity=2, unit_value=450_000
    )

    assert services.tranche_fill(actor=maker, tranche=tranche) == 1
    entitlement = tranche.entitlements.get()
    assert (entitlement.amount, entitlement.bank_account) == (2_400_000, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_eight_simultaneous_approvals_exactly_one_takes_effect() -> None:
    from bangkit.accounts.testing import create_people

    people = create_people()
    maker = finance_officer(people, "maker")
    checkers = [finance_officer(people, f"checker{number}") for number in range(8)]
    recipient(people, "Maria Bria")
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)
    barrier = threading.Barrier(len(checkers))
    outcomes: list[str] = []

    def approve(checker: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.tranche_approve(actor=checker, tranche=tranche, **DECREE)
            outcomes.append("approved")
        except ServiceError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(checker,)) for checker in checkers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("approved") == 1
    assert len(outcomes) == len(checkers)
    tranche.refresh_from_db()
    assert tranche.approved_by in checkers
    assert tranche.approved_at is not None
    assert tranche.approved_at > timezone.now() - timedelta(minutes=5)
