"""NIK (Nomor Induk Kependudukan) parsing, validation, masking and building.

A NIK is ``PP RR DD ddmmyy SSSS``: the province, regency and district where it was first issued (it does not change
when the person moves), the birth date with 40 added to the day for women, and a serial from 0001. There is no
checksum, so a typo that keeps this layout cannot be caught; `nik_matches` catches the ones that contradict the
sex or birth date entered beside it.

Input is what a field worker copies from a KTP or its photocopy: surrounding whitespace, and spaces, dots and dashes
inside (people group it as ``5301 0841 0790 0001`` or ``53.01.08.410790.0001``), are removed. Anything else, such as
the letter O typed for a zero or non-ASCII digits, is refused rather than guessed.

Everything here is pure, so the registry, importers and the benchmark generator share one decoder without a
database; only `known_district_in_db` reads the Region table, and it imports the model when called.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Sex = Literal["F", "M"]
NikErrorCode = Literal["length", "digits", "region_zero", "date", "serial"]

NIK_LENGTH: Final = 16
FEMALE_DAY_OFFSET: Final = 40

# Separators a field worker types or a copy-paste brings in: whitespace (incl. no-break space), dot, hyphen, en dash.
_SEPARATORS = re.compile(r"[\s.\-\u2013]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")
_DISTRICT_CODE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{2})")

# Regencies renumbered when Papua and Papua Barat were split in 2022 (UU 14, 15, 16 and 29 Tahun 2022). NIKs
# issued before keep the old code for life, so these are valid and only worth a note naming the current code.
FORMER_REGENCY_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "91.01": "93.01",  # Merauke
        "91.02": "95.01",  # Jayawijaya
        "91.04": "94.01",  # Nabire
        "91.07": "94.02",  # Puncak Jaya
        "91.08": "94.03",  # Paniai
        "91.09": "94.04",  # Mimika
        "91.12": "95.02",  # Pegunungan Bintang
        "91.13": "95.03",  # Yahukimo
        "91.14": "95.04",  # Tolikara
        "91.16": "93.02",  # Boven Digoel
        "91.17": "93.03",  # Mappi
        "91.18": "93.04",  # Asmat
        "91.21": "95.05",  # Mamberamo Tengah
        "91.22": "95.06",  # Yalimo
        "91.23": "95.07",  # Lanny Jaya
        "91.24": "95.08",  # Nduga
        "91.25": "94.05",  # Puncak
        "91.26": "94.06",  # Dogiyai
        "91.27": "94.07",  # Intan Jaya
        "91.28": "94.08",  # Deiyai
        "92.01": "96.01",  # Sorong
        "92.04": "96.02",  # Sorong Selatan
        "92.05": "96.03",  # Raja Ampat
        "92.09": "96.04",  # Tambrauw
        "92.10": "96.05",  # Maybrat
        "92.71": "96.71",  # Kota Sorong
    }
)


def _interpolate_now(message: StrOrPromise, params: Mapping[str, object]) -> str:
    return message % params


# Interpolates when the message is displayed, so it comes out in the reader's language, not the parser's.
_interpolate = lazy(_interpolate_now, str)


class InvalidNik(ValueError):
    """The value cannot be a NIK. `code` is for machines, `message` (translated) for the person who typed it."""

    def __init__(self, code: NikErrorCode, message: StrOrPromise) -> None:
        super().__init__(message)
        self.code: NikErrorCode = code
        self.message = message


@dataclass(frozen=True, slots=True)
class NikInfo:
    nik: str  # the 16 digits, separators removed
    province_code: str  # "53"
    regency_code: str  # "53.01"
    district_code: str  # "53.01.08"
    birth_date: date
    sex: Sex
    serial: int
    # Reasons to double-check a NIK that is still accepted, e.g. a region code from before a split.
    warnings: tuple[StrOrPromise, ...] = ()


def normalize_nik(value: str) -> str:
    """The value without the separators a person may type; not validated."""
    return _SEPARATORS.sub("", value)


def parse_nik(value: str, *, today: date | None = None, known_district: Callable[[str], bool] | None = None) -> NikInfo:
    """Decode and validate a NIK, raising `InvalidNik` when it cannot be one.

    The two-digit birth year is read as the latest year that puts the birth date on or before `today`, so anyone
    younger than 100 decodes correctly. `known_district` tells whether a dotted district code exists now; without
    it the region is not looked up. An unknown or renumbered region is a warning, never an error, because a NIK
    keeps the code of the region where it was first issued.
    """
    nik = normalize_nik(value)
    if not _ASCII_DIGITS.fullmatch(nik):
        # Naming the offending character points at the usual culprit, the letter O typed for a zero.
        stray = next(char for char in nik if not "0" <= char <= "9")
        raise InvalidNik("digits", _interpolate(_('NIK hanya boleh berisi angka, bukan "%(char)s".'), {"char": stray}))
    if len(nik) != NIK_LENGTH:
        raise InvalidNik("length", _interpolate(_("NIK harus 16 digit, bukan %(count)d."), {"count": len(nik)}))

    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province == "00":
        raise InvalidNik("region_zero", _("Kode provinsi pada NIK (digit 1–2) tidak boleh 00."))
    if regency == "00":
        raise InvalidNik("region_zero", _("Kode kabupaten/kota pada NIK (digit 3–4) tidak boleh 00."))
    if district == "00":
        raise InvalidNik("region_zero", _("Kode kecamatan pada NIK (digit 5–6) tidak boleh 00."))

    birth_date, sex = _decode_birth(nik[6:12], today or date.today())
    serial = int(nik[12:16])
    if serial == 0:
        raise InvalidNik("serial", _("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000."))

    regency_code = f"{province}.{regency}"
    district_code = f"{regency_code}.{district}"
    return NikInfo(
        nik=nik,
        province_code=province,
        regency_code=regency_code,
        district_code=district_code,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
        warnings=_region_warnings(regency_code, district_code, known_district),
    )


def _decode_birth(ddmmyy: str, today: date) -> tuple[date, Sex]:
    day, month, year = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex: Sex = "F" if day > FEMALE_DAY_OFFSET else "M"
    if sex == "F":
        day -= FEMALE_DAY_OFFSET
    if not 1 <= day <= 31:
        raise InvalidNik(
            "date",
            _interpolate(
                _(
                    "Tanggal lahir pada NIK (digit 7–8) harus 01–31 untuk laki-laki atau 41–71 untuk perempuan, "
                    "bukan %(day)s."
                ),
                {"day": ddmmyy[0:2]},
            ),
        )
    if not 1 <= month <= 12:
        raise InvalidNik(
            "date",
            _interpolate(_("Bulan lahir pada NIK (digit 9–10) harus 01–12, bukan %(month)s."), {"month": ddmmyy[2:4]}),
        )
    # Latest century first: someone born in '05 is far likelier to be 20 than 120.
    latest = today.year - today.year % 100 + year
    for candidate in (latest, latest - 100):
        try:
            born = date(candidate, month, day)
        except ValueError:
            continue
        if born <= today:
            return born, sex
    raise InvalidNik(
        "date",
        _interpolate(
            _("Tanggal lahir pada NIK tidak ada di kalender: %(date)s."), {"date": f"{day:02d}-{month:02d}-{year:02d}"}
        ),
    )


def _region_warnings(
    regency_code: str, district_code: str, known_district: Callable[[str], bool] | None
) -> tuple[StrOrPromise, ...]:
    if regency_code in FORMER_REGENCY_CODES:
        message = _(
            "Kode kabupaten %(old)s pada NIK berasal dari sebelum pemekaran wilayah; kini %(new)s. NIK tetap berlaku."
        )
        return (_interpolate(message, {"old": regency_code, "new": FORMER_REGENCY_CODES[regency_code]}),)
    if known_district is not None and not known_district(district_code):
        message = _(
            "Kode kecamatan %(code)s pada NIK tidak ada dalam data wilayah saat ini, mungkin kode lama sebelum "
            "pemekaran. Periksa kembali; bila sama dengan KTP, NIK tetap berlaku."
        )
        return (_interpolate(message, {"code": district_code}),)
    return ()


def nik_matches(info: NikInfo, *, birth_date: date | None, sex: str | None) -> list[StrOrPromise]:
    """What the entered sex and birth date contradict in the NIK; empty when they agree or were not entered.

    Only day, month and two-digit year are compared, since the NIK holds no century.
    """
    mismatches: list[StrOrPromise] = []
    if sex is not None and sex != info.sex:
        if info.sex == "F":
            mismatches.append(_("Jenis kelamin tidak cocok dengan NIK: hari lahir pada NIK ditambah 40 (perempuan)."))
        else:
            mismatches.append(
                _("Jenis kelamin tidak cocok dengan NIK: hari lahir pada NIK tidak ditambah 40 (laki-laki).")
            )
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    ):
        mismatches.append(
            _interpolate(
                _("Tanggal lahir tidak cocok dengan NIK, yang menunjukkan %(date)s."),
                {"date": info.birth_date.strftime("%d-%m-%Y")},
            )
        )
    return mismatches


def mask_nik(nik: str) -> str:
    """``5301084107900001`` → ``5301********0001``: the regency and serial stay visible to tell records apart."""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


def build_nik(district_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """The NIK for a dotted district code ("53.01.08"), birth date, sex and serial (1–9999)."""
    match = _DISTRICT_CODE.fullmatch(district_code)
    if match is None or "00" in match.groups():
        raise ValueError(f"not a district code: {district_code!r}")
    if sex not in ("F", "M"):
        raise ValueError(f"sex must be 'F' or 'M', not {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1–9999, not {serial}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "F" else 0)
    return f"{''.join(match.groups())}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def known_district_in_db(district_code: str) -> bool:
    """Whether the Region table holds this district; pass as `parse_nik(..., known_district=known_district_in_db)`.

    One query per call, fine for a form; a bulk import should load the district codes once into a set instead.
    """
    from bangkit.regions.models import Region, RegionLevel  # here, so the pure functions import without Django set up

    return Region.objects.filter(pk=district_code, level=RegionLevel.DISTRICT).exists()
