"""The registry's pure rules, without a database, each in this one place: used by the services (one record at a
time; forms and the API go through them) and by the spreadsheet import (`bangkit/dataimport`, 10,000 rows a
second), so that both refuse the same things with the same words.

The checks that need the database (a NIK already registered, overlapping stays) stay in the services; the NIK's own
rules live in `bangkit/regions/nik.py`, the account number's in `services/bank_accounts.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.core.exceptions import ServiceError
from bangkit.registry.choices import DEBARKATION_POINTS, TravelDocument

# --- phones ---------------------------------------------------------------------------------------------------

# What people type between the digits of a phone number; an international number keeps its leading "+".
PHONE_SEPARATORS = re.compile(r"[\s.\-()/]+")
PHONE = re.compile(r"\+?[0-9]{8,15}")


def clean_phone_number(value: str) -> str:
    """The number without separators, or ServiceError on `number` unless it has 8–15 digits."""
    number = PHONE_SEPARATORS.sub("", value or "")
    if not PHONE.fullmatch(number):
        raise ServiceError(_("Nomor telepon harus 8–15 angka."), field="number")
    return number


# --- family card ----------------------------------------------------------------------------------------------

KK_DIGITS = 16
# What people type between the digits of a KK number, as of a NIK: "5301 0812 3456 0001".
KK_SEPARATORS = re.compile(r"[\s.\-]+")


def clean_kk_number(value: str) -> str:
    """The family card number without separators, or ServiceError on `kk_number` unless it has 16 digits."""
    digits = KK_SEPARATORS.sub("", value or "")
    if not (digits.isascii() and digits.isdigit() and len(digits) == KK_DIGITS):
        raise ServiceError(_("Nomor KK harus 16 angka."), field="kk_number")
    return digits


# --- ages -----------------------------------------------------------------------------------------------------

# An age someone gives instead of a birth date, in whole years.
MIN_ESTIMATED_AGE = 0
MAX_ESTIMATED_AGE = 120


def estimated_age_valid(age: int) -> bool:
    return MIN_ESTIMATED_AGE <= age <= MAX_ESTIMATED_AGE


def estimated_birth_date(age: int, *, today: date | None = None) -> date:
    """A birth date for someone who knows only their age: 1 July, the middle of the year they were born in."""
    today = today or timezone.localdate()
    return date(today.year - age, 7, 1)


# --- stays abroad ---------------------------------------------------------------------------------------------

# A migration stay records a stay abroad: never in this country.
HOME_COUNTRY = "ID"


def debarkation_point(value: str) -> str:
    """`  nunukan ` → `Nunukan`: a known point as it is spelt in the suggestions, anything else as typed."""
    text = " ".join((value or "").split())
    return next((point for point in DEBARKATION_POINTS if point.lower() == text.lower()), text)


def stay_country_problem(country: str) -> str | None:
    """Why `country` (an ISO code) cannot be a stay's destination, as said to someone choosing it; None if it can."""
    if not country:
        return _("Pilih negara tujuan.")
    if country == HOME_COUNTRY:
        return _("Riwayat migrasi mencatat tinggal di luar negeri: pilih negara selain Indonesia.")
    return None


def stay_date_problems(
    *,
    departed_on: date | None,
    returned_on: date | None,
    birth_date: date | None,
    birth_date_estimated: bool,
    today: date,
) -> list[tuple[str, str]]:
    """(field, message) for each date of a stay abroad that cannot be right: in the future, before an exactly known
    birth date, or a return before the departure."""
    problems: list[tuple[str, str]] = []
    for field, label, day in (
        ("departed_on", _l("Tanggal berangkat"), departed_on),
        ("returned_on", _l("Tanggal kembali"), returned_on),
    ):
        if day is None:
            continue
        if day > today:
            problems.append((field, _("%(label)s tidak boleh di masa depan.") % {"label": label}))
        elif birth_date and day < birth_date and not birth_date_estimated:
            problems.append((field, _("%(label)s tidak boleh sebelum tanggal lahir.") % {"label": label}))
    if departed_on and returned_on and returned_on < departed_on:
        problems.append(("returned_on", _("Tanggal kembali tidak boleh sebelum tanggal berangkat.")))
    return problems


def documents_held_problem(documents: Iterable[str]) -> str | None:
    """ "No document" excludes every other travel document; None if the choice is consistent."""
    held = set(documents)
    if TravelDocument.NONE in held and len(held) > 1:
        return _("“Tanpa dokumen” tidak dapat dipilih bersama dokumen lain.")
    return None
