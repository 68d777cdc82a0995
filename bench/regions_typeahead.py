"""Region type-ahead: the full API request against the bare SQL it runs, on all 91,599 regions.

The full request goes through every middleware, session and authentication, throttling, the selector and the
serializer, in process with Django's test client; the bare SQL is the same statements the search executes,
run with cursor.execute. Target: p95 of the full request ≤ 10 ms.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import describe_machine, measure, summarise, temporary_database

NAME = "regions_typeahead"
URL = "/api/v1/regions/search/"
# What people type: village, regency and district names as first letters or words, and code prefixes.
QUERIES = (
    "tar",
    "kupang",
    "mundak",
    "cik",
    "53.01",
    "teng",
    "tarus",
    "sumber",
    "jaya",
    "indramayu",
    "kupang teng",
    "32.12.04",
    "ma",
    "lombok",
    "su",
)
REQUESTS = 300
WARMUP = 30
TIME_LIMIT_SECONDS = 60.0
TARGET_P95_MS = 10.0


def run_benchmark() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bangkit.accounts.models import Organisation, OrganisationKind, User
    from bangkit.regions.loading import load_regions
    from bangkit.regions.selectors import region_search

    with temporary_database() as database:
        started = time.monotonic()
        report = load_regions()
        load_seconds = time.monotonic() - started
        organisation = Organisation.objects.create(
            name="LKS Rumah Perempuan Kupang", kind=OrganisationKind.LKS, region_id="53.01"
        )
        user = User.objects.create_user(
            email="bench@bangkit.invalid",
            password=None,
            full_name="Bench",
            organisation=organisation,
        )
        client = Client()
        client.force_login(user)

        statements: dict[str, list[str]] = {}
        for query in QUERIES:
            with CaptureQueriesContext(connection) as captured:
                region_search(query)
            statements[query] = [entry["sql"] for entry in captured.captured_queries]

        def full_request(query: str) -> None:
            response = client.get(URL, {"q": query})
            if response.status_code != 200 or not response.json():
                raise AssertionError(f"{query!r}: {response.status_code} {response.content[:200]!r}")

        def bare_sql(query: str) -> None:
            with connection.cursor() as cursor:
                for sql in statements[query]:
                    cursor.execute(sql)
                    cursor.fetchall()

        full = summarise(measure(full_request, QUERIES, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS))
        bare = summarise(measure(bare_sql, QUERIES, count=REQUESTS, warmup=WARMUP, time_limit=TIME_LIMIT_SECONDS))
        machine = describe_machine(database)

    passed = full["p95_ms"] <= TARGET_P95_MS
    vendor = machine["database"]["vendor"]
    result = {
        "name": NAME,
        # SQLite, the embedded default, keeps the plain name; another database gets its own file.
        "result_name": NAME if vendor == "sqlite" else f"{NAME}.{vendor}",
        "machine": machine,
        "queries": list(QUERIES),
        "load_regions_seconds": round(load_seconds, 2),
        "regions": sum(report.created.values()) + sum(report.unchanged.values()),
        "search_tokens": report.tokens_written,
        "full_request": full,
        "bare_sql": bare,
        "ratio_p50": round(full["p50_ms"] / bare["p50_ms"], 1),
        "ratio_p95": round(full["p95_ms"] / bare["p95_ms"], 1),
        "target_p95_ms": TARGET_P95_MS,
        "passed": passed,
    }
    _print(result)
    return result


def _print(result: dict[str, Any]) -> None:
    machine, full, bare = result["machine"], result["full_request"], result["bare_sql"]
    print(f"{NAME}: {machine['database']['vendor']} {machine['database']['version']}, {machine['cpu']}, "
          f"{machine['cores']} cores, {machine['memory_gib']} GiB, {machine['python']}")  # fmt: skip
    print(f"  load_regions     {result['load_regions_seconds']:.1f} s for {result['regions']:,} regions")
    for label, numbers in (("full request", full), ("bare SQL", bare)):
        print(
            f"  {label:<16} p50 {numbers['p50_ms']:7.3f} ms  p95 {numbers['p95_ms']:7.3f} ms  ({numbers['count']} runs)"
        )
    print(f"  full / bare      p50 {result['ratio_p50']}×   p95 {result['ratio_p95']}×")
    verdict = "PASS" if result["passed"] else "FAIL"
    print(f"  target p95 ≤ {result['target_p95_ms']:g} ms: {verdict}")
