from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date

import pytest

from bangkit.regions.nik import parse_nik
from bench.population import REFERENCE_DATE, SyntheticPerson, generate_people, load_villages, main

PHONE = re.compile(r"08[1-9][0-9]{8,9}")


@pytest.fixture(scope="module")
def people() -> list[SyntheticPerson]:
    return list(generate_people(5_000, seed=7))


@pytest.fixture(scope="module")
def village_codes() -> frozenset[str]:
    return frozenset(village.code for village in load_villages())


def test_it_is_deterministic_for_a_seed():
    assert list(generate_people(300, seed=42)) == list(generate_people(300, seed=42))
    assert list(generate_people(300, seed=42)) != list(generate_people(300, seed=43))


def test_it_gives_different_people_to_different_regions_with_one_seed():
    kupang = list(generate_people(50, seed=1, region_prefix="53.01"))
    indramayu = list(generate_people(50, seed=1, region_prefix="32.12"))

    assert [p.birth_date for p in kupang] != [p.birth_date for p in indramayu]


def test_it_generates_exactly_n_people(people):
    assert len(people) == 5_000
    assert list(generate_people(0, seed=1)) == []


def test_it_gives_each_a_nik_that_agrees_with_birth_date_sex_and_district(people):
    for person in people:
        info = parse_nik(person.nik, today=REFERENCE_DATE)
        assert info.birth_date == person.birth_date
        assert info.sex == person.sex
        assert info.district_code == person.district_code


def test_it_never_repeats_a_nik_or_a_family_card_number():
    people = list(generate_people(20_000, seed=3, region_prefix="53.01.08"))

    assert len({p.nik for p in people}) == len(people)
    assert len({p.kk for p in people}) == len(people)
    assert max(int(p.nik[12:]) for p in people) > 1  # serials count up where prefixes collide


def test_it_numbers_family_cards_like_niks(people):
    for person in people:
        assert re.fullmatch(r"[0-9]{16}", person.kk)
        assert person.kk[:6] == person.district_code.replace(".", "")
        issued = date(2000 + int(person.kk[10:12]), int(person.kk[8:10]), int(person.kk[6:8]))
        assert person.birth_date <= issued <= REFERENCE_DATE
        assert person.kk[12:] != "0000"


def test_it_places_people_in_real_villages_of_their_district(people, village_codes):
    for person in people:
        assert person.village_code in village_codes
        assert person.village_code.startswith(person.district_code + ".")


@pytest.mark.parametrize("prefix", ["53", "53.01", "32.12.04", "32.12.04.2013"])
def test_it_respects_the_region_prefix(prefix, village_codes):
    people = list(generate_people(500, seed=5, region_prefix=prefix))

    assert all(p.village_code == prefix or p.village_code.startswith(prefix + ".") for p in people)
    assert all(p.village_code in village_codes for p in people)


def test_it_refuses_a_region_without_villages():
    with pytest.raises(ValueError, match="no village"):
        next(generate_people(1, region_prefix="99.99"))


def test_it_makes_about_two_thirds_women(people):
    women = sum(p.sex == "F" for p in people) / len(people)

    assert 0.62 < women < 0.71


def test_it_makes_most_people_18_to_55(people):
    ages = [(REFERENCE_DATE - p.birth_date).days / 365.2425 for p in people]

    assert sum(18 <= age < 56 for age in ages) / len(ages) > 0.85
    assert min(ages) >= 14
    assert max(ages) < 67


def test_it_names_people_after_their_region():
    kupang = list(generate_people(400, seed=2, region_prefix="53.01"))
    indramayu = list(generate_people(400, seed=2, region_prefix="32.12"))

    assert sum(p.full_name.split()[-1] in {"Ndun", "Lay", "Tefa", "Nenobais", "Manafe"} for p in kupang) > 10
    assert all(len(p.full_name.split()) >= 2 for p in kupang)  # clan names are always carried
    assert sum(" " not in p.full_name for p in indramayu) > 100  # single names such as Casmirah, Wartini
    assert {p.birth_place for p in kupang} == {"Kupang"}
    assert {p.birth_place for p in indramayu} == {"Indramayu"}


def test_it_varies_names(people):
    names = Counter(p.full_name for p in people)

    assert len(names) > 2_000
    assert names.most_common(1)[0][1] < 60


def test_it_gives_indonesian_mobile_numbers(people):
    assert all(PHONE.fullmatch(p.phone) for p in people)


def test_it_writes_a_csv(tmp_path):
    out = tmp_path / "people.csv"

    assert main(["--count", "25", "--region", "53.01", "--seed", "9", "--csv", str(out)]) == 0

    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    expected = list(generate_people(25, seed=9, region_prefix="53.01"))
    assert len(rows) == 25
    assert [row["nik"] for row in rows] == [p.nik for p in expected]
    assert rows[0]["birth_date"] == expected[0].birth_date.isoformat()


def test_it_keeps_niks_unique_at_benchmark_scale():
    niks = [p.nik for p in generate_people(100_000, seed=11)]

    assert len(set(niks)) == 100_000
