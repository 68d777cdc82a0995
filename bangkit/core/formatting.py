"""Numbers as Indonesians write them, in every language of the interface."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal


def rupiah(amount: Any) -> str:
    """900000 → `Rp 900.000`, grouped as in Indonesian (Babel, id_ID); `-` for no amount."""
    if amount in (None, ""):
        return "-"
    return f"Rp {format_decimal(int(amount), locale='id_ID')}"
