"""Reading one cell: identifiers that a spreadsheet may have turned into numbers, codes, and plain text.

A 16-digit NIK or a long account number typed into a number cell loses digits: Excel keeps 15 significant
digits and shows the rest as zeros or in scientific notation (`5,30108E+15`); a CSV saved from it keeps what was
shown. Such a value is refused with a message saying so, never "repaired": the missing digits cannot be known.
A number that still holds every digit (an integer-valued cell written by a tool that keeps them all, or
`5301084107900001.0`) is accepted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.core.exceptions import ServiceError
from bangkit.regions.nik import NIK_LENGTH
from bangkit.registry.services.bank_accounts import normalise_account_number

# Integers up to this are exact in a double; above it, a float cannot be trusted to the last digit.
EXACT_FLOAT_LIMIT = 2**53
# Excel keeps this many significant digits of a number.
EXCEL_DIGITS = 15

SCIENTIFIC = re.compile(r"([+-]?)(\d+)(?:[.,](\d*))?[eE]([+-]?\d+)")
_FLOAT_TAIL = re.compile(r"(\d+)[.,]0+")
_SPACES = re.compile(r"\s+")


class CellError(ValueError):
    """The cell cannot be used; `message` says why and what to do."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as one line of text: spaces collapsed; whole numbers without `.0`; dates as dd-mm-yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < EXACT_FLOAT_LIMIT else repr(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d-%m-%Y")
    text = str(value).strip()
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\xa0" in text:
        text = _SPACES.sub(" ", text)
    return text


def _lost_digits_message(what: Any) -> str:
    return _(
        "%(what)s tersimpan sebagai angka sehingga sebagian digitnya hilang (mis. 5,30108E+15). Ubah format "
        "kolom menjadi Teks, lalu ketik ulang nilainya persis seperti di dokumen."
    ) % {"what": what}


def _scientific_digits(match: re.Match[str]) -> tuple[str, int]:
    """(the integer written in scientific notation, how many significant digits its mantissa shows)."""
    sign, whole, fraction, exponent = match.groups()
    mantissa = (whole + (fraction or "")).lstrip("0")
    try:
        number = Decimal(f"{sign}{whole}.{fraction or '0'}e{exponent}")
    except InvalidOperation:
        return "", 0
    if number != number.to_integral_value() or number < 0:
        return "", 0
    return str(int(number)), len(mantissa)


def nik_cell(value: object, *, what: Any = None) -> tuple[str, list[str]]:
    """The NIK (or another 16-digit number such as the KK, named by `what`) in a cell, as text for `parse_nik`
    (which checks the rest), with warnings; CellError when a spreadsheet lost some of its digits. '' for an empty
    cell."""
    if is_blank(value):
        return "", []
    what = _l("NIK") if what is None else what
    if isinstance(value, bool):
        raise CellError(_("%(what)s harus 16 angka.") % {"what": what}, code="nik_format")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_lost_digits_message(what), code="nik_lost_digits")
        if abs(value) >= EXACT_FLOAT_LIMIT:
            raise CellError(_lost_digits_message(what), code="nik_lost_digits")
        digits = str(int(value))
        significant = len(digits.rstrip("0"))
        if len(digits) != NIK_LENGTH or significant < EXCEL_DIGITS:
            raise CellError(_lost_digits_message(what), code="nik_lost_digits")
        if significant == EXCEL_DIGITS:
            return digits, [
                _(
                    "%(what)s tersimpan sebagai angka dan berakhir dengan 0: Excel hanya menyimpan 15 digit, jadi "
                    "digit terakhir mungkin hasil pembulatan. Cocokkan dengan dokumennya."
                )
                % {"what": what}
            ]
        return digits, []
    raw = text(value)
    compact = raw.replace(" ", "")
    if match := SCIENTIFIC.fullmatch(compact):
        digits, significant = _scientific_digits(match)
        if significant < NIK_LENGTH or len(digits) != NIK_LENGTH:
            raise CellError(_lost_digits_message(what), code="nik_lost_digits")
        return digits, []
    if (match := _FLOAT_TAIL.fullmatch(compact)) and len(match[1]) >= EXCEL_DIGITS:
        if len(match[1]) != NIK_LENGTH:
            raise CellError(_lost_digits_message(what), code="nik_lost_digits")
        return match[1], []
    return raw, []


def account_cell(value: object) -> tuple[str, list[str]]:
    """The digits of an account number in a cell, with warnings; CellError when they cannot be trusted."""
    if is_blank(value):
        return "", []
    if isinstance(value, int | float) and not isinstance(value, bool):
        if (isinstance(value, float) and not value.is_integer()) or not 0 <= value < 10**EXCEL_DIGITS:
            raise CellError(_lost_digits_message(_("Nomor rekening")), code="account_lost_digits")
        try:
            digits = normalise_account_number(str(int(value)))
        except ServiceError as error:
            raise CellError(error.message, code="account_format") from error
        return digits, [
            _(
                "Nomor rekening tersimpan sebagai angka: angka 0 di depannya, bila ada, sudah hilang. Cocokkan "
                "dengan buku tabungan."
            )
        ]
    try:
        return normalise_account_number(text(value)), []
    except ServiceError as error:
        code = "account_lost_digits" if SCIENTIFIC.fullmatch(text(value).replace(" ", "")) else "account_format"
        raise CellError(error.message, code=code) from error


def number_text(value: object) -> str:
    """A phone number or code in a cell: a whole number without `.0`, text as written."""
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_FLOAT_LIMIT:
        return str(int(value))
    return text(value)


def yes(value: object) -> bool:
    """Whether a cell says yes: Ya, Y, Yes, Benar, Sudah, 1, True, ✓, x."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    return text(value).lower().rstrip(".") in {"ya", "y", "yes", "benar", "sudah", "sesuai", "1", "true", "✓", "v", "x"}
