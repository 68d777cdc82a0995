"""Merging two records of one person, and marking two records as different people (the services)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from bangkit.accounts.testing import People
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.regions.nik import build_nik
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.models import (
    BankAccount,
    Consent,
    DuplicatePair,
    HouseholdMember,
    IdentityDocument,
    MigrationStay,
    Person,
    Phone,
    TraffickingIdentification,
)
from bangkit.registry.services.duplicates import (
    duplicate_pair_mark_distinct,
    duplicate_pair_merge,
    merge_conflicts,
    record_duplicate_candidates,
)
from bangkit.registry.signals import person_merged
from bangkit.registry.testing import make_person

BORN = date(1988, 3, 2)


def twins(people: People, place: str = "kupang", **second: Any) -> tuple[Person, Person, DuplicatePair]:
    """Two records of Yohanes Nahak and their open pair."""
    first = make_person(people, place, full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    other = make_person(people, place, **{"full_name": "Johanes Nahak", "sex": "M", "birth_date": BORN, **second})
    [pair] = record_duplicate_candidates(person=other)
    return first, other, pair


def test_it_moves_everything_to_the_survivor(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    worker = people.kupang_case_worker
    Phone.objects.create(person=survivor, number="081211110000")
    Phone.objects.create(person=duplicate, number="+62 812 1111 0000")  # the same number: dropped
    Phone.objects.create(person=duplicate, number="081322220000")
    IdentityDocument.objects.create(person=duplicate, kind="passport", number="C1234567")
    BankAccount.objects.create(person=survivor, bank_id="002", account_number="111122223333", holder_name="Yohanes")
    BankAccount.objects.create(person=duplicate, bank_id="002", account_number="1111-2222-3333", holder_name="Yohanes")
    BankAccount.objects.create(
        person=duplicate, bank_id="009", account_number="444455556666", holder_name="Yohanes", is_primary=False
    )
    HouseholdMember.objects.create(person=duplicate, name="Maria Bria", relationship="spouse")
    Consent.objects.create(person=duplicate, purpose="case_management", signed_on=date(2024, 1, 5), recorded_by=worker)
    MigrationStay.objects.create(person=duplicate, country="MY", city="Kuching")
    TraffickingIdentification.objects.create(
        person=duplicate, organisation=people.orgs.kupang_lks, outcome="possible", recorded_by=worker
    )
    elsewhere = make_person(people, "kupang", full_name="Agustina Bria")
    HouseholdMember.objects.create(
        person=elsewhere, name="Johanes", relationship="sibling", registered_person=duplicate
    )

    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)

    assert sorted(Phone.objects.filter(person=survivor).values_list("number", flat=True)) == [
        "081211110000",
        "081322220000",
    ]
    assert IdentityDocument.objects.get(kind="passport").person == survivor
    accounts = BankAccount.objects.filter(person=survivor).order_by("bank_id")
    assert [(a.bank_id, a.account_number, a.is_primary) for a in accounts] == [
        ("002", "111122223333", True),
        ("009", "444455556666", False),
    ]
    for model in (HouseholdMember, Consent, MigrationStay, TraffickingIdentification, Phone, BankAccount):
        assert not model.objects.filter(person=duplicate).exists(), model
    assert HouseholdMember.objects.get(person=elsewhere).registered_person == survivor
    duplicate.refresh_from_db()
    pair.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert (pair.status, pair.resolved_by) == (DuplicateStatus.MERGED, people.kupang_supervisor)
    assert pair.resolved_at is not None


def test_it_keeps_the_history_of_both_records(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    phone = Phone.objects.create(person=duplicate, number="081322220000")
    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)

    assert Person.objects.filter(pk=duplicate.pk).exists()  # kept, not deleted
    duplicate_history = LogEntry.objects.get_for_object(duplicate).order_by("pk")
    assert [entry.action for entry in duplicate_history][:1] == [LogEntry.Action.CREATE]
    merged = duplicate_history.filter(action=LogEntry.Action.UPDATE).last()
    assert merged is not None
    assert "merged_into" in merged.changes_dict
    assert LogEntry.objects.get_for_object(survivor).filter(action=LogEntry.Action.CREATE).exists()
    moved = LogEntry.objects.get_for_object(phone).filter(action=LogEntry.Action.UPDATE).last()
    assert moved is not None
    assert moved.changes_dict["person"] == [str(duplicate.pk), str(survivor.pk)]


def test_it_keeps_the_values_chosen_and_fills_the_gaps(people: People) -> None:
    nik = build_nik("53.01.08", BORN, "M", 77)
    survivor = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN, street="")
    Person.objects.filter(pk=survivor.pk).update(nik=None)
    survivor.refresh_from_db()
    duplicate = make_person(
        people,
        "kupang",
        full_name="Johanes Nahak",
        other_names="Anis",
        sex="M",
        birth_date=BORN,
        nik=nik,
        street="RT 02/RW 01",
        marital_status="married",
        disabilities=["mobility"],
    )
    [pair] = record_duplicate_candidates(person=duplicate)
    assert [merge_field.name for merge_field in merge_conflicts(survivor, duplicate)] == ["full_name"]

    duplicate_pair_merge(
        actor=people.kupang_supervisor, pair=pair, survivor=survivor.pk, values_from_duplicate=["full_name"]
    )

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.full_name == "Johanes Nahak"
    assert survivor.other_names == "Yohanes Nahak, Anis"
    assert (survivor.nik, survivor.street, survivor.marital_status) == (nik, "RT 02/RW 01", "married")
    assert survivor.disabilities == ["mobility"]
    # One NIK per person: the duplicate gave its NIK up, and exact search finds the survivor.
    assert duplicate.nik is None
    assert list(Person.objects.filter_exact(nik=nik)) == [survivor]


def test_it_leaves_a_nik_given_up_on_the_merged_record(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    kept_nik, other_nik = survivor.nik, duplicate.nik
    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)
    survivor.refresh_from_db()
    assert survivor.nik == kept_nik
    # The other NIK still leads to the merged record, and from it to the survivor.
    [found] = Person.objects.filter_exact(nik=other_nik)
    assert found.merged_into == survivor


def test_it_refuses_to_merge_the_same_pair_twice(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)
    with pytest.raises(ServiceError, match="sudah diputuskan"):
        duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=duplicate)
    with pytest.raises(ServiceError, match="sudah diputuskan"):
        duplicate_pair_mark_distinct(actor=people.kupang_supervisor, pair=pair)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor


@pytest.mark.parametrize("user", ["kupang_case_worker", "indramayu_supervisor", "national_auditor"])
def test_it_refuses_anyone_but_a_supervisor_of_both_people(people: People, user: str) -> None:
    survivor, _duplicate, pair = twins(people)
    with pytest.raises(OutOfJurisdiction):
        duplicate_pair_merge(actor=getattr(people, user), pair=pair, survivor=survivor)
    with pytest.raises(OutOfJurisdiction):
        duplicate_pair_mark_distinct(actor=getattr(people, user), pair=pair)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_it_refuses_a_regency_supervisor_a_pair_across_two_regencies(people: People) -> None:
    kupang = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=BORN)
    indramayu = make_person(people, "indramayu", full_name="Maria Goreti Bria", birth_date=BORN)
    [pair] = record_duplicate_candidates(person=indramayu)
    assert {pair.first, pair.second} == {kupang, indramayu}
    for user in (people.kupang_supervisor, people.indramayu_supervisor):
        with pytest.raises(OutOfJurisdiction):
            duplicate_pair_merge(actor=user, pair=pair, survivor=kupang)


def test_it_refuses_a_survivor_from_outside_the_pair(people: People) -> None:
    _survivor, _duplicate, pair = twins(people)
    stranger = make_person(people, "kupang", full_name="Agustina Bria")
    with pytest.raises(ServiceError) as refused:
        duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=stranger)
    assert refused.value.field == "survivor"


def test_it_lets_other_apps_follow_the_merge_or_refuse_it(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    Phone.objects.create(person=duplicate, number="081322220000")
    calls: list[dict[str, Any]] = []

    def refuse(sender: Any, **kwargs: Any) -> None:
        calls.append(kwargs)
        raise ServiceError("Kasus ini sedang dikunci.")

    person_merged.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(ServiceError):
            duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)
    finally:
        person_merged.disconnect(dispatch_uid="test-refuse")
    assert calls[0]["survivor"] == survivor
    assert calls[0]["duplicate"].pk == duplicate.pk
    assert calls[0]["actor"] == people.kupang_supervisor
    # Nothing half-done.
    duplicate.refresh_from_db()
    pair.refresh_from_db()
    assert duplicate.merged_into is None
    assert pair.status == DuplicateStatus.OPEN
    assert Phone.objects.get(number_index=Phone._meta.get_field("number_index").index_for("081322220000")).person == (
        duplicate
    )


def test_it_hands_the_duplicates_other_pairs_to_the_survivor(people: People) -> None:
    survivor, duplicate, pair = twins(people)
    third = make_person(people, "kupang", full_name="Yohanis Nahak", sex="M", birth_date=BORN)
    pairs = {frozenset((p.first_id, p.second_id)): p for p in record_duplicate_candidates(person=third)}
    assert frozenset((duplicate.pk, third.pk)) in pairs
    assert frozenset((survivor.pk, third.pk)) in pairs
    duplicate_pair_mark_distinct(actor=people.kupang_supervisor, pair=pairs[frozenset((duplicate.pk, third.pk))])

    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)

    # The survivor is the duplicate: it too is a different person from the third.
    remaining = DuplicatePair.objects.exclude(pk=pair.pk)
    assert [(p.first_id, p.second_id, p.status) for p in remaining] == [
        (survivor.pk, third.pk, DuplicateStatus.DISTINCT)
    ]
    assert not DuplicatePair.objects.filter(first=duplicate).exclude(pk=pair.pk).exists()
    assert not DuplicatePair.objects.filter(second=duplicate).exclude(pk=pair.pk).exists()


def test_it_refuses_a_merge_breaking_the_records_rules(people: People) -> None:
    survivor, _duplicate, pair = twins(people)
    Person.objects.filter(pk=survivor.pk).update(kk_number="5" * 20)  # longer than a KK number can be
    with pytest.raises(ValidationError):
        duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=survivor)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_it_marks_two_records_as_different_people(people: People) -> None:
    first, second, pair = twins(people)
    duplicate_pair_mark_distinct(actor=people.kupang_supervisor, pair=pair)
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (DuplicateStatus.DISTINCT, people.kupang_supervisor)
    for person in (first, second):
        person.refresh_from_db()
        assert person.merged_into is None


def test_it_refuses_to_take_a_value_the_other_record_does_not_have(people: People) -> None:
    survivor, _duplicate, pair = twins(people)
    with pytest.raises(ServiceError) as refused:
        duplicate_pair_merge(
            actor=people.kupang_supervisor, pair=pair, survivor=survivor, values_from_duplicate=["deceased_on"]
        )
    assert refused.value.field == "values_from_duplicate"
    assert "meninggal pada" in refused.value.message
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN
