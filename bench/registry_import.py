"""Spreadsheet import of people: the whole pipeline against raw COPY of the same rows, on one database.

N valid rows of synthetic returnees (bench/population.py: name, NIK, KK, sex, birth date, village code, phone) with a
bank account, a holder name and a stay abroad each are written to a CSV and an XLSX file. Each file goes through the
application's own pipeline, as the background tasks run it:

- **check**: stream the file, read and check every row with the registry's rules, look regions and banks up,
  encrypt and blind-index every identifier, stage the valid rows, run the registry's duplicate matcher, find
  within-file duplicates and registered NIKs;
- **import**: re-check what may have changed, copy the staged rows into the registry in one transaction, write
  each person's history entry.

The baseline is `bench.seeding.bulk_load` (COPY on PostgreSQL, executemany on SQLite) of the same people, phones,
accounts and stays, values prepared by the same model fields (encryption, blind indexes): what writing the rows
costs with no checks at all. The registry holds BENCH_IMPORT_REGISTERED people of the same province beforehand,
so that the duplicate checks have something to look through.

    BENCH_IMPORT_ROWS=100000 python -m bench registry_import
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench registry_import
    BENCH_IMPORT_ROWS=1000000 BENCH_IMPORT_FORMATS=csv python -m bench registry_import

Target: ≥ 10,000 valid rows per second with all checks (check + import, end to end), peak resident memory of the
pipeline ≤ 300 MB.
"""

from __future__ import annotations

import csv
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import describe_machine, temporary_database

NAME = "registry_import"
DEFAULT_ROWS = 100_000
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", str(DEFAULT_ROWS)))
REGISTERED = int(os.environ.get("BENCH_IMPORT_REGISTERED", "20000"))
PROVINCE = os.environ.get("BENCH_IMPORT_REGION", "53")
# Either or both: at 1,000,000 rows each format takes minutes.
FORMATS = os.environ.get("BENCH_IMPORT_FORMATS", "csv,xlsx").split(",")
TARGET_ROWS_PER_SECOND = 10_000
TARGET_PEAK_MB = 300
HEADER = [
    "No",
    "Nama Lengkap",
    "NIK",
    "No KK",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Kode Wilayah",
    "No HP",
    "Bank",
    "No Rekening",
    "Nama Pemilik Rekening",
    "Negara Tujuan",
    "Tgl Berangkat",
    "Tgl Pulang",
    "Jalur",
]
_BANKS = ("002", "BRI", "BNI", "008", "Bank NTT", "BSI")
_COUNTRY_NAMES = {"MY": "Malaysia", "SA": "Arab Saudi", "HK": "Hong Kong", "TW": "Taiwan", "SG": "Singapura"}


# --- memory ------------------------------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Restarts the kernel's peak-RSS counter (VmHWM) so that each phase's peak can be read on its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float:
    """Peak resident memory since the last reset (VmHWM), else since start (getrusage)."""
    kb = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


class Timer:
    """Wall-clock and CPU seconds of this process (the machine may be shared: the CPU figure is what the work
    costs; on PostgreSQL the server's own CPU is not in it)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def rss_mb() -> float:
    kb = _status_kb("VmRSS") or 0
    return round(kb / 1024, 1)


# --- the rows ----------------------------------------------------------------------------------------------------


def import_rows(count: int, *, taken: set[str], seed: int = 1) -> Iterator[list[Any]]:
    """`count` valid rows as a district office would type them; NIKs already registered are skipped."""
    from bench.population import generate_people

    produced = 0
    offset = 0
    while produced < count:
        for person in generate_people(count - produced + 100, seed=seed + offset, region_prefix=PROVINCE):
            if person.nik in taken:
                continue
            taken.add(person.nik)
            produced += 1
            departed = person.birth_date + timedelta(days=365 * 20 + produced % 900)
            returned = departed + timedelta(days=400 + produced % 700)
            yield [
                produced,
                person.full_name,
                person.nik,
                person.kk,
                "P" if person.sex == "F" else "L",
                person.birth_date.strftime("%d-%m-%Y"),
                person.village_code,
                person.phone,
                _BANKS[produced % len(_BANKS)],
                f"{(produced * 7919) % 10**10:010d}{produced % 100000:05d}",
                person.full_name,
                _COUNTRY_NAMES.get(person.destination_country, "Malaysia"),
                departed.strftime("%d-%m-%Y") if departed.year < 2025 else "",
                returned.strftime("%d-%m-%Y") if returned.year < 2025 else "",
                "Nonprosedural" if produced % 3 else "Prosedural",
            ]
            if produced == count:
                return
        offset += 1


def write_csv(path: Path, rows: Iterator[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, csv_path: Path) -> None:
    """The same rows as an XLSX: identifiers as text (as the template formats them), dates as date cells."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet = workbook.add_worksheet("Data")
    date_columns = {HEADER.index(name) for name in ("Tanggal Lahir", "Tgl Berangkat", "Tgl Pulang")}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.reader(handle)):
            for position, value in enumerate(row):
                if line and position in date_columns and value:
                    sheet.write_datetime(line, position, datetime.strptime(value, "%d-%m-%Y"), date_format)
                elif line and position == 0:
                    sheet.write_number(line, position, int(value))
                else:
                    sheet.write_string(line, position, value)
    workbook.close()


