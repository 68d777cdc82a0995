"""Streaming a spreadsheet: the first sheet with a recognisable header row, then its rows one at a time.

CSV files are read as they come (UTF-8, with or without BOM, or Windows-1252 as older Excel versions save them;
comma, semicolon — Excel's separator in the Indonesian locale — or tab). XLSX files are read with calamine:
`iter_rows` hands over one row at a time. Title rows above the header ("DAFTAR PENERIMA BANTUAN ...") are skipped.
Row numbers are those a spreadsheet program shows, so that a problem can be found in the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from bangkit.dataimport.choices import FileFormat
from bangkit.dataimport.headers import HeaderMatch, looks_like_header, match_headers

# Rows searched for the header, below title rows.
HEADER_SEARCH_ROWS = 20
_SNIFF_BYTES = 256 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be read; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    sheet_name: str
    header_row: int
    header: HeaderMatch
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    _position: Any = field(repr=False, default=None)

    def fraction_read(self) -> float:
        """How much of the file has been read, 0–1, for the progress bar."""
        return float(self._position()) if self._position else 0.0


def detect_format(name: str, head: bytes) -> str:
    """xlsx or csv from the file's name and first bytes; FileProblem for anything else."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            raise FileProblem(_("Berkas ini bukan XLSX yang sah. Simpan ulang dari Excel sebagai “Excel Workbook”."))
        return FileFormat.XLSX
    if lower.endswith(".csv"):
        if head.startswith(b"PK\x03\x04") or b"\x00" in head[:4096]:
            raise FileProblem(_("Berkas ini bukan CSV (isinya biner). Pilih berkas yang benar."))
        return FileFormat.CSV
    raise FileProblem(_("Hanya berkas .xlsx atau .csv yang dapat diimpor."))


def _encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if error.start < len(sample) - 4:
            return "cp1252"
    return "utf-8"


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


@contextmanager
def open_table(path: str, file_format: str) -> Iterator[Table]:
    """The table of the file at `path`; FileProblem when it has none that can be imported."""
    if file_format == FileFormat.XLSX:
        with _open_xlsx(path) as table:
            yield table
    else:
        with _open_csv(path) as table:
            yield table


@contextmanager
def _open_csv(path: str) -> Iterator[Table]:
    with open(path, "rb") as raw:
        sample = raw.read(_SNIFF_BYTES)
        raw.seek(0)
        size = max(1, raw.seek(0, io.SEEK_END))
        raw.seek(0)
        encoding = _encoding(sample)
        dialect = _dialect(sample.decode(encoding, errors="replace"))
        handle: IO[str] = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(handle, dialect)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if looks_like_header(cells):
                    break
                if number >= HEADER_SEARCH_ROWS:
                    raise FileProblem(_no_header_message())
            else:
                raise FileProblem(_no_header_message())
        except UnicodeDecodeError as error:
            raise FileProblem(_encoding_message()) from error
        header = match_headers(cells)
        header_row = number

        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                yield from enumerate(reader, start=header_row + 1)
            except UnicodeDecodeError as error:
                raise FileProblem(_encoding_message()) from error
            except csv.Error as error:
                raise FileProblem(_("Berkas CSV rusak: %(error)s") % {"error": error}) from error

        yield Table("", header_row, header, rows(), lambda: min(1.0, raw.tell() / size))


@contextmanager
def _open_xlsx(path: str) -> Iterator[Table]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(path)
    except Exception as error:  # calamine raises its own types for each kind of damage
        raise FileProblem(_("Berkas XLSX tidak dapat dibaca; simpan ulang dari Excel lalu coba lagi.")) from error
    try:
        for metadata in workbook.sheets_metadata:
            if metadata.typ != SheetTypeEnum.WorkSheet or metadata.visible != SheetVisibleEnum.Visible:
                continue
            sheet = workbook.get_sheet_by_name(metadata.name)
            rows = _SheetRows(sheet)
            for cells in rows.head():
                if looks_like_header(cells):
                    yield Table(metadata.name, rows.number, match_headers(cells), rows.after_header(), rows.fraction)
                    return
        raise FileProblem(_no_header_message())
    finally:
        workbook.close()


class _SheetRows:
    """One sheet's rows with the number a spreadsheet program shows for each (empty rows above the data count)."""

    def __init__(self, sheet: Any) -> None:
        self._iterator = sheet.iter_rows()
        self._first = sheet.start[0] if sheet.start else 0
        self._height = max(1, sheet.height)
        self._index = -1

    @property
    def number(self) -> int:
        return self._first + self._index + 1

    def head(self) -> Iterator[list[Any]]:
        for cells in self._iterator:
            self._index += 1
            yield cells
            if self._index + 1 >= HEADER_SEARCH_ROWS:
                return

    def after_header(self) -> Iterator[tuple[int, list[Any]]]:
        for cells in self._iterator:
            self._index += 1
            yield self.number, cells

    def fraction(self) -> float:
        return min(1.0, (self._index + 1) / self._height)


def _no_header_message() -> str:
    return _(
        "Baris judul kolom tidak ditemukan di %(rows)d baris pertama. Pastikan ada baris berisi judul seperti "
        "“Nama”, “NIK”, “Jenis Kelamin”, “Desa/Kelurahan”."
    ) % {"rows": HEADER_SEARCH_ROWS}


def _encoding_message() -> str:
    return _("Huruf dalam berkas CSV tidak terbaca. Simpan ulang dari Excel sebagai “CSV UTF-8”.")
