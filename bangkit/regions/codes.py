"""The one test of whether a client sent something shaped like a Kemendagri region code.

Every region code that comes from a client (a URL, a query parameter, a form or API field) passes `is_region_code`
before it reaches the database: a malformed code can name no region, and some (a NUL character) make PostgreSQL
refuse the whole query. Paths answer 404 for a malformed code, parameters and fields a field error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 53, 53.01, 53.01.08, 53.01.08.1007: province, regency/city, district, village. ASCII digits only (`\d` would
# take other scripts' digits too).
REGION_CODE_REGEX = r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?"
_REGION_CODE = re.compile(REGION_CODE_REGEX)

# The most region codes one request may name in a `within` list. Each adds two conditions to every scan of a
# search, and SQLite refuses queries past a certain depth ("Expression tree is too large").
MAX_REGION_CODES = 50

INVALID_CODE_MESSAGE = _("Kode wilayah tidak valid; tulis seperti 53.01.08.1007.")
TOO_MANY_CODES_MESSAGE = _("Paling banyak %(max)d kode wilayah.")


def is_region_code(value: Any) -> bool:
    """Whether `value` is a string shaped like a dotted region code (it may still name no region)."""
    return isinstance(value, str) and _REGION_CODE.fullmatch(value) is not None


def validate_region_code(value: Any) -> None:
    """Django validator: a field error unless `value` is shaped like a region code."""
    if not is_region_code(value):
        raise ValidationError(INVALID_CODE_MESSAGE, code="invalid_region_code")


def parse_region_codes(value: str | Iterable[str]) -> list[str]:
    """The distinct codes of a comma-separated list (or of an iterable), sorted; a ValidationError when any is
    malformed or there are more than MAX_REGION_CODES. Blank items are skipped.
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = sorted({str(item).strip() for item in items} - {""})
    if any(not is_region_code(code) for code in codes):
        raise ValidationError(INVALID_CODE_MESSAGE, code="invalid_region_code")
    if len(codes) > MAX_REGION_CODES:
        raise ValidationError(TOO_MANY_CODES_MESSAGE, code="too_many_region_codes", params={"max": MAX_REGION_CODES})
    return codes


class RegionCodeConverter:
    """`<region_code:code>` in URL patterns: a path with a malformed code is not routed, and so answers 404."""

    regex = REGION_CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