# --- the baseline ------------------------------------------------------------------------------------------------


def raw_copy(csv_path: Path, organisation_id: int) -> tuple[int, Timer]:
    """bulk_load of the same people, phones, accounts and stays: fields prepare values, nothing is checked."""
    from django.db import models, transaction

    from bangkit.regions.models import search_key
    from bangkit.registry.models import BankAccount, MigrationStay, Person, Phone
    from bench.seeding import bulk_load, reset_sequence

    now = datetime(2025, 1, 1, tzinfo=UTC)
    start = (Person.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
    nik_index = Person._meta.get_field("nik_index")
    kk_index = Person._meta.get_field("kk_index")
    phone_index = Phone._meta.get_field("number_index")
    account_index = BankAccount._meta.get_field("account_number_index")

    def rows() -> Iterator[list[str]]:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            yield from reader

    def day(text: str) -> Any:
        return datetime.strptime(text, "%d-%m-%Y").date() if text else None

    with Timer() as timer, transaction.atomic():
        total = bulk_load(
            Person,
            (
                {
                    "id": start + offset,
                    "created_at": now,
                    "updated_at": now,
                    "full_name": row[1],
                    "other_names": "",
                    "search_name": search_key(row[1]),
                    "sex": "F" if row[4] == "P" else "M",
                    "birth_date": day(row[5]),
                    "birth_date_estimated": False,
                    "nik": row[2],
                    "nik_index": nik_index.index_for(row[2]),
                    "nik_conflict_confirmed": False,
                    "kk_number": row[3],
                    "kk_index": kk_index.index_for(row[3]),
                    "region_id": row[6],
                    "street": "",
                    "marital_status": "unknown",
                    "education": "unknown",
                    "disabilities": [],
                    "photo": "",
                    "deceased_on": None,
                    "organisation_id": organisation_id,
                    "registered_on": now.date(),
                    "merged_into_id": None,
                }
                for offset, row in enumerate(rows())
            ),
            columns=[
                "id", "created_at", "updated_at", "full_name", "other_names", "search_name", "sex", "birth_date",
                "birth_date_estimated", "nik", "nik_index", "nik_conflict_confirmed", "kk_number", "kk_index",
                "region_id", "street", "marital_status", "education", "disabilities", "photo", "deceased_on",
                "organisation_id", "registered_on", "merged_into_id",
            ],
        )  # fmt: skip
        bulk_load(
            Phone,
            (
                {
                    "created_at": now,
                    "updated_at": now,
                    "person_id": start + offset,
                    "number": row[7],
                    "number_index": phone_index.index_for(row[7]),
                    "label": "own",
                    "is_whatsapp": False,
                }
                for offset, row in enumerate(rows())
            ),
            columns=["created_at", "updated_at", "person_id", "number", "number_index", "label", "is_whatsapp"],
        )
        bank_codes = {"BRI": "002", "BNI": "009", "Bank NTT": "130", "BSI": "451"}
        bulk_load(
            BankAccount,
            (
                {
                    "created_at": now,
                    "updated_at": now,
                    "person_id": start + offset,
                    "bank_id": bank_codes.get(row[8], row[8]),
                    "account_number": row[9],
                    "account_number_index": account_index.index_for(row[9]),
                    "holder_name": row[10],
                    "name_match_score": 100,
                    "name_mismatch": False,
                    "status": "unverified",
                    "verification_method": "",
                    "verified_by_id": None,
                    "verified_at": None,
                    "invalid_reason": "",
                    "is_primary": True,
                }
                for offset, row in enumerate(rows())
            ),
            columns=[
                "created_at", "updated_at", "person_id", "bank_id", "account_number", "account_number_index",
                "holder_name", "name_match_score", "name_mismatch", "status", "verification_method",
                "verified_by_id", "verified_at", "invalid_reason", "is_primary",
            ],
        )  # fmt: skip
        countries = {name: code for code, name in _COUNTRY_NAMES.items()}
        bulk_load(
            MigrationStay,
            (
                {
                    "created_at": now,
                    "updated_at": now,
                    "person_id": start + offset,
                    "country": countries.get(row[11], "MY"),
                    "city": "",
                    "work_sector": "unknown",
                    "employer": "",
                    "recruiting_agency": "",
                    "agency_licensed": "unknown",
                    "departure_route": "non_procedural" if row[14] == "Nonprosedural" else "procedural",
                    "documents_held": [],
                    "departed_on": day(row[12]),
                    "returned_on": day(row[13]),
                    "return_mode": "unknown",
                    "debarkation_point": "",
                    "referred_by": "other",
                }
                for offset, row in enumerate(rows())
            ),
            columns=[
                "created_at", "updated_at", "person_id", "country", "city", "work_sector", "employer",
                "recruiting_agency", "agency_licensed", "departure_route", "documents_held", "departed_on",
                "returned_on", "return_mode", "debarkation_point", "referred_by",
            ],
        )  # fmt: skip
        reset_sequence(Person)
    return total, timer


def forget_people_after(last_id: int) -> None:
    """Deletes everyone registered after `last_id`, with what hangs on them, so the next run starts equal."""
    from django.db import connection, transaction

    from bangkit.registry.models import BankAccount, DuplicatePair, MigrationStay, Person, PersonNameToken, Phone

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {DuplicatePair._meta.db_table} WHERE first_id > %s OR second_id > %s",  # noqa: S608
            [last_id, last_id],
        )
        for model in (MigrationStay, BankAccount, Phone, PersonNameToken):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE person_id > %s", [last_id])  # noqa: S608
        cursor.execute(f"DELETE FROM {Person._meta.db_table} WHERE id > %s", [last_id])  # noqa: S608


