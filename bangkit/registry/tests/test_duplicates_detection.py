"""Duplicate detection: each rule finds what a reviewer would call the same person, and explains why."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.regions.models import Region, RegionLevel, search_key
from bangkit.regions.nik import build_nik
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.matching import DuplicateMatcher, IncomingPerson, fold_spelling, match_batch
from bangkit.registry.models import BankAccount, DuplicatePair, Person, Phone
from bangkit.registry.services.duplicates import (
    duplicate_pair_mark_distinct,
    find_duplicate_candidates,
    record_duplicate_candidates,
)
from bangkit.registry.testing import make_person

BORN = date(1988, 3, 2)


def codes(candidate: Any) -> set[str]:
    return {code for code, _text in candidate.reasons}


def only(candidates: list[Any], person: Person) -> Any:
    found = [candidate for candidate in candidates if candidate.other == person]
    assert len(found) == 1, [(c.other, c.score, c.reasons) for c in candidates]
    return found[0]


def undated(person: Person) -> Person:
    """make_person builds a NIK from the birth date: take both away afterwards."""
    Person.objects.filter(pk=person.pk).update(birth_date=None, nik=None)
    person.refresh_from_db()
    return person


def incoming(people: People, **values: Any) -> IncomingPerson:
    values.setdefault("region_code", "53.01.08.1007")
    return IncomingPerson(**values)


def test_it_finds_the_same_nik_whatever_the_name(people: People) -> None:
    registered = make_person(people, "kupang", full_name="Maria Goreti Bria", nik="5301084107900001")
    found = DuplicateMatcher().match_one(
        incoming(people, full_name="Goreti Bria", nik="5301 0841 0790 0001", birth_date=date(1990, 7, 1), sex="F")
    )
    candidate = only(found, registered)
    assert "nik" in codes(candidate)
    assert candidate.score >= 95
    assert "NIK sama" in [text for _code, text in candidate.reasons]


def test_it_finds_the_same_family_card_with_a_similar_name(people: People) -> None:
    registered = make_person(people, "kupang", full_name="Yohana Bria", kk_number="5301081203150002")
    sister = make_person(people, "kupang", full_name="Agustina Bria", kk_number="5301081203150002")
    found = DuplicateMatcher().match_one(incoming(people, full_name="Yohana Bria", kk="5301-0812-0315-0002", sex="F"))
    candidate = only(found, registered)
    assert "kk_name" in codes(candidate)
    assert candidate.score >= 80
    # A sister on the same family card is family, not a duplicate.
    assert sister not in [candidate.other for candidate in found]


@pytest.mark.parametrize(
    ("registered_name", "incoming_name"),
    [
        ("Yohanes Nahak", "Johanes Nahak"),
        ("Nurhayati", "Nur Hayati"),
        ("Siti Aminah", "Sitti Aminah"),
        ("Yusuf Bria", "Yusup Bria"),
        ("Marthen Tefa", "Marten Tefa"),
    ],
)
def test_it_finds_a_spelling_variant_born_the_same_day_in_the_same_regency(
    people: People, registered_name: str, incoming_name: str
) -> None:
    registered = make_person(people, "kupang", full_name=registered_name, sex="M", birth_date=BORN)
    found = DuplicateMatcher().match_one(
        IncomingPerson(full_name=incoming_name, sex="M", birth_date=BORN, region_code="53.01.08")
    )
    candidate = only(found, registered)
    assert codes(candidate) & {"name_birth", "name_sound_birth"}
    assert "same_regency" in codes(candidate)
    assert candidate.score >= 75


def test_it_folds_indonesian_spelling_variants() -> None:
    assert fold_spelling("johanes") == fold_spelling("yohanes")
    assert fold_spelling("sitti") == fold_spelling("siti")
    assert fold_spelling("fatimah") == fold_spelling("fatima")
    assert fold_spelling("djoko") == fold_spelling("joko")
    assert fold_spelling("soeharti") == fold_spelling("suharti")


def test_it_does_not_propose_a_similar_name_born_on_another_day(people: People) -> None:
    make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    found = DuplicateMatcher().match_one(
        incoming(people, full_name="Johanes Nahak", sex="M", birth_date=date(1979, 11, 20))
    )
    assert found == []


def test_it_matches_an_estimated_birth_date_within_two_years(people: People) -> None:
    registered = make_person(people, "kupang", full_name="Maria Bria", birth_date=date(1985, 7, 1))
    found = DuplicateMatcher().match_one(
        incoming(people, full_name="Maria Bria", sex="F", birth_date=date(1986, 1, 1), birth_date_estimated=True)
    )
    candidate = only(found, registered)
    assert "name_birth_estimated" in codes(candidate)
    far = DuplicateMatcher().match_one(
        incoming(people, full_name="Maria Bria", sex="F", birth_date=date(1975, 1, 1), birth_date_estimated=True)
    )
    assert far == []


def test_it_finds_an_undated_namesake_in_the_same_regency_only(people: People) -> None:
    registered = undated(make_person(people, "kupang", full_name="Maria Bria"))
    assert only(DuplicateMatcher().match_one(incoming(people, full_name="Maria Bria", sex="F")), registered)
    elsewhere = IncomingPerson(full_name="Maria Bria", sex="F", region_code="32.12.04.2013")
    assert DuplicateMatcher().match_one(elsewhere) == []


def test_it_finds_someone_who_moved_by_exact_name_and_birth_date(people: People) -> None:
    registered = make_person(people, "indramayu", full_name="Maria Goreti Bria", birth_date=BORN)
    found = DuplicateMatcher().match_one(incoming(people, full_name="Maria Goreti Bria", sex="F", birth_date=BORN))
    candidate = only(found, registered)
    assert "name_birth" in codes(candidate)
    assert "same_regency" not in codes(candidate)


def test_it_finds_the_same_phone_however_it_is_written(people: People) -> None:
    registered = make_person(people, "indramayu", full_name="Siti Aminah", birth_date=date(1991, 2, 3))
    Phone.objects.create(person=registered, number="0812-3456-7890")
    found = DuplicateMatcher().match_one(
        IncomingPerson(full_name="Siti Aminah Sari", sex="F", phones=["+62 812 3456 7890"], region_code="53.01")
    )
    candidate = only(found, registered)
    assert codes(candidate) >= {"phone", "name"}
    assert "Nomor telepon sama" in [text for _code, text in candidate.reasons]


def test_it_does_not_propose_a_husband_and_wife_sharing_a_phone(people: People) -> None:
    husband = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M")
    Phone.objects.create(person=husband, number="081234567890")
    found = DuplicateMatcher().match_one(incoming(people, full_name="Maria Bria", sex="F", phones=["081234567890"]))
    assert found == []


def test_it_finds_the_same_account_at_the_same_bank_only(people: People) -> None:
    registered = make_person(people, "indramayu", full_name="Dewi Lestari")
    BankAccount.objects.create(person=registered, bank_id="002", account_number="1234-5678-9012", holder_name="Dewi")
    same_bank = DuplicateMatcher().match_one(
        IncomingPerson(full_name="Tini", sex="F", accounts=[("002", "123456789012")], region_code="53.01")
    )
    candidate = only(same_bank, registered)
    assert "account" in codes(candidate)
    assert candidate.score >= 60
    other_bank = DuplicateMatcher().match_one(
        IncomingPerson(full_name="Tini", sex="F", accounts=[("008", "123456789012")], region_code="53.01")
    )
    assert other_bank == []


def test_it_ranks_stronger_evidence_first(people: People) -> None:
    nik = build_nik("53.01.08", BORN, "F", 9)
    by_nik = make_person(people, "kupang", full_name="Ani", nik=nik, birth_date=BORN)
    by_name = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=BORN)
    by_phone = undated(make_person(people, "indramayu", full_name="Rina"))
    Phone.objects.create(person=by_phone, number="081299990000")
    found = DuplicateMatcher().match_one(
        incoming(
            people,
            full_name="Maria Goreti Bria",
            sex="F",
            birth_date=BORN,
            nik=nik,
            phones=["081299990000"],
        )
    )
    assert [candidate.other for candidate in found] == [by_nik, by_name, by_phone]
    assert found[0].score > found[1].score > found[2].score


def test_it_never_proposes_the_person_itself_or_a_merged_record(people: People) -> None:
    person = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    survivor = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    merged = make_person(people, "kupang", full_name="Johanes Nahak", sex="M", birth_date=BORN, merged_into=survivor)
    found = [candidate.other for candidate in find_duplicate_candidates(person=person)]
    assert found == [survivor]
    assert person not in found
    assert merged not in found


def test_it_records_each_pair_once_in_order(people: People) -> None:
    older = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    newer = make_person(people, "kupang", full_name="Johanes Nahak", sex="M", birth_date=BORN)
    pairs = record_duplicate_candidates(person=newer)
    assert [(pair.first, pair.second, pair.status) for pair in pairs] == [(older, newer, DuplicateStatus.OPEN)]
    Phone.objects.create(person=older, number="081211112222")
    Phone.objects.create(person=newer, number="081211112222")
    again = record_duplicate_candidates(person=older)
    assert [pair.pk for pair in again] == [pairs[0].pk]
    assert again[0].score > pairs[0].score
    assert {reason["code"] for reason in again[0].reasons} >= {"phone", "name_birth"}
    assert DuplicatePair.objects.count() == 1


def test_it_does_not_propose_again_a_pair_marked_distinct(people: People) -> None:
    first = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    second = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    [pair] = record_duplicate_candidates(person=second)
    duplicate_pair_mark_distinct(actor=people.kupang_supervisor, pair=pair)
    assert find_duplicate_candidates(person=first) == []
    assert record_duplicate_candidates(person=second) == []
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISTINCT


def test_it_explains_reasons_in_the_readers_language(people: People) -> None:
    registered = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    found = DuplicateMatcher().match_one(incoming(people, full_name="Yohanes Nahak", sex="M", birth_date=BORN))
    texts = [text for _code, text in only(found, registered).reasons]
    assert "Nama sama dan tanggal lahir sama" in texts


# ---------------------------------------------------------------------------------------------------------------
# The batch matcher on a generated population


def _ensure_regions(village_codes: set[str]) -> None:
    for code in sorted(village_codes):
        parts = code.split(".")
        parent = None
        for depth in range(1, len(parts) + 1):
            node = ".".join(parts[:depth])
            parent, _created = Region.objects.get_or_create(
                code=node, defaults={"name": node, "level": RegionLevel(depth), "parent": parent}
            )


@pytest.mark.parametrize("regency_queries", [0, 1000], ids=["one-pass-over-the-registry", "query-per-regency"])
def test_it_finds_planted_duplicates_in_a_batch(people: People, regency_queries: int) -> None:
    from bench.population import generate_people

    generated = list(generate_people(400, seed=7, region_prefix="53"))
    _ensure_regions({person.village_code for person in generated})
    now = timezone.now()
    registry = Person.objects.bulk_create(
        Person(
            full_name=person.full_name,
            search_name=search_key(person.full_name),
            sex=person.sex,
            birth_date=person.birth_date,
            nik=person.nik,
            kk_number=person.kk,
            region_id=person.village_code,
            organisation=people.orgs.kupang_lks,
            created_at=now,
            updated_at=now,
        )
        for person in generated
    )
    Phone.objects.bulk_create(
        Phone(person=person, number=source.phone, created_at=now, updated_at=now)
        for person, source in zip(registry, generated, strict=True)
    )
    rng = random.Random(3)
    planted: dict[int, Person] = {}  # incoming index → the registered person it really is
    records: list[IncomingPerson] = []

    def plant(record: IncomingPerson, person: Person) -> None:
        planted[len(records)] = person
        records.append(record)

    for number, (person, source) in enumerate(zip(registry[:40], generated[:40], strict=True)):
        kind = number % 4
        if kind == 0:  # the NIK, with a name typed differently
            plant(IncomingPerson(full_name=source.full_name.upper(), nik=source.nik), person)
        elif kind == 1:  # no NIK: a spelling variant, born the same day, same village
            name = source.full_name.replace("y", "j", 1) if "y" in source.full_name else source.full_name + "h"
            plant(
                IncomingPerson(
                    full_name=name, birth_date=source.birth_date, sex=source.sex, region_code=source.village_code
                ),
                person,
            )
        elif kind == 2:  # the phone, written the international way, and the name
            plant(IncomingPerson(full_name=source.full_name, phones=["+62" + source.phone[1:]], sex=source.sex), person)
        else:  # only an estimated age, the same regency
            estimated = date(source.birth_date.year + rng.choice((-1, 0, 1)), 7, 1)
            plant(
                IncomingPerson(
                    full_name=source.full_name,
                    birth_date=estimated,
                    birth_date_estimated=True,
                    sex=source.sex,
                    region_code=source.district_code,
                ),
                person,
            )
    # New people, who must not be taken for anyone.
    for source in generate_people(200, seed=99, region_prefix="53"):
        records.append(
            IncomingPerson(
                full_name=source.full_name,
                birth_date=source.birth_date + timedelta(days=1),
                sex=source.sex,
                region_code=source.village_code,
            )
        )
    rng.shuffle(order := list(range(len(records))))
    shuffled = [records[index] for index in order]

    best: dict[int, Any] = {}
    for index, candidate in match_batch(shuffled, chunk_size=64, regency_queries=regency_queries):
        original = order[index]
        if original not in best:
            best[original] = candidate
    for index, person in planted.items():
        assert index in best, (records[index], person.full_name)
        assert best[index].other == person, (records[index], best[index].other.full_name, best[index].reasons)
    false_alarms = [index for index in best if index not in planted]
    assert len(false_alarms) <= 2, [(records[i], best[i].other.full_name, best[i].reasons) for i in false_alarms]


def test_it_checks_a_batch_with_a_fixed_number_of_queries_per_chunk(
    people: People, django_assert_max_num_queries: Any
) -> None:
    for serial in range(1, 6):
        make_person(people, "kupang", full_name=f"Maria Bria {serial}", nik=build_nik("53.01.08", BORN, "F", serial))
    records = [
        IncomingPerson(
            full_name=f"Maria Bria {serial}",
            sex="F",
            birth_date=BORN,
            region_code="53.01.08.1007",
            nik=build_nik("53.01.08", BORN, "F", serial),
            kk=f"53010812031500{serial:02d}",
            phones=[f"08129999000{serial}"],
            accounts=[("002", f"99990000{serial}")],
        )
        for serial in range(1, 6)
    ]
    # Region codes of the regency (2), NIK, KK, phones, accounts, exact name and birth, regency block, people.
    with django_assert_max_num_queries(10):
        found = list(match_batch(records))
    assert {index for index, _candidate in found} == set(range(5))
