"""Inserting many rows at once, the way bench/seeding.py's "raw COPY" baseline does: COPY on PostgreSQL,
executemany on SQLite. Values must already be in the form the column takes (strings, numbers, booleans, dates,
bytes, None); callers prepare anything else with the field's `get_db_prep_save` once. Used for staged import rows
and for derived search tokens, of which an import or a region load writes hundreds of thousands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

BATCH = 5_000


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Inserts `rows` (values in the order of `fields`) into `model`'s table; returns how many. No signals."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    quoted = ", ".join(quote(column) for column in column_names(model, fields))
    total = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                cursor.executemany(sql, batch)
                total += len(batch)
    return total
