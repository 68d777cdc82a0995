"""Spreadsheets for the import tests, written the way district offices write them, and a one-call upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from bangkit.accounts.models import User
from bangkit.dataimport.models import ImportJob
from bangkit.dataimport.services import import_job_cancel, import_job_confirm, import_job_create
from bangkit.regions.models import Region
from bangkit.regions.nik import build_nik

HEADER = [
    "No",
    "Nama Lengkap",
    "NIK",
    "JK",
    "Tgl Lahir",
    "Kode Wilayah",
    "No HP",
    "Bank",
    "No Rekening",
    "Negara Tujuan",
    "Tgl Berangkat",
    "Tgl Pulang",
    "Jalur",
]

MARIA_NIK = build_nik("53.01.08", date(1990, 7, 1), "F", 1)
YOHANES_NIK = build_nik("53.01.08", date(1985, 3, 2), "M", 1)
RUTH_NIK = build_nik("53.01.08", date(1995, 12, 24), "F", 7)


def kupang_row(number: int, name: str, nik: Any, sex: str, born: Any, **changes: Any) -> list[Any]:
    """A valid Kupang row: a woman or man of Tarus with a phone, a BRI account and a stay in Malaysia."""
    row = {
        "No": number,
        "Nama Lengkap": name,
        "NIK": nik,
        "JK": sex,
        "Tgl Lahir": born,
        "Kode Wilayah": "53.01.08.1007",
        "No HP": f"0812-3456-{number:04d}",
        "Bank": "BRI",
        "No Rekening": f"0123-01-{number:06d}-50-1",
        "Negara Tujuan": "Malaysia",
        "Tgl Berangkat": "13-11-2015",
        "Tgl Pulang": "2 Agt 2019",
        "Jalur": "Nonprosedural",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def valid_rows() -> list[list[Any]]:
    return [
        kupang_row(1, "Maria Goreti Bria", MARIA_NIK, "P", "01-07-1990"),
        kupang_row(2, "Yohanes Nahak", YOHANES_NIK, "L", "2 Maret 1985"),
        kupang_row(3, "Ruth Ndun", RUTH_NIK, "Perempuan", "1995-12-24"),
    ]


def csv_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, *, title: str = "") -> bytes:
    """Numbers stay numbers and dates become date cells, as when someone types them into Excel."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Data")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    first = 0
    if title:
        sheet.write_string(0, 0, title)
        first = 2
    sheet.write_row(first, 0, header)
    for offset, row in enumerate(rows, start=first + 1):
        for position, value in enumerate(row):
            if isinstance(value, datetime | date):
                sheet.write_datetime(offset, position, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(offset, position, value)
            elif value is not None:
                sheet.write_string(offset, position, str(value))
    workbook.close()
    return out.getvalue()


def upload(user: User, content: bytes, name: str = "peserta.csv", region: Region | None = None) -> ImportJob:
    """Uploads and runs the checks (the task runs when the upload's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = import_job_create(actor=user, upload=SimpleUploadedFile(name, content), region=region)
    job.refresh_from_db()
    return job


def confirm(user: User, job: ImportJob) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(actor=user, job=job)
    job.refresh_from_db()
    return job


def cancel(user: User, job: ImportJob) -> ImportJob:
    import_job_cancel(actor=user, job=job)
    job.refresh_from_db()
    return job


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    """(row, column as in the file, code) of every problem, in order."""
    return list(job.problems.order_by("row", "id").values_list("row", "column", "code"))
