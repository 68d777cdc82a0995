from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangkit.regions.models import Region, search_key
from bangkit.regions.selectors import (
    region_children,
    region_path,
    region_paths,
    region_search,
    regions_within,
    search_query_error,
)

pytestmark = pytest.mark.usefixtures("small_regions")


def codes(query: str, **options) -> list[str]:
    return [match.code for match in region_search(query, **options)]


def test_it_finds_a_name_by_the_start_of_any_word():
    # Nusa Tenggara Barat and Timur, Kupang Tengah, Ja'an Tengah: all by a later word, higher levels first.
    assert codes("teng") == ["52", "53", "53.01.08", "52.04.20.2002"]
    assert "53.01.08" in codes("kupang teng")


def test_it_ranks_exact_then_name_start_then_word_start_and_higher_levels_first():
    assert codes("kupang") == ["53.01", "53.71", "53.01.05", "53.01.08"]
    assert codes("tarus") == ["53.01.08.1007", "52.04.20.2001"]
    assert codes("cikedung") == ["32.12.04", "32.12.04.2001"]


def test_it_finds_regencies_without_their_kabupaten_or_kota_prefix_and_with_it():
    assert codes("indra") == ["32.12"]
    assert codes("kabupaten ku") == ["53.01"]
    assert codes("kota kupang") == ["53.71"]


def test_it_ignores_case_accents_apostrophes_and_extra_spaces():
    assert codes("  TARUS ") == codes("tarus")
    assert codes("Tàrus")[0] == "53.01.08.1007"
    assert codes("jaan") == codes("ja'an") == codes("ja an") == ["52.04.20.2002"]
    assert search_key("Ja’an  Tengah") == "ja an tengah"


def test_it_finds_by_code_prefix_exact_code_first():
    assert codes("53.01") == ["53.01", "53.01.05", "53.01.08", "53.01.05.2001", "53.01.08.1007", "53.01.08.2003"]
    assert codes("32.12.04.2013") == ["32.12.04.2013"]
    assert codes("53.") == ["53.01", "53.71", "53.01.05", "53.01.08", "53.71.01", "53.01.05.2001",
                            "53.01.08.1007", "53.01.08.2003", "53.71.01.1001"]  # fmt: skip


def test_it_filters_by_level_and_within():
    assert codes("kupang", level=3) == ["53.01.05", "53.01.08"]
    assert codes("kupang", level=[1, 2]) == ["53.01", "53.71"]
    assert codes("ta", within=["53.01"]) == ["53.01.05.2001", "53.01.08.1007"]
    assert codes("ta", within=["52", "53.01.08"]) == ["53.01.08.1007", "52.04.20.2001"]
    assert codes("tarus", within=[]) == []
    assert codes("tarus", level=[]) == []


def test_it_cuts_at_the_limit_after_ranking():
    assert codes("53", limit=2) == ["53", "53.01"]


def test_it_shows_each_match_with_its_ancestors_in_two_queries():
    with CaptureQueriesContext(connection) as queries:
        [tarus] = region_search("tarus", within=["53"])
    assert len(queries) == 2
    assert tarus.label == "Tarus — Kupang Tengah, Kabupaten Kupang, Nusa Tenggara Timur"
    assert [ancestor.code for ancestor in tarus.ancestors] == ["53", "53.01", "53.01.08"]
    assert tarus.parent_code == "53.01.08"
    assert tarus.level_label == "Desa/Kelurahan"


def test_it_refuses_queries_too_short_or_too_long():
    assert search_query_error("t") == "Ketik minimal 2 huruf atau angka dari nama atau kode wilayah."
    assert search_query_error("!?") is not None
    assert search_query_error("x" * 61) == "Paling banyak 60 karakter."
    assert search_query_error("ta") is None
    assert region_search("t") == []


def test_it_lists_children_by_name():
    assert [region.code for region in region_children(None)] == ["32", "52", "53"]
    assert [region.name for region in region_children("53.01")] == ["Kupang Barat", "Kupang Tengah"]
    assert list(region_children("53.01.08.1007")) == []


def test_it_gives_paths_for_known_codes_only():
    province = region_path("53")
    assert province is not None
    assert province.label == "Nusa Tenggara Timur"
    assert region_path("99.99") is None
    assert list(region_paths(["53.71", "nope", "53.71"])) == ["53.71"]


def test_it_selects_regions_within_codes():
    assert sorted(regions_within(["53.71"]).values_list("code", flat=True)) == ["53.71", "53.71.01", "53.71.01.1001"]
    assert not regions_within([]).exists()
    assert Region.objects.count() == 21
