from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from bangkit.regions.loading import EXPECTED_COUNTS, REGION_DATA_VERSION, RegionDataError, load_regions
from bangkit.regions.models import Region, RegionToken, TokenKind
from bangkit.regions.selectors import region_search
from bangkit.regions.tests.conftest import SMALL_COUNTS, SMALL_DATA, WriteData


def _counts() -> dict[int, int]:
    return dict(Region.objects.order_by().values_list("level").annotate(number=Count("code")))


def test_it_loads_every_level_with_parents_and_search_names(small_regions):
    assert small_regions.total_created == 21
    assert small_regions.created == SMALL_COUNTS
    assert _counts() == SMALL_COUNTS
    tarus = Region.objects.get(code="53.01.08.1007")
    assert (tarus.name, tarus.level, tarus.parent_id, tarus.search_name) == ("Tarus", 4, "53.01.08", "tarus")
    assert Region.objects.get(code="53").parent_id is None
    assert RegionToken.objects.filter(kind=TokenKind.CODE).count() == 21


def test_it_writes_nothing_the_second_time(small_regions, write_data: WriteData):
    tokens = RegionToken.objects.count()

    again = load_regions(data_dir=write_data(SMALL_DATA), expected=SMALL_COUNTS)

    assert (again.total_created, again.total_updated, again.tokens_written) == (0, 0, 0)
    assert again.unchanged == SMALL_COUNTS
    assert RegionToken.objects.count() == tokens
    assert _counts() == SMALL_COUNTS


def test_it_updates_a_renamed_region_and_its_search_tokens(small_regions, write_data: WriteData):
    renamed = {**SMALL_DATA, "villages": [("53.01.08.1007", "53.01.08", "Tarus Baru"), *SMALL_DATA["villages"][1:]]}

    report = load_regions(data_dir=write_data(renamed), expected=SMALL_COUNTS)

    assert report.updated == {1: 0, 2: 0, 3: 0, 4: 1}
    assert Region.objects.get(code="53.01.08.1007").search_name == "tarus baru"
    assert [match.code for match in region_search("baru")] == ["53.01.08.1007"]


def test_it_reports_codes_the_data_no_longer_holds_and_keeps_them(small_regions, write_data: WriteData):
    Region.objects.create(code="53.01.08.9999", name="Desa Lama", level=4, parent_id="53.01.08")

    report = load_regions(data_dir=write_data(SMALL_DATA), expected=SMALL_COUNTS)

    assert report.obsolete == ["53.01.08.9999"]
    assert Region.objects.filter(code="53.01.08.9999").exists()


def test_it_refuses_data_whose_counts_differ_and_changes_nothing(db, write_data: WriteData):
    with pytest.raises(RegionDataError, match="Desa/Kelurahan: 9, seharusnya 10"):
        load_regions(data_dir=write_data(SMALL_DATA), expected={**SMALL_COUNTS, 4: 10})
    assert not Region.objects.exists()


def test_it_refuses_a_row_without_a_parent(db, write_data: WriteData):
    broken = {**SMALL_DATA, "districts": [("53.01.08", "", "Kupang Tengah"), *SMALL_DATA["districts"][1:]]}

    with pytest.raises(RegionDataError, match=r"districts\.csv\.gz baris 2"):
        load_regions(data_dir=write_data(broken), expected=SMALL_COUNTS)


@pytest.mark.parametrize("code", ["53.01.8", "53.01.080", "53.02.08"])
def test_it_refuses_a_code_not_shaped_as_kemendagri_gives_it(db, write_data: WriteData, code: str) -> None:
    """Jurisdictions are matched by code prefix: 53.01.080 would fall inside 53.01.08's."""
    broken = {**SMALL_DATA, "districts": [(code, "53.01", "Kupang Tengah"), *SMALL_DATA["districts"][1:]]}

    with pytest.raises(RegionDataError, match=rf"districts\.csv\.gz baris 2: kode {code}"):
        load_regions(data_dir=write_data(broken), expected=SMALL_COUNTS)
    assert not Region.objects.exists()


def test_it_gives_tokens_to_regions_that_have_none(small_regions, write_data: WriteData):
    RegionToken.objects.filter(region_id="53.01.08.1007").delete()

    report = load_regions(data_dir=write_data(SMALL_DATA), expected=SMALL_COUNTS)

    assert report.total_updated == 0
    assert report.tokens_written == 2
    assert region_search("tarus", level=4)[0].code == "53.01.08.1007"


def test_it_keeps_tokens_in_step_when_a_region_is_saved(small_regions):
    tarus = Region.objects.get(code="53.01.08.1007")
    tarus.name = "Tarus Indah"
    tarus.save()

    assert [match.code for match in region_search("indah")] == ["53.01.08.1007"]
    assert sorted(
        bytes(token) for token in RegionToken.objects.filter(region=tarus).values_list("token", flat=True)
    ) == [
        b"53.01.08.1007",
        b"indah",
        b"tarus indah",
    ]


def test_it_loads_all_vendored_regions_twice_with_the_same_counts(db):
    out = io.StringIO()
    call_command("load_regions", stdout=out)

    assert _counts() == dict(EXPECTED_COUNTS) == {1: 38, 2: 514, 3: 7_285, 4: 83_762}
    assert Region.objects.get(code="53.01.08.1007").name == "Tarus"
    assert Region.objects.get(code="32.12.04.2013").name == "Mundakjaya"
    assert Region.objects.get(code="32.12.04").parent_id == "32.12"
    text = out.getvalue()
    assert "Desa/Kelurahan: 83762 baru, 0 diperbarui, 0 tetap." in text
    assert f"idn-area-data {REGION_DATA_VERSION}" in text
    assert "ODbL" in text
    assert "tidak ada dalam data" not in text
    tokens = Counter(RegionToken.objects.values_list("kind", flat=True))

    again = io.StringIO()
    call_command("load_regions", stdout=again)

    assert _counts() == dict(EXPECTED_COUNTS)
    assert "Desa/Kelurahan: 0 baru, 0 diperbarui, 83762 tetap." in again.getvalue()
    assert Counter(RegionToken.objects.values_list("kind", flat=True)) == tokens
    assert [match.code for match in region_search("mundak")] == ["32.12.04.2013"]
