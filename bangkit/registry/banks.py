"""Bank Indonesia clearing codes, kept in step with the vendored list data/bank_codes.csv.

Added or renamed after every migrate, never deleted: accounts and payment files refer to them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

BANK_CODES_CSV = Path(__file__).parent / "data" / "bank_codes.csv"


def load_banks(**kwargs: Any) -> int:
    """Upserts every bank of the CSV; returns how many rows it holds. Connected to post_migrate."""
    from bangkit.registry.models import Bank

    with BANK_CODES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [
            Bank(code=row["code"], short_name=row["short_name"], name=row["name"]) for row in csv.DictReader(handle)
        ]
    Bank.objects.bulk_create(rows, update_conflicts=True, unique_fields=["code"], update_fields=["short_name", "name"])
    return len(rows)
