"""Which column is which: one declarative table of the headers district offices use, in Indonesian and English.

A header is compared by its search key (lower case, accents and punctuation dropped, a trailing note in
brackets ignored): "No. KTP", "No KTP" and "no ktp (16 digit)" are one header. Unknown columns are ignored and
listed in the preview; two columns meaning the same thing are a file error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.regions.models import search_key


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # how the template and the messages name it
    synonyms: tuple[str, ...]
    identifier: bool = False  # its values are masked in problems and reports
    # The template's header: the first synonym.

    @property
    def template_header(self) -> str:
        return self.synonyms[0]


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name", _l("Nama lengkap"), ("Nama Lengkap", "Nama", "Nama Penerima", "Nama Peserta", "Name", "Full name")
    ),
    Column("other_names", _l("Nama lain"), ("Nama Lain", "Alias", "Nama Panggilan", "Other names", "Alias name")),
    Column(
        "nik",
        _l("NIK"),
        (
            "NIK",
            "No. KTP",
            "No KTP",
            "Nomor KTP",
            "NIK KTP",
            "Nomor NIK",
            "No NIK",
            "Nomor Induk Kependudukan",
            "National ID number",
            "ID number",
        ),
        identifier=True,
    ),
    Column(
        "kk_number",
        _l("Nomor KK"),
        ("No KK", "No. KK", "Nomor KK", "Nomor Kartu Keluarga", "No Kartu Keluarga", "KK", "Family card number"),
        identifier=True,
    ),
    Column("sex", _l("Jenis kelamin"), ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Sex", "Gender")),
    Column(
        "birth_date",
        _l("Tanggal lahir"),
        ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir", "Tgl Lhr", "Date of birth", "Birth date", "DOB"),
    ),
    Column(
        "birth_place_date",
        _l("Tempat, tanggal lahir"),
        ("Tempat Tanggal Lahir", "Tempat, Tgl Lahir", "TTL", "Tempat/Tgl Lahir", "Place and date of birth"),
    ),
    Column("age", _l("Umur"), ("Umur", "Usia", "Umur (tahun)", "Age")),
    Column(
        "region_code",
        _l("Kode wilayah"),
        (
            "Kode Wilayah",
            "Kode Desa",
            "Kode Kelurahan",
            "Kode Desa/Kelurahan",
            "Kode Wilayah Kemendagri",
            "Region code",
            "Village code",
        ),
    ),
    Column(
        "village",
        _l("Desa/kelurahan"),
        ("Desa/Kelurahan", "Desa", "Kelurahan", "Desa Kelurahan", "Kel/Desa", "Village"),
    ),
    Column("district", _l("Kecamatan"), ("Kecamatan", "Kec", "Kec.", "District", "Subdistrict", "Sub-district")),
    Column(
        "regency",
        _l("Kabupaten/kota"),
        ("Kabupaten/Kota", "Kabupaten", "Kab/Kota", "Kab", "Kota/Kabupaten", "Regency", "City", "Regency/City"),
    ),
    Column("street", _l("Alamat"), ("Alamat", "Alamat Jalan", "Alamat Lengkap", "Jalan", "Address", "Street")),
    Column(
        "phone",
        _l("Nomor HP"),
        (
            "No HP",
            "No. HP",
            "Nomor HP",
            "HP",
            "No Telp",
            "No. Telp",
            "Telepon",
            "Nomor Telepon",
            "No WA",
            "WhatsApp",
            "Phone",
            "Mobile",
            "Phone number",
        ),
        identifier=True,
    ),
    Column("bank", _l("Bank"), ("Bank", "Nama Bank", "Kode Bank", "Sandi Bank", "Bank name", "Bank code")),
    Column(
        "account_number",
        _l("Nomor rekening"),
        (
            "No Rekening",
            "No. Rekening",
            "Nomor Rekening",
            "No Rek",
            "No. Rek",
            "Rekening",
            "Account number",
            "Bank account",
        ),
        identifier=True,
    ),
    Column(
        "holder_name",
        _l("Nama pemilik rekening"),
        (
            "Nama Pemilik Rekening",
            "Nama Pemilik",
            "Atas Nama",
            "Nama Rekening",
            "a.n. Rekening",
            "Account holder",
            "Account name",
        ),
    ),
    Column(
        "country",
        _l("Negara tujuan"),
        ("Negara Tujuan", "Negara", "Negara Penempatan", "Negara Tujuan Kerja", "Destination country", "Country"),
    ),
    Column(
        "city", _l("Kota di luar negeri"), ("Kota Tujuan", "Kota Penempatan", "Kota di Luar Negeri", "Destination city")
    ),
    Column(
        "work_sector",
        _l("Sektor kerja"),
        ("Sektor Kerja", "Pekerjaan", "Jenis Pekerjaan", "Pekerjaan di Luar Negeri", "Work sector", "Occupation"),
    ),
    Column("employer", _l("Majikan"), ("Majikan", "Nama Majikan", "Perusahaan", "Employer")),
    Column(
        "recruiting_agency",
        _l("Agen perekrut"),
        ("Agen Perekrut", "Agen", "P3MI", "PPTKIS", "PJTKI", "Perusahaan Penempatan", "Recruiting agency", "Agency"),
    ),
    Column(
        "departure_route",
        _l("Jalur"),
        ("Jalur", "Jalur Keberangkatan", "Jalur Berangkat", "Prosedural", "Departure route", "Route"),
    ),
    Column(
        "departed_on",
        _l("Tanggal berangkat"),
        ("Tgl Berangkat", "Tanggal Berangkat", "Tgl. Berangkat", "Departure date", "Departed on"),
    ),
    Column(
        "returned_on",
        _l("Tanggal pulang"),
        (
            "Tgl Pulang",
            "Tanggal Pulang",
            "Tgl. Pulang",
            "Tgl Kembali",
            "Tanggal Kembali",
            "Tanggal Kepulangan",
            "Return date",
            "Returned on",
        ),
    ),
    Column(
        "return_mode",
        _l("Cara pulang"),
        ("Cara Pulang", "Cara Kembali", "Cara Kepulangan", "Jenis Pemulangan", "Return mode"),
    ),
    Column(
        "debarkation_point",
        _l("Titik debarkasi"),
        ("Titik Debarkasi", "Debarkasi", "Pelabuhan Debarkasi", "Debarkation point"),
    ),
    Column(
        "referred_by", _l("Dirujuk oleh"), ("Dirujuk Oleh", "Rujukan Dari", "Sumber Rujukan", "Pengirim", "Referred by")
    ),
    Column("confirm", _l("Konfirmasi"), ("Konfirmasi", "Konfirmasi NIK", "Sudah Dicek KTP", "Confirmed", "Confirm")),
)
# Numbering and remarks columns: known, deliberately not imported, and not worth a mention.
SILENT_HEADERS = ("No", "No.", "No Urut", "Nomor Urut", "#", "Keterangan", "Ket", "Catatan", "Remarks", "Notes")

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
IDENTIFIER_KEYS = frozenset(column.key for column in COLUMNS if column.identifier)
STAY_KEYS = (
    "country",
    "city",
    "work_sector",
    "employer",
    "recruiting_agency",
    "departure_route",
    "departed_on",
    "returned_on",
    "return_mode",
    "debarkation_point",
    "referred_by",
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")


def header_key(text: str) -> str:
    """`No. KTP (16 digit)*` → `no ktp`."""
    return search_key(_BRACKETS.sub(" ", text))


_SYNONYMS: dict[str, str] = {}
for _column in COLUMNS:
    for _synonym in _column.synonyms:
        _key = header_key(_synonym)
        assert _SYNONYMS.get(_key, _column.key) == _column.key, f"header {_synonym!r} means two columns"
        _SYNONYMS[_key] = _column.key
_SILENT = frozenset(header_key(header) for header in SILENT_HEADERS)


@dataclass
class HeaderMatch:
    """What each column of a header row means."""

    positions: dict[str, int] = field(default_factory=dict)  # column key → index in the row
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written in the file
    ignored: list[str] = field(default_factory=list)  # headers not recognised, as written
    clashes: list[tuple[str, list[str]]] = field(default_factory=list)  # column key, headers meaning it

    @property
    def recognised(self) -> int:
        return len(self.positions)

    def problems(self) -> list[str]:
        """What makes the file unusable as a whole, as messages."""
        messages = [
            _("Kolom %(headers)s sama-sama berarti “%(label)s”; hapus atau ganti nama salah satunya.")
            % {"headers": ", ".join(f"“{header}”" for header in headers), "label": COLUMNS_BY_KEY[key].label}
            for key, headers in self.clashes
        ]
        if "full_name" not in self.positions:
            messages.append(_("Tidak ada kolom nama (mis. “Nama” atau “Nama Lengkap”)."))
        if not {"region_code", "village", "district", "regency"} & set(self.positions):
            messages.append(
                _(
                    "Tidak ada kolom wilayah: tambahkan “Kode Wilayah”, atau “Desa/Kelurahan” dengan “Kecamatan” "
                    "dan “Kabupaten/Kota”."
                )
            )
        return messages


def match_headers(cells: Sequence[object]) -> HeaderMatch:
    match = HeaderMatch()
    found: dict[str, list[tuple[int, str]]] = {}
    for position, cell in enumerate(cells):
        written = str(cell).strip() if cell is not None else ""
        if not written:
            continue
        key = header_key(written)
        column = _SYNONYMS.get(key)
        if column is None:
            if key not in _SILENT:
                match.ignored.append(written)
            continue
        found.setdefault(column, []).append((position, written))
    for column, places in found.items():
        if len(places) > 1:
            match.clashes.append((column, [written for _position, written in places]))
        match.positions[column] = places[0][0]
        match.headers[column] = places[0][1]
    return match


def looks_like_header(cells: Sequence[object]) -> bool:
    """A row naming at least two known columns, one of them the name: the header, below any title rows."""
    match = match_headers(cells)
    return match.recognised >= 2 and "full_name" in match.positions