# --- the pipeline ------------------------------------------------------------------------------------------------


def run_pipeline(path: Path, user: Any, region: Any) -> dict[str, Any]:
    """Upload (service), check (task body), confirm (service), import (task body), each phase timed."""
    from unittest import mock

    from django.core.files.uploadedfile import UploadedFile

    from bangkit.dataimport import services
    from bangkit.dataimport.checking import JobCheck
    from bangkit.dataimport.importing import run_import
    from bangkit.dataimport.models import ImportJob

    # The services queue the tasks; here their bodies run in this process, each timed on its own.
    with (
        mock.patch.object(services, "_enqueue_validation"),
        mock.patch.object(services, "_enqueue_import"),
        path.open("rb") as handle,
    ):
        upload = UploadedFile(handle, name=path.name, size=path.stat().st_size)
        job = services.import_job_create(actor=user, upload=upload, region=region)
    job = ImportJob.objects.select_related("created_by").get(pk=job.pk)
    baseline_rss = rss_mb()
    reset_peak()
    with Timer() as check:
        JobCheck(job).run()
    check_peak = peak_mb()
    job.refresh_from_db()
    if job.state != "validated":
        raise AssertionError(f"check failed: {job.state} {job.error_message}")
    with mock.patch.object(services, "_enqueue_import"):
        services.import_job_confirm(actor=user, job=job)
    reset_peak()
    with Timer() as imported:
        run_import(job.pk)
    import_peak = peak_mb()
    job.refresh_from_db()
    if job.state != "imported":
        raise AssertionError(f"import failed: {job.state} {job.error_message}")
    wall, cpu = check.wall + imported.wall, check.cpu + imported.cpu
    return {
        "rows": job.rows_total,
        "rows_valid": job.rows_valid,
        "rows_with_warnings": job.rows_with_warnings,
        "imported_people": job.imported_people,
        "check_seconds": round(check.wall, 2),
        "check_cpu_seconds": round(check.cpu, 2),
        "import_seconds": round(imported.wall, 2),
        "import_cpu_seconds": round(imported.cpu, 2),
        "total_seconds": round(wall, 2),
        "total_cpu_seconds": round(cpu, 2),
        "check_rows_per_second": round(job.rows_total / check.wall),
        "import_rows_per_second": round(job.imported_people / imported.wall),
        "rows_per_second": round(job.imported_people / wall),
        "rows_per_cpu_second": round(job.imported_people / cpu),
        "rss_before_mb": baseline_rss,
        "check_peak_rss_mb": check_peak,
        "import_peak_rss_mb": import_peak,
    }


