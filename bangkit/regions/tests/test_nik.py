from __future__ import annotations

import csv
import gzip
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bangkit.regions.models import Region, RegionLevel
from bangkit.regions.nik import (
    InvalidNik,
    build_nik,
    known_district_in_db,
    mask_nik,
    nik_matches,
    normalize_nik,
    parse_nik,
)

TODAY = date(2025, 6, 15)
DATA = Path(__file__).resolve().parents[1] / "data" / "idn-area-data-4.0.1"

# A NIK decodes to a single date only within 100 years before `today`; 36,523 days stays inside that window
# whichever leap days it spans.
WINDOW = timedelta(days=36_523)

region_part = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")
district_codes = st.builds(lambda p, r, d: f"{p}.{r}.{d}", region_part, region_part, region_part)
sexes = st.sampled_from(["F", "M"])
serials = st.integers(min_value=1, max_value=9999)


@st.composite
def todays_and_birth_dates(draw: st.DrawFn) -> tuple[date, date]:
    today = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2095, 12, 31)))
    born = draw(st.dates(min_value=today - WINDOW, max_value=today))
    return today, born


@cache
def vendored_districts() -> frozenset[str]:
    with gzip.open(DATA / "districts.csv.gz", "rt", encoding="utf-8", newline="") as file:
        return frozenset(row["code"] for row in csv.DictReader(file))


def error_code(value: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidNik) as caught:
        parse_nik(value, today=today)
    return caught.value.code


# --- the examples of DOMAIN.md -----------------------------------------------------------------------------------


def test_it_encodes_a_woman_from_kupang_tengah():
    nik = build_nik("53.01.08", date(1990, 7, 1), "F", 1)

    assert nik == "5301084107900001"
    assert nik.startswith("530108410790")
    info = parse_nik(nik, today=TODAY, known_district=vendored_districts().__contains__)
    assert info.province_code == "53"
    assert info.regency_code == "53.01"
    assert info.district_code == "53.01.08"
    assert info.birth_date == date(1990, 7, 1)
    assert info.sex == "F"
    assert info.serial == 1
    assert info.warnings == ()


def test_it_encodes_a_man_from_kupang_tengah():
    nik = build_nik("53.01.08", date(1985, 11, 13), "M", 27)

    assert nik == "5301081311850027"
    assert nik.startswith("530108131185")
    info = parse_nik(nik, today=TODAY)
    assert (info.birth_date, info.sex, info.serial) == (date(1985, 11, 13), "M", 27)


@pytest.mark.parametrize(
    ("nik", "born"),
    [
        ("3212044101050003", date(2005, 1, 1)),
        ("3212044101500003", date(1950, 1, 1)),
        ("3212041506250001", date(2025, 6, 15)),  # born today
        ("3212041606250001", date(1925, 6, 16)),  # tomorrow in 2025 is impossible, so a century earlier
        ("3212046902000001", date(2000, 2, 29)),
    ],
)
def test_it_resolves_the_century_so_the_birth_date_is_not_in_the_future(nik, born):
    assert parse_nik(nik, today=TODAY).birth_date == born


def test_it_defaults_today_to_the_real_date():
    assert parse_nik("5301084107900001").birth_date == date(1990, 7, 1)


# --- input normalisation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "  5301084107900001 ",
        "5301 0841 0790 0001",
        "53.01.08.410790.0001",
        "530108-410790-0001",
        "5301\u00a008410790\u00a00001",  # no-break spaces from a copied document
        "5301084107900001\n",
    ],
)
def test_it_removes_the_separators_a_field_worker_types(typed):
    assert parse_nik(typed, today=TODAY).nik == "5301084107900001"
    assert normalize_nik(typed) == "5301084107900001"


@pytest.mark.parametrize("typed", ["53010841O7900001", "5301084107900001x", "530108/410790/0001", "٥٣٠١٠٨٤١٠٧٩٠٠٠٠١"])
def test_it_refuses_letters_slashes_and_non_ascii_digits(typed):
    assert error_code(typed) == "digits"


@pytest.mark.parametrize("typed", ["", "   ", "530108410790001", "53010841079000011"])
def test_it_refuses_a_wrong_number_of_digits(typed):
    assert error_code(typed) == "length"


