"""Downloads: the error report of a job (every problem by row and column, identifiers masked) and the blank
template with the recognised headers, identifier columns formatted as text so that no digit gets lost."""

from __future__ import annotations

import tempfile
from typing import IO, Any

import xlsxwriter
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bangkit.dataimport.headers import COLUMNS, IDENTIFIER_KEYS
from bangkit.dataimport.models import ImportJob, ImportProblem


def error_report(job: ImportJob) -> IO[bytes]:
    """An XLSX file (a temporary file, rewound) listing the job's problems; streamed from the database row by row,
    written in XlsxWriter's constant-memory mode. Values are written as text, never as formulas."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet(_("Masalah")[:31])
    headers = [_("Baris"), _("Kolom"), _("Nilai"), _("Tingkat"), _("Kode"), _("Pesan")]
    for position, header in enumerate(headers):
        sheet.write_string(0, position, header, bold)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 4, 14)
    sheet.set_column(5, 5, 90)
    sheet.freeze_panes(1, 0)
    severities = dict(ImportProblem._meta.get_field("severity").choices or [])
    problems = ImportProblem.objects.filter(job=job).order_by("row", "id")
    values = problems.values_list("row", "column", "value", "severity", "code", "message")
    line = 0
    for line, (row, column, value, severity, code, message) in enumerate(values.iterator(chunk_size=2000), start=1):
        if row:
            sheet.write_number(line, 0, row)
        else:
            sheet.write_string(line, 0, _("berkas"))
        sheet.write_string(line, 1, column)
        sheet.write_string(line, 2, value)
        sheet.write_string(line, 3, str(severities.get(severity, severity)))
        sheet.write_string(line, 4, code)
        sheet.write_string(line, 5, message, wrap)
    if line:
        sheet.autofilter(0, 0, line, len(headers) - 1)
    summary = workbook.add_worksheet(_("Ringkasan")[:31])
    summary.set_column(0, 0, 30)
    summary.set_column(1, 1, 70)
    for position, (label, shown) in enumerate(_summary(job)):
        summary.write_string(position, 0, str(label), bold)
        summary.write_string(position, 1, str(shown))
    workbook.close()
    handle.seek(0)
    return handle


def _summary(job: ImportJob) -> list[tuple[Any, Any]]:
    when = timezone.localtime(job.created_at)
    return [
        (_("Impor"), f"#{job.pk}"),
        (_("Berkas"), job.original_name),
        ("SHA-256", job.sha256),
        (_("Diunggah"), formats.date_format(when, "DATETIME_FORMAT")),
        (_("Status"), job.get_state_display()),
        (_("Jumlah baris"), job.rows_total),
        (_("Baris valid"), job.rows_valid),
        (_("Baris bermasalah"), job.rows_invalid),
        (_("Baris dengan peringatan"), job.rows_with_warnings),
        (_("Orang diimpor"), job.imported_people),
    ]


def blank_template() -> IO[bytes]:
    """The recognised headers (first synonym of each column) in an XLSX whose identifier columns are text."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(handle, {"in_memory": False})
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(_("Data")[:31])
    position = 0
    for column in COLUMNS:
        if column.key in ("birth_place_date", "age"):  # other ways of giving the birth date
            continue
        sheet.write_string(0, position, column.template_header, bold)
        sheet.set_column(position, position, 18, as_text if column.key in IDENTIFIER_KEYS else None)
        position += 1
    sheet.freeze_panes(1, 0)
    workbook.close()
    handle.seek(0)
    return handle
