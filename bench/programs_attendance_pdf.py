"""The printable attendance list (daftar hadir) of a session with 250 participants, as a case worker downloads it,
against the least a PDF of the same rows can cost.

BENCH_ATTENDANCE_PEOPLE (250, the Kupang event of 2019) people of Kabupaten Kupang are registered and enrolled.
Each sample is a whole request through the test client: login session, scoping, the query, ReportLab's flowing
table with a repeated header, page numbers "Halaman X dari Y" (which lays the document out twice) and the audit
record. Baseline: the same names and villages read with one raw SQL query and drawn line by line on a ReportLab
canvas, with a page break every 40 rows: no table layout, no header, no totals.

    python -m bench programs_attendance_pdf
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench programs_attendance_pdf

Target: ≤ 2 s per list (p95).
"""

from __future__ import annotations

import io
import os
from typing import Any

from bench.common import describe_machine, measure, summarise, temporary_database
from bench.events import make_kupang_event

NAME = "programs_attendance_pdf"
PEOPLE = int(os.environ.get("BENCH_ATTENDANCE_PEOPLE", "250"))
SAMPLES = 10
TARGET_P95_MS = 2_000
ROWS_PER_PAGE = 40


def _raw_pdf(connection: Any, event_id: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.full_name, r.name FROM programs_enrolment e JOIN registry_person p ON p.id = e.person_id "
            "JOIN regions_region r ON r.code = p.region_id WHERE e.event_id = %s AND e.state = 'enrolled' "
            "ORDER BY p.full_name",
            [event_id],
        )
        rows = cursor.fetchall()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number, (name, village) in enumerate(rows, start=1):
        line = (number - 1) % ROWS_PER_PAGE
        if number > 1 and line == 0:
            canvas.showPage()
        y = A4[1] - 60 - line * 19
        canvas.drawString(40, y, f"{number}. {name} — {village}")
        canvas.line(40, y - 6, A4[0] - 40, y - 6)
    canvas.save()
    return buffer.getvalue()


def run_benchmark() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bangkit.programs import services
    from bangkit.regions.loading import load_regions
    from bangkit.registry.models import Person
    from bench.seeding import seed_people

    with temporary_database() as database:
        load_regions()
        kupang = make_kupang_event(capacity=PEOPLE)
        seed_people(PEOPLE, organisation_id=kupang.organisation.pk, seed=5, region_prefix="53.01")
        result = services.enrol_people(actor=kupang.worker, event=kupang.event, people=list(Person.objects.all()))
        if len(result.enrolled) != PEOPLE:
            raise AssertionError(f"enrolled {len(result.enrolled)} of {PEOPLE}")
        session = kupang.event.sessions.get()
        client = Client()
        client.force_login(kupang.worker)
        url = reverse("programs:session_attendance_list_pdf", args=[session.pk])
        sizes: list[int] = []

        def download(_: object) -> None:
            response = client.get(url)
            if response.status_code != 200 or response["Content-Type"] != "application/pdf":
                raise AssertionError(f"{url} answered {response.status_code}")
            sizes.append(len(response.content))

        samples = measure(download, [None], count=SAMPLES, warmup=1, time_limit=120)
        raw_samples = measure(lambda _: _raw_pdf(connection, kupang.event.pk), [None], count=SAMPLES, warmup=1)
        machine = describe_machine(database)
        machine["load_average"] = [round(value, 1) for value in os.getloadavg()]
        vendor = connection.vendor

    figures, raw = summarise(samples), summarise(raw_samples)
    result_figures = {
        "name": NAME,
        "result_name": NAME if vendor == "sqlite" else f"{NAME}.{vendor}",
        "machine": machine,
        "people": PEOPLE,
        "pdf_kb": round(sizes[-1] / 1024),
        "request": figures,
        "raw_canvas": raw,
        "ratio_to_raw_canvas": round(figures["p95_ms"] / raw["p95_ms"], 1),
        "target_p95_ms": TARGET_P95_MS,
        "passed": figures["p95_ms"] <= TARGET_P95_MS,
    }
    print(
        f"{NAME}: {machine['database']['vendor']} {machine['database']['version']}, {machine['cpu']}\n"
        f"  attendance list of {PEOPLE} ({result_figures['pdf_kb']} KB): p50 {figures['p50_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms; raw canvas p95 {raw['p95_ms']:.0f} ms; "
        f"ratio {result_figures['ratio_to_raw_canvas']}×\n"
        f"  target p95 ≤ {TARGET_P95_MS:,} ms: {'PASS' if result_figures['passed'] else 'FAIL'}"
    )
    return result_figures