def run_benchmark() -> dict[str, Any]:
    from django.db import connection, models
    from django.test import override_settings

    from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
    from bangkit.accounts.roles import Role
    from bangkit.regions.loading import load_regions
    from bangkit.regions.models import Region
    from bangkit.registry.models import Person
    from bench.seeding import seed_people

    with temporary_database() as database, tempfile.TemporaryDirectory(prefix="bangkit-import-") as folder:
        work = Path(folder)
        media = work / "media"
        with override_settings(MEDIA_ROOT=str(media)):
            load_regions()
            region = Region.objects.get(pk=PROVINCE)
            organisation = Organisation.objects.create(
                name="Dinas Sosial Provinsi (bench)", kind=OrganisationKind.DINSOS_PROVINCE, region=region
            )
            user = User.objects.create_user(
                email="bench.import@bangkit.invalid", password=None, full_name="Bench", organisation=organisation
            )
            Grant.objects.create(user=user, role=Role.CASE_WORKER, region=region)
            taken = set(seed_people(REGISTERED, organisation_id=organisation.pk, seed=0, region_prefix=PROVINCE))
            registered_top = Person.objects.aggregate(top=models.Max("id"))["top"] or 0

            csv_path = work / "peserta.csv"
            write_csv(csv_path, import_rows(ROWS, taken=taken))
            xlsx_path = work / "peserta.xlsx"
            if "xlsx" in FORMATS:
                write_xlsx(xlsx_path, csv_path)

            reset_peak()
            raw_rows, raw_timer = raw_copy(csv_path, organisation.pk)
            raw_peak = peak_mb()
            forget_people_after(registered_top)

            results = {}
            for label, path in (("csv", csv_path), ("xlsx", xlsx_path)):
                if label not in FORMATS:
                    continue
                # Offices upload at most DATAIMPORT_MAX_UPLOAD_MB (20 MB, some 120,000 rows); the pipeline itself
                # is measured on the whole file, so that its memory at 1,000,000 rows is known.
                megabytes = path.stat().st_size // 1024**2 + 1
                with override_settings(DATAIMPORT_MAX_UPLOAD_MB=max(20, megabytes)):
                    results[label] = run_pipeline(path, user, region)
                forget_people_after(registered_top)
            machine = describe_machine(database)
            machine["load_average"] = [round(value, 1) for value in os.getloadavg()]
            file_sizes = {
                name: round(path.stat().st_size / 1024**2, 1)
                for name, path in (("csv_mb", csv_path), ("xlsx_mb", xlsx_path))
                if path.exists()
            }
            vendor = connection.vendor

    raw_rate = round(raw_rows / raw_timer.wall)
    raw_cpu_rate = round(raw_rows / raw_timer.cpu)
    for figures in results.values():
        figures["ratio_to_raw_copy"] = round(raw_rate / figures["rows_per_second"], 2)
        figures["cpu_ratio_to_raw_copy"] = round(raw_cpu_rate / figures["rows_per_cpu_second"], 2)
    slowest = min(figures["rows_per_second"] for figures in results.values())
    peak = max(max(figures["check_peak_rss_mb"], figures["import_peak_rss_mb"]) for figures in results.values())
    result = {
        "name": NAME,
        # One file per database, and per size when not the default: the 1,000,000-row run is kept beside.
        "result_name": (NAME if vendor == "sqlite" else f"{NAME}.{vendor}")
        + ("" if ROWS == DEFAULT_ROWS else f".{ROWS}"),
        "machine": machine,
        "rows": ROWS,
        "registered_before": REGISTERED,
        "province": PROVINCE,
        "files": file_sizes,
        "raw_copy": {
            "rows": raw_rows,
            "seconds": round(raw_timer.wall, 2),
            "cpu_seconds": round(raw_timer.cpu, 2),
            "rows_per_second": raw_rate,
            "rows_per_cpu_second": raw_cpu_rate,
            "peak_rss_mb": raw_peak,
        },
        "pipeline": results,
        "rows_per_second": slowest,
        "peak_rss_mb": peak,
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "target_peak_rss_mb": TARGET_PEAK_MB,
        "passed": slowest >= TARGET_ROWS_PER_SECOND and peak <= TARGET_PEAK_MB,
    }
    _print(result)
    return result


def _print(result: dict[str, Any]) -> None:
    machine = result["machine"]
    print(f"{NAME}: {machine['database']['vendor']} {machine['database']['version']}, {machine['cpu']}, "
          f"{machine['cores']} cores, {machine['memory_gib']} GiB, {machine['python']}, "
          f"load {machine['load_average']}")  # fmt: skip
    raw = result["raw_copy"]
    print(f"  {result['rows']:,} rows; {result['registered_before']:,} people registered beforehand")
    print(
        f"  raw COPY    {raw['rows_per_second']:>7,} rows/s ({raw['rows_per_cpu_second']:,}/CPU-s), "
        f"{raw['seconds']} s, peak {raw['peak_rss_mb']} MB"
    )
    for label, figures in result["pipeline"].items():
        print(
            f"  {label:<5} all  {figures['rows_per_second']:>7,} rows/s ({figures['rows_per_cpu_second']:,}/CPU-s), "
            f"{figures['ratio_to_raw_copy']}× raw ({figures['cpu_ratio_to_raw_copy']}× in CPU); "
            f"check {figures['check_seconds']} s, import {figures['import_seconds']} s; "
            f"peak {figures['check_peak_rss_mb']} / {figures['import_peak_rss_mb']} MB"
        )
    verdict = "PASS" if result["passed"] else "FAIL"
    print(f"  target ≥ {result['target_rows_per_second']:,} rows/s, ≤ {result['target_peak_rss_mb']} MB: {verdict}")
