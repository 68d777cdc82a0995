"""Dates as Indonesian district offices write them in spreadsheets, read day first and never guessed.

    13-11-2019, 13/11/2019, 13.11.2019, 13-11-19, 2019-11-13, 20191113, 13 November 2019, 13 Nop 2019,
    13-Nov-2019, November 13, 2019, an Excel date cell, or an Excel serial number (43782).

A value that could be read two ways is not read at all: `11/13/2019` (month first) is refused with a message
saying so, and a two-digit year is read as the latest year that is not in the future.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

# Excel's day 0 in the 1900 date system, one day early to absorb Excel's phantom 29 February 1900.
EXCEL_EPOCH = date(1899, 12, 30)
# 1 January 1900 and 31 December 9999 as serials; dates before 1 March 1900 are off by one in Excel itself.
EXCEL_MIN_SERIAL = 61
EXCEL_MAX_SERIAL = 2_958_465

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan januari january",
        "feb peb februari pebruari february",
        "mar maret march mrt",
        "apr april",
        "mei may",
        "jun juni june",
        "jul juli july",
        "agu agt ags agus agustus aug august",
        "sep sept september",
        "okt oktober oct october",
        "nov nop november nopember",
        "des desember dec december",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_NUMERIC = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{2}|\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_SPACES = re.compile(r"\s+")
_DATE_TIME_SPLIT = re.compile(r"[ t]")


class DateError(ValueError):
    """The value is not a date this parser reads; `message` says why, for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _make(year: int, month: int, day: int, text: str, *, year_digits: int = 4, today: date | None = None) -> date:
    """The date; a two-digit year is read as the latest century that does not put it after `today`."""
    if not 1 <= month <= 12:
        raise DateError(_("Bulan %(month)d tidak ada (tanggal “%(text)s”).") % {"month": month, "text": text})
    candidates = [year]
    if year_digits <= 2 and today is not None:
        latest = today.year - today.year % 100 + year
        candidates = [latest, latest - 100]
    found = None
    for candidate in candidates:
        try:
            found = date(candidate, month, day)
        except ValueError:
            raise DateError(_("Tanggal “%(text)s” tidak ada di kalender.") % {"text": text}) from None
        if today is None or found <= today:
            return found
    assert found is not None
    return found


def from_excel_serial(serial: float) -> date:
    """The date an Excel serial number stands for (1900 date system); the time of day, if any, is dropped."""
    if not EXCEL_MIN_SERIAL <= serial <= EXCEL_MAX_SERIAL:
        raise DateError(_("Angka %(value)s bukan tanggal Excel yang masuk akal.") % {"value": f"{serial:g}"})
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object, *, today: date | None = None) -> date | None:
    """The date in a cell, None for an empty cell, or DateError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateError(_("Bukan tanggal."))
    if isinstance(value, int | float):
        return from_excel_serial(float(value))
    text = _SPACES.sub(" ", str(value)).strip().lower()
    if not text:
        return None
    today = today or date.today()
    if _SERIAL.fullmatch(text):
        return from_excel_serial(float(text))
    if match := _COMPACT.fullmatch(text):
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    # A date-time as text ("2019-11-13 00:00:00", "13/11/2019 08.30"): the date part only.
    head = _DATE_TIME_SPLIT.split(text, maxsplit=1)[0]
    if match := _NUMERIC.fullmatch(head):
        first, second, third = match.groups()
        if len(first) == 4:  # 2019-11-13: year first, then month, then day
            return _make(int(first), int(second), int(third), text)
        if len(third) not in (2, 4):
            raise DateError(_("Tahun pada “%(text)s” harus 2 atau 4 angka.") % {"text": text})
        day, month = int(first), int(second)
        if month > 12 and day <= 12:
            raise DateError(
                _(
                    "“%(text)s” tampaknya ditulis bulan dulu (format Amerika). Tulis tanggal-bulan-tahun, "
                    "mis. 13-11-2019."
                )
                % {"text": text}
            )
        return _make(int(third), month, day, text, year_digits=len(third), today=today)
    for pattern, order in ((_DAY_MONTH_NAME, "dmy"), (_MONTH_NAME_DAY, "mdy")):
        if match := pattern.fullmatch(text):
            day_text, name, year_text = (
                (match[1], match[2], match[3]) if order == "dmy" else (match[2], match[1], match[3])
            )
            named_month = MONTHS.get(name)
            if named_month is None:
                raise DateError(_("Nama bulan “%(name)s” tidak dikenal.") % {"name": name})
            return _make(int(year_text), named_month, int(day_text), text, year_digits=len(year_text), today=today)
    raise DateError(
        _("“%(text)s” tidak terbaca sebagai tanggal; tulis mis. 13-11-2019 atau 13 November 2019.") % {"text": text}
    )
