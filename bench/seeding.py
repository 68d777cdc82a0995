"""Loads synthetic people, their phones and their cases straight into the tables, for benchmarks at national scale.

Values are prepared by the model fields themselves (`get_db_prep_save`), so NIKs, KK and phone numbers are really
encrypted and their blind indexes really computed, exactly as the application writes them; only the per-row
services (validation, duplicate checks, history) are skipped. PostgreSQL is fed with COPY, SQLite with
executemany in one transaction. The same loader is the "raw COPY" baseline of the import benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models, transaction

from bangkit.core.fields import BlindIndexField
from bench.population import SyntheticPerson, generate_people

_NOW = datetime(2025, 1, 1, tzinfo=UTC)


def bulk_load(model: type[models.Model], rows: Iterable[dict[str, Any]], *, columns: Sequence[str]) -> int:
    """Inserts `rows` (attribute name → Python value) into `model`'s table; returns how many. No signals, no history."""
    from bangkit.core.bulk import insert_rows

    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in columns]
    prepared: Iterator[list[Any]] = (
        [field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in rows
    )
    with transaction.atomic():
        return insert_rows(model, columns, prepared)


def reset_sequence(model: type[models.Model]) -> None:
    """After explicit ids, PostgreSQL's sequence must continue past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _person_row(pk: int, person: SyntheticPerson, organisation_id: int) -> dict[str, Any]:
    from bangkit.regions.models import search_key

    return {
        "id": pk,
        "created_at": _NOW,
        "updated_at": _NOW,
        "full_name": person.full_name,
        "other_names": "",
        "search_name": search_key(person.full_name),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_date_estimated": False,
        "nik": person.nik,
        "nik_index": None,  # filled below from `nik`, as BlindIndexField.pre_save does
        "nik_conflict_confirmed": False,
        "kk_number": person.kk,
        "kk_index": None,
        "region_id": person.village_code,
        "street": "",
        "marital_status": person.marital_status,
        "education": "unknown",
        "disabilities": [],
        "photo": "",
        "deceased_on": None,
        "organisation_id": organisation_id,
        "registered_on": date(2024, 1, 1),
        "merged_into_id": None,
    }


def seed_people(count: int, *, organisation_id: int, seed: int = 0, region_prefix: str | None = None) -> list[str]:
    """Loads `count` people with one phone and one case each; returns their NIKs (for exact-search benchmarks)."""
    return load_people(
        list(generate_people(count, seed=seed, region_prefix=region_prefix)), organisation_id=organisation_id
    )


def load_people(generated: Sequence[SyntheticPerson], *, organisation_id: int) -> list[str]:
    """Loads these people, in this order, with one phone and one case each; returns their NIKs."""
    from bangkit.cases.models import Case
    from bangkit.regions.models import search_key
    from bangkit.registry.models import Person, PersonNameToken, Phone

    start = (Person.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
    nik_index = cast(BlindIndexField, Person._meta.get_field("nik_index"))
    kk_index = cast(BlindIndexField, Person._meta.get_field("kk_index"))
    phone_index = cast(BlindIndexField, Phone._meta.get_field("number_index"))

    def people_rows() -> Iterator[dict[str, Any]]:
        for offset, person in enumerate(generated):
            row = _person_row(start + offset, person, organisation_id)
            row["nik_index"] = nik_index.index_for(person.nik)
            row["kk_index"] = kk_index.index_for(person.kk)
            yield row

    person_columns = list(_person_row(0, generated[0], 0)) if generated else []
    bulk_load(Person, people_rows(), columns=person_columns)
    PersonNameToken.objects.insert(
        (start + offset, search_key(person.full_name), person.village_code) for offset, person in enumerate(generated)
    )
    bulk_load(
        Phone,
        (
            {
                "created_at": _NOW,
                "updated_at": _NOW,
                "person_id": start + offset,
                "number": person.phone,
                "number_index": phone_index.index_for(person.phone),
                "label": "own",
                "is_whatsapp": True,
            }
            for offset, person in enumerate(generated)
        ),
        columns=["created_at", "updated_at", "person_id", "number", "number_index", "label", "is_whatsapp"],
    )
    states = ("referral_received", "assessment", "intervention_plan", "intervention", "monitoring")
    bulk_load(
        Case,
        (
            {
                "created_at": _NOW,
                "updated_at": _NOW,
                "person_id": start + offset,
                "number": f"BENCH-{start + offset:09d}",
                "category": "kpo" if offset % 3 == 0 else "pmi_b",
                "referral_source": "bp3mi",
                "organisation_id": organisation_id,
                "case_worker_id": None,
                "region_id": person.village_code[:5],
                "priority": "normal",
                "state": states[offset % len(states)],
                "state_changed_at": _NOW,
                "opened_on": date(2024, 1, 1),
                "closed_on": None,
                "closure_reason": "",
                "closure_note": "",
            }
            for offset, person in enumerate(generated)
        ),
        columns=[
            "created_at",
            "updated_at",
            "person_id",
            "number",
            "category",
            "referral_source",
            "organisation_id",
            "case_worker_id",
            "region_id",
            "priority",
            "state",
            "state_changed_at",
            "opened_on",
            "closed_on",
            "closure_reason",
            "closure_note",
        ],
    )
    for model in (Person, Phone, Case):
        reset_sequence(model)
    if connection.vendor == "postgresql":
        # Statistics and visibility map as autovacuum keeps them on a live database (index-only scans need it).
        # VACUUM cannot run inside a transaction (a test's): statistics alone then.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return [person.nik for person in generated]
