"""Pure checks of the registry's rules, without a database: shared by the services (one record at a time) and the
spreadsheet import (`bangkit/dataimport`, 10,000 rows a second), so that both refuse the same things with the
same words.

Written for the import from the rules of `services/people.py` (`phone_save`) and `services/migration.py`
(`_check`); those services may call these instead of their own copies.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.core.exceptions import ServiceError

# What people type between the digits of a phone number; an international number keeps its leading "+".
PHONE_SEPARATORS = re.compile(r"[\s.\-()/]+")
PHONE = re.compile(r"\+?[0-9]{8,15}")


def clean_phone_number(value: str) -> str:
    """The number without separators, or ServiceError on `number` unless it has 8–15 digits."""
    number = PHONE_SEPARATORS.sub("", value or "")
    if not PHONE.fullmatch(number):
        raise ServiceError(_("Nomor telepon harus 8–15 angka."), field="number")
    return number


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
