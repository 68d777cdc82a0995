"""The duplicate check at national scale: BENCH_DUPLICATES_INCOMING people (default 100,000) against
BENCH_DUPLICATES_REGISTERED registered (default 1,000,000), as the spreadsheet import runs it.

The registered people come from all over Indonesia (bench/population.py), with a phone and a case each. The incoming
ones are new people from all over Indonesia, plus a planted share of registered people typed again as a district
office would: without their NIK, the name misspelt (Yohanes/Johanes, a letter dropped), the same birth date and
village. The figure is the matcher's wall time for the whole batch (`DuplicateMatcher` with the import's chunk
size), and how many of the planted duplicates it found.

The raw baseline is one pass of bare SQL over the registry's blocking columns (id, region, birth date, name key):
what reading the registry once costs, the least any check of an unsorted batch against it must do.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench registry_duplicates

Target: ≤ 60 s for 100,000 against 1,000,000.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench.common import describe_machine, temporary_database

NAME = "registry_duplicates"
INCOMING = int(os.environ.get("BENCH_DUPLICATES_INCOMING", "100000"))
REGISTERED = int(os.environ.get("BENCH_DUPLICATES_REGISTERED", "1000000"))
PLANTED_SHARE = 0.05
TARGET_SECONDS = 60.0


def misspelt(name: str, rng: random.Random) -> str:
    """The name as another clerk types it: an old-spelling variant, or one letter dropped from a long word."""
    for old, new in (("Y", "J"), ("oe", "u"), ("u", "oe"), ("i", "y"), ("th", "t")):
        if old in name and rng.random() < 0.5:
            return name.replace(old, new, 1)
    words = name.split()
    longest = max(range(len(words)), key=lambda index: len(words[index]))
    word = words[longest]
    if len(word) > 4:
        cut = rng.randrange(1, len(word) - 1)
        words[longest] = word[:cut] + word[cut + 1 :]
    return " ".join(words)


def incoming_people(registered_niks: set[str], planted: int, fresh: int) -> tuple[list[Any], set[int]]:
    """The incoming batch, shuffled, and the positions of the planted duplicates in it."""
    from bangkit.registry.matching import IncomingPerson
    from bench.population import generate_people

    rng = random.Random(NAME)
    records: list[tuple[bool, IncomingPerson]] = []
    # The first people of the registered population (same generator, same seed) come again, typed differently.
    for person in generate_people(planted, seed=2):
        record = IncomingPerson(
            full_name=misspelt(person.full_name, rng),
            birth_date=person.birth_date,
            sex=person.sex,
            region_code=person.village_code,
        )
        records.append((True, record))
    for person in generate_people(fresh + fresh // 10, seed=7):
        if len(records) == planted + fresh:
            break
        if person.nik in registered_niks:
            continue
        record = IncomingPerson(
            full_name=person.full_name,
            birth_date=person.birth_date,
            sex=person.sex,
            region_code=person.village_code,
            nik=person.nik,
            kk=person.kk,
            phones=(person.phone,),
        )
        records.append((False, record))
    rng.shuffle(records)
    return [record for _planted, record in records], {index for index, (was, _r) in enumerate(records) if was}


def raw_scan() -> tuple[int, float]:
    from django.db import connection

    started = time.perf_counter()
    rows = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute("SELECT id, region_id, birth_date, search_name FROM registry_person")
        while batch := cursor.fetchmany(10_000):
            rows += len(batch)
    return rows, time.perf_counter() - started


def run_benchmark() -> dict[str, Any]:
    from bangkit.accounts.models import Organisation, OrganisationKind
    from bangkit.dataimport.checking import MATCH_CHUNK_ROWS, MATCH_REGENCY_QUERIES
    from bangkit.regions.loading import load_regions
    from bangkit.registry.matching import DuplicateMatcher
    from bench.registry_import import peak_mb, reset_peak, rss_mb
    from bench.seeding import seed_people

    with temporary_database() as database:
        load_regions()
        organisation = Organisation.objects.create(
            name="Direktorat (bench)", kind=OrganisationKind.KEMENSOS_UNIT, region_id="31.71"
        )
        started = time.perf_counter()
        registered_niks = set(seed_people(REGISTERED, organisation_id=organisation.pk, seed=2))
        seed_seconds = time.perf_counter() - started
        planted = int(INCOMING * PLANTED_SHARE)
        records, planted_at = incoming_people(registered_niks, planted, INCOMING - planted)

        raw_rows, raw_seconds = raw_scan()
        matcher = DuplicateMatcher(chunk_size=MATCH_CHUNK_ROWS, regency_queries=MATCH_REGENCY_QUERIES)
        # What the process holds before (the loader's freed memory stays with the process): the matcher's own
        # share is the peak above it.
        rss_before = rss_mb()
        reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        with_candidates: set[int] = set()
        candidates = 0
        for index, _candidate in matcher.match_batch(records):
            with_candidates.add(index)
            candidates += 1
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = peak_mb()
        machine = describe_machine(database)
        vendor = database.vendor

    found = len(planted_at & with_candidates)
    figures = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "records_per_second": round(len(records) / seconds),
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "candidates": candidates,
        "records_with_candidates": len(with_candidates),
        "planted_duplicates": len(planted_at),
        "planted_found": found,
        "fresh_with_candidates": len(with_candidates - planted_at),
    }
    raw = {"rows": raw_rows, "seconds": round(raw_seconds, 2)}
    result = {
        "name": NAME,
        "result_name": f"{NAME}_{vendor}",
        "registered": len(registered_niks),
        "incoming": len(records),
        "seed_seconds": round(seed_seconds, 1),
        "matcher": figures,
        "raw_scan": raw,
        "ratio_to_raw_scan": round(seconds / raw_seconds, 1) if raw_seconds else 0.0,
        "target_seconds": TARGET_SECONDS,
        "passed": seconds <= TARGET_SECONDS,
        "machine": machine,
    }
    print(
        f"{NAME}: {len(records):,} incoming against {len(registered_niks):,} registered on {vendor} "
        f"({machine['cpu']}, {machine['cores']} cores)\n"
        f"  matcher {figures['seconds']} s ({figures['cpu_seconds']} CPU-s), peak {peak} MB ({rss_before} MB before); "
        f"raw scan of the registry {raw['seconds']} s (×{result['ratio_to_raw_scan']})\n"
        f"  planted duplicates found {found:,} of {len(planted_at):,}; "
        f"fresh people with a candidate {figures['fresh_with_candidates']:,}\n"
        f"  target ≤ {TARGET_SECONDS:.0f} s: {'PASS' if result['passed'] else 'FAIL'}"
    )
    return result