@given(st.text(alphabet="0123456789", max_size=40).filter(lambda s: len(s) != 16))
def test_it_rejects_any_digit_string_that_is_not_16_long_as_length(value):
    assert error_code(value) == "length"


@given(st.text(min_size=1).filter(lambda s: any(c not in "0123456789" for c in normalize_nik(s))))
def test_it_rejects_any_string_with_a_non_digit_as_digits(value):
    assert error_code(value) == "digits"


# --- impossible values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nik",
    ["0001084107900001", "5300084107900001", "5301004107900001"],
    ids=["province", "regency", "district"],
)
def test_it_rejects_a_zero_region_code(nik):
    assert error_code(nik) == "region_zero"


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 0
        "320190",  # day 32
        "400190",  # day 40: neither a man's day nor a woman's
        "720190",  # a woman's day 32
        "310290",  # 31 February
        "710290",  # a woman's 31 February
        "290290",  # 29 February in 1990 and 1890, neither a leap year
        "310490",  # 31 April
        "011390",  # month 13
        "010090",  # month 0
        "999999",
    ],
)
def test_it_rejects_impossible_birth_dates(ddmmyy):
    assert error_code(f"530108{ddmmyy}0001") == "date"


@given(
    st.integers(min_value=0, max_value=99).filter(lambda d: not (1 <= d <= 31 or 41 <= d <= 71)),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
)
def test_it_rejects_any_day_outside_the_mens_and_womens_ranges(day, month, year):
    assert error_code(f"530108{day:02d}{month:02d}{year:02d}0001") == "date"


@given(st.integers(min_value=13, max_value=99) | st.just(0), st.integers(min_value=0, max_value=99))
def test_it_rejects_any_month_outside_1_to_12(month, year):
    assert error_code(f"53010801{month:02d}{year:02d}0001") == "date"


@given(district_codes, st.dates(min_value=TODAY - WINDOW, max_value=TODAY), sexes)
def test_it_rejects_serial_0000(district_code, born, sex):
    nik = build_nik(district_code, born, sex, 1)[:12] + "0000"
    assert error_code(nik) == "serial"


def test_it_names_the_character_that_is_not_a_digit():
    with pytest.raises(InvalidNik) as caught:
        parse_nik("53010841O7900001", today=TODAY)

    with translation.override("id"):
        assert str(caught.value) == 'NIK hanya boleh berisi angka, bukan "O".'


def test_it_gives_a_translatable_message_with_its_code():
    with pytest.raises(InvalidNik) as caught:
        parse_nik("5301084107900", today=TODAY)

    assert isinstance(caught.value, ValueError)
    with translation.override("id"):
        assert str(caught.value.message) == "NIK harus 16 digit, bukan 13."
        assert str(caught.value) == "NIK harus 16 digit, bukan 13."


# --- round trip ---------------------------------------------------------------------------------------------------


@given(district_codes, todays_and_birth_dates(), sexes, serials)
def test_it_round_trips_any_valid_nik_through_build_and_parse(district_code, dates, sex, serial):
    today, born = dates
    nik = build_nik(district_code, born, sex, serial)
    info = parse_nik(nik, today=today)

    assert len(nik) == 16
    assert info.nik == nik
    assert info.district_code == district_code
    assert info.regency_code == district_code[:5]
    assert info.province_code == district_code[:2]
    assert info.birth_date == born
    assert info.sex == sex
    assert info.serial == serial


@given(district_codes, st.dates(min_value=TODAY - WINDOW, max_value=TODAY), serials)
def test_it_adds_40_to_the_day_for_women_only(district_code, born, serial):
    woman = build_nik(district_code, born, "F", serial)
    man = build_nik(district_code, born, "M", serial)

    assert int(woman[6:8]) == born.day + 40
    assert int(man[6:8]) == born.day
    assert woman[8:] == man[8:]
    assert parse_nik(woman, today=TODAY).sex == "F"
    assert parse_nik(man, today=TODAY).sex == "M"


@pytest.mark.parametrize(
    ("district_code", "sex", "serial"),
    [("53.1.08", "F", 1), ("53.00.08", "F", 1), ("530108", "F", 1), ("53.01.08", "X", 1), ("53.01.08", "M", 0)],
)
def test_it_refuses_to_build_from_bad_parts(district_code, sex, serial):
    with pytest.raises(ValueError, match=r"must be|not a district"):
        build_nik(district_code, date(1990, 7, 1), sex, serial)


