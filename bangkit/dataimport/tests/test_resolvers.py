"""Regions, banks and countries as spreadsheets name them."""

from __future__ import annotations

import pytest

from bangkit.accounts.testing import People
from bangkit.dataimport.resolvers import BankResolver, RegionQuery, RegionResolver, choice_value, country_code
from bangkit.regions.models import Region, RegionLevel
from bangkit.registry import choices


@pytest.fixture
def second_tarus(people: People) -> Region:
    """Another village called Tarus, in Kecamatan Alak of Kota Kupang."""
    return Region.objects.create(
        code="53.71.01.1009", name="Tarus", level=RegionLevel.VILLAGE, parent=people.regions["53.71.01"]
    )


def resolve(**query: str) -> tuple[str | None, str]:
    answer = RegionResolver().resolve(RegionQuery(**query))
    return answer.code, answer.problem


@pytest.mark.parametrize("code", ["53.01.08.1007", "5301081007", " 5301081007 "])
def test_it_finds_a_region_by_code(people: People, code: str) -> None:
    assert resolve(code=code) == ("53.01.08.1007", "")


def test_it_accepts_a_regency_or_district_but_not_a_province(people: People) -> None:
    assert resolve(code="5301") == ("53.01", "")
    assert resolve(code="53.01.08") == ("53.01.08", "")
    assert resolve(code="53") == (None, "too_coarse")


def test_it_reports_unknown_and_malformed_codes(people: People) -> None:
    assert resolve(code="53.01.08.9999") == (None, "unknown")
    assert resolve(code="53-01-08") == (None, "invalid_code")


def test_it_finds_a_village_by_names(people: People, second_tarus: Region) -> None:
    assert resolve(village="Tarus", district="Kupang Tengah", regency="Kabupaten Kupang") == ("53.01.08.1007", "")
    assert resolve(village="Desa Tarus", district="Kec. Kupang Tengah", regency="Kab. Kupang") == ("53.01.08.1007", "")
    assert resolve(village="TARUS", regency="Kota Kupang") == ("53.71.01.1009", "")
    assert resolve(village="Mundakjaya") == ("32.12.04.2013", "")


def test_it_reports_an_ambiguous_name_with_its_candidates(people: People, second_tarus: Region) -> None:
    answer = RegionResolver().resolve(RegionQuery(village="Tarus"))
    assert (answer.code, answer.problem) == (None, "ambiguous")
    assert "53.01.08.1007" in answer.message
    assert "53.71.01.1009" in answer.message
    assert "Kupang Tengah" in answer.message
    assert "Alak" in answer.message
    # "Kupang" alone is Kabupaten Kupang or Kota Kupang.
    assert resolve(village="Tarus", regency="Kupang") == (None, "ambiguous")
    assert resolve(regency="Kupang") == (None, "ambiguous")


def test_it_reports_unknown_names(people: People) -> None:
    assert resolve(village="Atlantis", district="Kupang Tengah") == (None, "unknown")
    answer = RegionResolver().resolve(RegionQuery(village="Tarus", district="Cikedung"))
    assert answer.problem == "unknown"
    assert "53.01.08.1007" in answer.message


def test_it_looks_regions_up_in_batches(people: People, second_tarus: Region, django_assert_max_num_queries) -> None:
    resolver = RegionResolver()
    queries = [RegionQuery(village="Tarus", district="Kupang Tengah"), RegionQuery(code="3212042013")] * 50
    for query in queries:
        resolver.want(query)
    with django_assert_max_num_queries(4):
        resolver.fetch()
        answers = {resolver.resolve(query).code for query in queries}
    assert answers == {"53.01.08.1007", "32.12.04.2013"}


@pytest.mark.parametrize(
    ("written", "code"),
    [("002", "002"), ("2", "002"), ("BRI", "002"), ("bank bri", "002"), ("Bank Rakyat Indonesia", "002"),
     ("PT Bank Negara Indonesia (Persero) Tbk", "009"), ("Bank NTT", "130"), ("mandiri", "008")],
)  # fmt: skip
def test_it_finds_banks_by_code_or_name(people: People, written: str, code: str) -> None:
    assert BankResolver().resolve(written) == (code, "")


def test_it_reports_unknown_banks(people: People) -> None:
    assert BankResolver().resolve("Bank Antah Berantah")[0] is None
    assert BankResolver().resolve("999")[0] is None


@pytest.mark.parametrize(
    ("written", "code"),
    [("Malaysia", "MY"), ("Arab Saudi", "SA"), ("Saudi Arabia", "SA"), ("Hongkong", "HK"), ("Hong Kong", "HK"),
     ("Taiwan", "TW"), ("Singapura", "SG"), ("Korea Selatan", "KR"), ("MY", "MY"), ("MYS", "MY"), ("UEA", "AE")],
)  # fmt: skip
def test_it_finds_countries_in_indonesian_and_english(written: str, code: str) -> None:
    assert country_code(written) == code


def test_it_reads_choices_by_label_code_or_synonym() -> None:
    assert choice_value(choices.DepartureRoute, "Non Prosedural") == "non_procedural"
    assert choice_value(choices.DepartureRoute, "Resmi") == "procedural"
    assert choice_value(choices.ReturnMode, "Deportasi") == "deported"
    assert choice_value(choices.WorkSector, "PRT") == "domestic_work"
    assert choice_value(choices.WorkSector, "Domestic worker") == "domestic_work"
    assert choice_value(choices.ReferredBy, "BP2MI") == "bp3mi"
    assert choice_value(choices.DepartureRoute, "lewat laut") is None
