"""Enrolment of an event's participants from the organiser's spreadsheet, against a raw insert of the same rows.

BENCH_ENROL_ROWS (10,000) people of Kabupaten Kupang are registered (COPY), and a CSV lists them by name and NIK,
as organisers send it. `programs.enrolment_file.enrol_from_file` reads it, finds each person through the NIK's
blind index, checks the event's rules (jurisdiction, participant region, not enrolled elsewhere in the program,
alive, not merged), enrols them in one multi-row insert and writes each enrolment's history entry. Baseline: the
same enrolment rows written with COPY/executemany (`bench.seeding.bulk_load`): no reading, no checks, no history.

    python -m bench programs_enrolment
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench programs_enrolment

Target: ≥ 5,000 rows per second end to end.
"""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import describe_machine, temporary_database
from bench.events import make_kupang_event

NAME = "programs_enrolment"
ROWS = int(os.environ.get("BENCH_ENROL_ROWS", "10000"))
TARGET_ROWS_PER_SECOND = 5_000


def _spreadsheet(niks: list[str]) -> bytes:
    from bangkit.registry.models import Person

    names = dict(Person.objects.values_list("nik_index", "full_name"))
    index = Person._meta.get_field("nik_index")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["No", "Nama Lengkap", "NIK"])
    for number, nik in enumerate(niks, start=1):
        blind_index = index.index_for(nik)
        assert blind_index is not None
        writer.writerow([number, names[blind_index], nik])
    return buffer.getvalue().encode()


def run_benchmark() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from bangkit.programs.enrolment_file import Mode, enrol_from_file
    from bangkit.programs.models import Enrolment
    from bangkit.regions.loading import load_regions
    from bangkit.registry.models import Person
    from bench.seeding import bulk_load, seed_people

    with temporary_database() as database:
        load_regions()
        kupang = make_kupang_event(capacity=ROWS)
        event, worker = kupang.event, kupang.worker
        niks = seed_people(ROWS, organisation_id=kupang.organisation.pk, seed=3, region_prefix="53.01")
        content = _spreadsheet(niks)

        upload = SimpleUploadedFile("peserta.csv", content, content_type="text/csv")
        started, cpu = time.perf_counter(), time.process_time()
        result = enrol_from_file(actor=worker, event=event, upload=upload, mode=Mode.GOOD_ROWS)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        if result.enrolled != ROWS:
            problems = [(row.line, row.problem) for row in result.problems[:5]]
            raise AssertionError(f"enrolled {result.enrolled} of {ROWS}: {problems}")

        people = list(Person.objects.order_by("id").values_list("id", flat=True))
        with transaction.atomic():
            Enrolment.objects.all().delete()
        now = datetime.now(tz=UTC)
        started = time.perf_counter()
        bulk_load(
            Enrolment,
            (
                {
                    "created_at": now,
                    "updated_at": now,
                    "event_id": event.pk,
                    "person_id": person_id,
                    "state": "enrolled",
                    "enrolled_by_id": worker.pk,
                    "withdrawn_on": None,
                    "withdrawal_reason": "",
                    "withdrawal_note": "",
                }
                for person_id in people
            ),
            columns=[
                "created_at",
                "updated_at",
                "event_id",
                "person_id",
                "state",
                "enrolled_by_id",
                "withdrawn_on",
                "withdrawal_reason",
                "withdrawal_note",
            ],
        )
        raw_seconds = time.perf_counter() - started
        machine = describe_machine(database)
        machine["load_average"] = [round(value, 1) for value in os.getloadavg()]
        vendor = connection.vendor

    rate = round(ROWS / seconds)
    raw_rate = round(ROWS / raw_seconds)
    result_figures = {
        "name": NAME,
        "result_name": NAME if vendor == "sqlite" else f"{NAME}.{vendor}",
        "machine": machine,
        "rows": ROWS,
        "file_kb": round(len(content) / 1024),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": rate,
        "raw_insert": {"seconds": round(raw_seconds, 3), "rows_per_second": raw_rate},
        "ratio_to_raw_insert": round(raw_rate / rate, 1),
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "passed": rate >= TARGET_ROWS_PER_SECOND,
    }
    print(
        f"{NAME}: {machine['database']['vendor']} {machine['database']['version']}, {machine['cpu']}\n"
        f"  {ROWS:,} rows from CSV: {rate:,} rows/s ({seconds:.2f} s, {cpu_seconds:.2f} CPU-s); "
        f"raw insert {raw_rate:,} rows/s; ratio {result_figures['ratio_to_raw_insert']}×\n"
        f"  target ≥ {TARGET_ROWS_PER_SECOND:,} rows/s: {'PASS' if result_figures['passed'] else 'FAIL'}"
    )
    return result_figures