# --- regions: warnings, not errors --------------------------------------------------------------------------------


def test_it_accepts_an_unknown_region_with_a_warning():
    info = parse_nik("9999994107900001", today=TODAY, known_district=vendored_districts().__contains__)

    assert info.district_code == "99.99.99"
    assert len(info.warnings) == 1
    with translation.override("id"):
        assert "99.99.99" in str(info.warnings[0])


def test_it_accepts_a_code_from_before_the_papua_split_with_a_warning_naming_the_current_one():
    assert "91.01.01" not in vendored_districts()
    assert "93.01.01" in vendored_districts()

    info = parse_nik("9101014107900001", today=TODAY, known_district=vendored_districts().__contains__)

    assert info.regency_code == "91.01"
    assert len(info.warnings) == 1
    with translation.override("id"):
        assert "93.01" in str(info.warnings[0])


def test_it_warns_about_a_former_code_even_without_a_region_lookup():
    assert len(parse_nik("9201014107900001", today=TODAY).warnings) == 1


def test_it_does_not_look_regions_up_unless_asked():
    assert parse_nik("9999994107900001", today=TODAY).warnings == ()


@pytest.mark.django_db
def test_it_checks_districts_against_the_region_table():
    province = Region.objects.create(code="53", name="Nusa Tenggara Timur", level=RegionLevel.PROVINCE)
    regency = Region.objects.create(code="53.01", name="Kabupaten Kupang", level=RegionLevel.REGENCY, parent=province)
    Region.objects.create(code="53.01.08", name="Kupang Tengah", level=RegionLevel.DISTRICT, parent=regency)

    assert known_district_in_db("53.01.08")
    assert not known_district_in_db("53.01")  # a regency is not a district
    assert not known_district_in_db("53.01.99")
    assert parse_nik("5301084107900001", today=TODAY, known_district=known_district_in_db).warnings == ()
    assert len(parse_nik("5301994107900001", today=TODAY, known_district=known_district_in_db).warnings) == 1


# --- registry checks and masking ----------------------------------------------------------------------------------


def test_it_finds_no_mismatch_when_sex_and_birth_date_agree():
    info = parse_nik("5301084107900001", today=TODAY)

    assert nik_matches(info, birth_date=date(1990, 7, 1), sex="F") == []
    assert nik_matches(info, birth_date=None, sex=None) == []


def test_it_flags_a_nik_that_contradicts_the_entered_sex():
    woman = parse_nik("5301084107900001", today=TODAY)
    man = parse_nik("5301081311850001", today=TODAY)

    assert len(nik_matches(woman, birth_date=None, sex="M")) == 1
    assert len(nik_matches(man, birth_date=None, sex="F")) == 1


def test_it_flags_a_nik_that_contradicts_the_entered_birth_date():
    info = parse_nik("5301084107900001", today=TODAY)

    [mismatch] = nik_matches(info, birth_date=date(1990, 1, 7), sex="F")
    with translation.override("id"):
        assert "01-07-1990" in str(mismatch)
    assert len(nik_matches(info, birth_date=date(1991, 7, 1), sex="M")) == 2


def test_it_compares_only_the_two_digit_year_the_nik_holds():
    # A centenarian's NIK decodes a century late; the entered date is still consistent with it.
    info = parse_nik("5301084107200001", today=TODAY)

    assert info.birth_date == date(2020, 7, 1)
    assert nik_matches(info, birth_date=date(1920, 7, 1), sex="F") == []


@pytest.mark.parametrize(
    ("nik", "masked"),
    [("5301084107900001", "5301********0001"), ("3212045507880123", "3212********0123"), ("12345678", "********")],
)
def test_it_masks_all_but_the_first_and_last_four_digits(nik, masked):
    assert mask_nik(nik) == masked


@given(district_codes, st.dates(min_value=TODAY - WINDOW, max_value=TODAY), sexes, serials)
def test_it_never_shows_the_birth_date_in_a_masked_nik(district_code, born, sex, serial):
    nik = build_nik(district_code, born, sex, serial)
    masked = mask_nik(nik)

    assert masked[4:12] == "*" * 8
    assert (masked[:4], masked[12:]) == (nik[:4], nik[12:])
