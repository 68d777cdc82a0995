"""Normalisers for the identifiers people type in many shapes; blind indexes hash their output (see core/fields.py).

Module-level functions because migrations refer to them by import path: renaming one is a data migration.
"""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"[^0-9]")


def phone_digits(value: str) -> str:
    """`0812-3456-789`, `+62 812 3456 789` and `628123456789` are one Indonesian number: `628123456789`.

    Numbers with another country code (a Malaysian employer's `+60…`) keep it; a bare `812…` is taken as Indonesian.
    """
    digits = _NON_DIGITS.sub("", value)
    if digits.startswith("0"):
        return "62" + digits[1:]
    if digits.startswith("8"):
        return "62" + digits
    return digits


def mask_digits(value: str, *, keep_end: int = 4) -> str:
    """`1234567890` → `******7890`: enough to tell two accounts or phones apart on a call, not to use them."""
    digits = _NON_DIGITS.sub("", value)
    if len(digits) <= keep_end:
        return "*" * len(digits)
    return "*" * (len(digits) - keep_end) + digits[-keep_end:]
