"""Reading cells and headers as district offices write them: no database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bangkit.dataimport import cells
from bangkit.dataimport.dates import DateError, parse_date
from bangkit.dataimport.headers import header_key, looks_like_header, match_headers

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13-11-2019", date(2019, 11, 13)),
        ("13/11/2019", date(2019, 11, 13)),
        ("13.11.2019", date(2019, 11, 13)),
        ("3/1/2019", date(2019, 1, 3)),
        ("13-11-19", date(2019, 11, 13)),
        ("01-07-90", date(1990, 7, 1)),
        ("2019-11-13", date(2019, 11, 13)),
        ("2019/11/13", date(2019, 11, 13)),
        ("2019-11-13 00:00:00", date(2019, 11, 13)),
        ("2019-11-13T08:30:00", date(2019, 11, 13)),
        ("20191113", date(2019, 11, 13)),
        ("13 November 2019", date(2019, 11, 13)),
        ("13 Nopember 2019", date(2019, 11, 13)),
        ("13 Nop 2019", date(2019, 11, 13)),
        ("13 nov. 2019", date(2019, 11, 13)),
        ("13-Nov-2019", date(2019, 11, 13)),
        ("2 Agt 2019", date(2019, 8, 2)),
        ("17 Agustus 1945", date(1945, 8, 17)),
        ("1 Mei 2000", date(2000, 5, 1)),
        ("5 Okt 2018", date(2018, 10, 5)),
        ("24 Des 1995", date(1995, 12, 24)),
        ("November 13, 2019", date(2019, 11, 13)),
        ("  13  November   2019 ", date(2019, 11, 13)),
        (43782, date(2019, 11, 13)),  # Excel serial
        (43782.0, date(2019, 11, 13)),
        (43782.75, date(2019, 11, 13)),  # a time of day is dropped
        ("43782", date(2019, 11, 13)),  # a serial saved to CSV as text
        (datetime(2019, 11, 13, 10, 0), date(2019, 11, 13)),  # a date-time cell
        (date(2019, 11, 13), date(2019, 11, 13)),  # a date cell
        ("", None),
        (None, None),
    ],
)
def test_it_reads_the_usual_date_forms(value: object, expected: date | None) -> None:
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("11/13/2019", "bulan dulu"),  # month first: refused, never swapped
        ("31-02-2019", "tidak ada di kalender"),
        ("13-13-2019", "Bulan 13"),
        ("13 Brumaire 2019", "tidak dikenal"),
        ("kemarin", "tidak terbaca"),
        (12, "bukan tanggal Excel"),
        (True, "Bukan tanggal"),
    ],
)
def test_it_refuses_what_it_cannot_read_for_sure(value: object, words: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value, today=TODAY)
    assert words in caught.value.message


def test_it_reads_two_digit_years_as_the_latest_past_year() -> None:
    assert parse_date("01-07-25", today=TODAY) == date(1925, 7, 1)
    assert parse_date("01-05-25", today=TODAY) == date(2025, 5, 1)
    assert parse_date("29-02-24", today=TODAY) == date(2024, 2, 29)


# --- identifiers that spreadsheets turn into numbers ----------------------------------------------------------

NIK = "5301084107900001"


@pytest.mark.parametrize(
    "value",
    [NIK, f" {NIK} ", "5301 0841 0790 0001", 5301084107900001.0, 5301084107900001, f"{NIK}.0", "5.301084107900001e+15"],
)
def test_it_accepts_a_nik_with_all_its_digits(value: object) -> None:
    text, warnings = cells.nik_cell(value)
    assert text.replace(" ", "") == NIK
    assert warnings == []


@pytest.mark.parametrize(
    "value",
    [
        "5,30108E+15",  # what Excel shows, saved to CSV
        "5.30108E+15",
        "5.30108410790001e+15",  # 15 significant digits: the 16th is lost
        5301080000000000.0,  # the float behind "5,30108E+15"
        5301084107900.0,  # leading digits lost
        "530108410790000.0",
        1e17,
    ],
)
def test_it_refuses_a_nik_whose_digits_a_spreadsheet_lost(value: object) -> None:
    with pytest.raises(cells.CellError) as caught:
        cells.nik_cell(value)
    assert caught.value.code == "nik_lost_digits"
    assert "Teks" in caught.value.message


def test_it_warns_about_a_number_nik_ending_in_zero() -> None:
    text, warnings = cells.nik_cell(5301084107900010.0)
    assert text == "5301084107900010"
    assert "15 digit" in warnings[0]


def test_it_accepts_account_numbers_typed_as_text() -> None:
    assert cells.account_cell("0123-01-000001-50-1") == ("012301000001501", [])


def test_it_warns_that_a_number_account_may_have_lost_its_leading_zeros() -> None:
    digits, warnings = cells.account_cell(123456789.0)
    assert digits == "123456789"
    assert "angka 0" in warnings[0]


@pytest.mark.parametrize("value", ["1,23457E+11", "1.23457e+11", 1.234567890123456e15, 12345.5])
def test_it_refuses_account_numbers_whose_digits_were_lost(value: object) -> None:
    with pytest.raises(cells.CellError) as caught:
        cells.account_cell(value)
    assert caught.value.code == "account_lost_digits"


def test_it_refuses_an_account_number_ending_in_point_zero() -> None:
    with pytest.raises(cells.CellError) as caught:
        cells.account_cell("123456789.0")
    assert ".0" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ya", True), ("Y", True), ("Sudah", True), (1.0, True), (True, True), ("", False), ("tidak", False)],
)
def test_it_reads_yes(value: object, expected: bool) -> None:
    assert cells.yes(value) is expected


# --- headers ---------------------------------------------------------------------------------------------------


def test_it_knows_indonesian_headers() -> None:
    match = match_headers(
        [
            "No.",
            "Nama",
            "No. KTP",
            "L/P",
            "Tgl. Lahir",
            "Desa/Kelurahan",
            "Kecamatan",
            "Kabupaten",
            "No HP",
            "Nama Bank",
            "Nomor Rekening",
            "Nama Pemilik Rekening",
            "Negara",
            "Tgl Berangkat",
            "Tgl Pulang",
            "Jalur",
            "Konfirmasi",
        ]
    )
    assert list(match.positions) == [
        "full_name",
        "nik",
        "sex",
        "birth_date",
        "village",
        "district",
        "regency",
        "phone",
        "bank",
        "account_number",
        "holder_name",
        "country",
        "departed_on",
        "returned_on",
        "departure_route",
        "confirm",
    ]
    assert match.ignored == []
    assert match.problems() == []


def test_it_knows_english_headers_and_other_spellings() -> None:
    match = match_headers(
        ["Full name", "NIK", "Sex", "Date of birth", "Region code", "Phone", "Bank code", "Account number"]
    )
    assert set(match.positions) == {
        "full_name",
        "nik",
        "sex",
        "birth_date",
        "region_code",
        "phone",
        "bank",
        "account_number",
    }
    for variant, key in [
        ("Nama Lengkap", "full_name"),
        ("No KTP", "nik"),
        ("Nomor KTP", "nik"),
        ("JK", "sex"),
        ("Jenis Kelamin", "sex"),
        ("Tanggal Lahir (dd-mm-yyyy)", "birth_date"),
        ("Kode Wilayah*", "region_code"),
        ("Telepon", "phone"),
        ("Kode Bank", "bank"),
        ("No Rekening", "account_number"),
        ("Negara Tujuan", "country"),
        ("TELEPON", "phone"),
    ]:
        assert match_headers([variant]).positions == {key: 0}, variant


def test_it_lists_unknown_headers_and_refuses_clashes() -> None:
    match = match_headers(["Nama", "Nama Lengkap", "Hobi", "Keterangan", "Desa"])
    assert match.ignored == ["Hobi"]
    assert match.clashes == [("full_name", ["Nama", "Nama Lengkap"])]
    assert "sama-sama berarti" in match.problems()[0]


def test_it_needs_a_name_and_a_region_column() -> None:
    messages = match_headers(["NIK", "JK"]).problems()
    assert len(messages) == 2


def test_it_finds_the_header_below_title_rows() -> None:
    assert not looks_like_header(["DAFTAR PENERIMA BANTUAN STIMULAN 2019", "", ""])
    assert looks_like_header(["No", "Nama", "NIK"])
    assert header_key("No. KTP (16 digit)") == "no ktp"
