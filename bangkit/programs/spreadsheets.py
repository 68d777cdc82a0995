"""The event report as an XLSX workbook: one sheet per table, aggregates only (no names).

Written in XlsxWriter's constant-memory mode to a temporary file that the response streams. Every value is written
as what it is (a number or a text), never as a formula; a text that a spreadsheet could take for one (it starts
with = + - @, a tab or a carriage return) is written with a leading apostrophe, so that it stays inert even when
the sheet is saved as CSV and opened again.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bangkit.programs.pdf import date_range, event_facts, report_tables
from bangkit.programs.selectors import EventReport

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """`=HYPERLINK(...)` → `'=HYPERLINK(...)`: a text that cannot run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _write(sheet: Any, row: int, column: int, value: Any, style: Any = None) -> None:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value, style)
    else:
        sheet.write_string(row, column, neutralise(str(value)), style)


def event_report_xlsx(report: EventReport) -> IO[bytes]:
    """The report's figures, a sheet per table after a sheet on the event; a temporary file, rewound."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "in_memory": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = workbook.add_format({"bold": True})
    event = report.event
    about = workbook.add_worksheet(pgettext("event", "Kegiatan"))
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 90)
    facts = [
        *event_facts(event),
        (_("Tanggal"), date_range(event.start_date, event.end_date)),
        (_("Kapasitas"), event.capacity),
    ]
    for row, (label, value) in enumerate(facts):
        _write(about, row, 0, str(label), bold)
        _write(about, row, 1, value)
    for table in report_tables(report):
        sheet = workbook.add_worksheet(table.sheet)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(table.header) - 1, 16)
        for column, text in enumerate(table.header):
            _write(sheet, 0, column, str(text), bold)
        for row, values in enumerate(table.rows, start=1):
            for column, value in enumerate(values):
                _write(sheet, row, column, value)
        sheet.freeze_panes(1, 0)
    workbook.close()
    handle.seek(0)
    return handle
