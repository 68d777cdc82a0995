"""People at national scale: the scoped, filtered person list and the exact NIK search, as full requests in process,
against the bare SQL each runs, on BENCH_PEOPLE generated people with a phone and a case each (default 1,000,000).

The list is what a Kabupaten Kupang case worker opens: their jurisdiction, women, a name prefix, fifty newest first.
The NIK search is the API's POST /api/v1/people/search/. Targets: list p95 ≤ 50 ms, NIK search p95 ≤ 20 ms.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench.common import describe_machine, measure, summarise, temporary_database

NAME = "registry_people"
REQUESTS = 200
WARMUP = 20
TIME_LIMIT_SECONDS = 60.0
LIST_TARGET_P95_MS = 50.0
SEARCH_TARGET_P95_MS = 20.0
NAME_PREFIXES = ("maria", "yohanes", "agustina", "petrus", "yuliana", "m", "ma", "se", "an", "ndun")


def run_benchmark() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
    from bangkit.accounts.roles import Role
    from bangkit.regions.loading import load_regions
    from bench.population import generate_people
    from bench.seeding import load_people

    count = int(os.environ.get("BENCH_PEOPLE", "1000000"))
    with temporary_database() as database:
        load_regions()
        organisation = Organisation.objects.create(
            name="LKS Rumah Perempuan Kupang", kind=OrganisationKind.LKS, region_id="53.01"
        )
        user = User.objects.create_user(
            email="bench@bangkit.invalid", password=None, full_name="Bench", organisation=organisation
        )
        Grant.objects.create(user=user, role=Role.CASE_WORKER, region_id="53.01")
        started = time.monotonic()
        # A tenth of the people live in Kabupaten Kupang, the rest all over Indonesia, registered in no particular
        # order (as over the years): Kupang's people are spread over the whole id range, not its oldest tenth.
        kupang = list(generate_people(count // 10, seed=1, region_prefix="53.01"))
        kupang_niks = {person.nik for person in kupang}
        people = kupang + [
            person for person in generate_people(count - count // 10, seed=2) if person.nik not in kupang_niks
        ]
        random.Random(NAME).shuffle(people)
        load_people(people, organisation_id=organisation.pk)
        niks = [person.nik for person in kupang]
        seed_seconds = time.monotonic() - started

        client = Client()
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        list_urls = [f"/registry/people/?sex=F&name={prefix}" for prefix in NAME_PREFIXES]
        search_bodies = [{"nik": nik} for nik in niks[: count // 10 : max(1, count // 10 // 500)]]

        def open_list(url: str) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def search(body: dict[str, str]) -> None:
            response = api.post("/api/v1/people/search/", body, format="json")
            assert response.status_code == 200, response.content
            assert len(response.json()) == 1, response.content

        def captured(action: Any, argument: Any, marker: str) -> str:
            """The SQL of the request's main query, as sent (the raw baseline runs exactly that)."""
            with CaptureQueriesContext(connection) as queries:
                action(argument)
            return next(query["sql"] for query in queries.captured_queries if marker in query["sql"])

        # The raw baseline runs the same queries in the same rotation as the full requests.
        list_sqls = [captured(open_list, url, "registry_personnametoken") for url in list_urls]
        search_sqls = [captured(search, body, "nik_index") for body in search_bodies[:20]]

        def raw(sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        list_full = summarise(
            measure(open_list, list_urls, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS)
        )
        list_raw = summarise(measure(raw, list_sqls, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS))
        search_full = summarise(
            measure(search, search_bodies, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS)
        )
        search_raw = summarise(measure(raw, search_sqls, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS))
        machine = describe_machine(database)

    vendor = database.vendor
    passed = list_full["p95_ms"] <= LIST_TARGET_P95_MS and search_full["p95_ms"] <= SEARCH_TARGET_P95_MS
    result = {
        "name": NAME,
        "result_name": f"{NAME}_{vendor}",
        "people": len(people),
        "seed_seconds": round(seed_seconds, 1),
        "seed_people_per_second": round(len(people) / seed_seconds),
        "list": {"full_request": list_full, "raw_sql": list_raw, "ratio_p95": _ratio(list_full, list_raw)},
        "nik_search": {
            "full_request": search_full,
            "raw_sql": search_raw,
            "ratio_p95": _ratio(search_full, search_raw),
        },
        "targets": {"list_p95_ms": LIST_TARGET_P95_MS, "nik_search_p95_ms": SEARCH_TARGET_P95_MS},
        "passed": passed,
        "machine": machine,
    }
    print(
        f"{NAME}: {len(people):,} people on {vendor} (seeded in {seed_seconds:.0f} s)\n"
        f"  person list p95 {list_full['p95_ms']} ms (raw SQL {list_raw['p95_ms']} ms, ×{_ratio(list_full, list_raw)})"
        f" target ≤ {LIST_TARGET_P95_MS} ms\n"
        f"  NIK search p95 {search_full['p95_ms']} ms (raw SQL {search_raw['p95_ms']} ms,"
        f" ×{_ratio(search_full, search_raw)}) target ≤ {SEARCH_TARGET_P95_MS} ms"
    )
    return result


def _ratio(full: dict[str, float], raw: dict[str, float]) -> float:
    return round(full["p95_ms"] / raw["p95_ms"], 1) if raw["p95_ms"] else 0.0
