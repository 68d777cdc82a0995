"""Inserting (and updating) many rows at once, the way bench/seeding.py's "raw COPY" baseline does: COPY on PostgreSQL,
executemany on SQLite. Values must already be in the form the column takes (strings, numbers, booleans, dates,
bytes, None); callers prepare anything else with the field's `get_db_prep_save` once. Used for staged import rows
and for derived search tokens, of which an import or a region load writes hundreds of thousands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

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


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Sets `fields` of many rows to values of their own; `rows` are (primary key, value, ...) in the order of
    `fields`, values prepared as for `insert_rows`. Where `bulk_update` builds one CASE per field and batch (its
    cost grows with the batch), this is an executemany by primary key on SQLite and, on PostgreSQL, a COPY into a
    temporary table and one UPDATE ... FROM. No signals. Returns how many rows were given."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key = quote(str(model._meta.pk.column))
    columns = [quote(column) for column in column_names(model, fields)]
    total = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote(f"staged_{model._meta.db_table}")
            listed = ", ".join([key, *columns])
            empty_copy = f"SELECT {listed} FROM {table} WITH NO DATA"  # noqa: S608 - names from the model
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS {empty_copy}")
            with cursor.cursor.copy(f"COPY {staging} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
            assignments = ", ".join(f"{column} = staged.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staging} AS staged WHERE {table}.{key} = staged.{key}"  # noqa: S608
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names from the model
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                cursor.executemany(sql, [(*values, pk) for pk, *values in batch])
                total += len(batch)
    return total
