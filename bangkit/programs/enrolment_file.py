"""Enrolling an event's participants from a spreadsheet: the organiser's list of names, usually with NIKs.

Each row is matched to one registered person the user may see — by NIK through its blind index, else by full name
and birth date — and checked against the event's rules. The user chooses beforehand: only check, enrol the good
rows, or enrol only if every row is good. Every row that cannot be enrolled is reported with its line number and
why; a NIK is never shown back. Reading reuses the import pipeline's readers (CSV or XLSX, header row found below
any title rows, Excel's mangled NIKs and dates recognised).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.core.exceptions import ServiceError
from bangkit.core.expressions import Among
from bangkit.core.fields import blind_index_field, digits_only
from bangkit.dataimport.cells import CellError, is_blank, nik_cell, text
from bangkit.dataimport.dates import DateError, parse_date
from bangkit.dataimport.reading import FileProblem, detect_format, open_table
from bangkit.dataimport.services import max_upload_bytes
from bangkit.programs import selectors, services
from bangkit.programs.models import Event
from bangkit.regions.models import search_key
from bangkit.regions.nik import NIK_LENGTH
from bangkit.registry.models import Person


class Mode(models.TextChoices):
    CHECK = "check", _l("Periksa saja, belum mendaftarkan")
    GOOD_ROWS = "good_rows", _l("Daftarkan baris yang baik, laporkan yang lain")
    ALL_OR_NOTHING = "all_or_nothing", _l("Daftarkan hanya bila semua baris baik")


@dataclass
class FileRow:
    line: int  # as the spreadsheet program numbers it
    name: str  # as typed: the uploader's own list
    person: Person | None = None
    problem: str = ""


@dataclass
class EnrolmentFileResult:
    mode: str
    rows: list[FileRow] = field(default_factory=list)
    enrolled: int = 0
    waitlisted: int = 0

    @property
    def problems(self) -> list[FileRow]:
        return [row for row in self.rows if row.problem]

    @property
    def good_rows(self) -> int:
        return len(self.rows) - len(self.problems)

    @property
    def written(self) -> bool:
        return self.enrolled + self.waitlisted > 0


@contextmanager
def _on_disk(upload: UploadedFile) -> Iterator[str]:
    # The XLSX reader needs a path; nothing of the file outlives the request.
    with tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield copy.name


def _read_rows(path: str, file_format: str) -> list[tuple[FileRow, str, date | None]]:
    """(row, NIK digits or '', birth date) for every non-empty row; problems of a single cell already noted."""
    read: list[tuple[FileRow, str, date | None]] = []
    with open_table(path, file_format) as table:
        positions = table.header.positions
        if "nik" not in positions and "birth_date" not in positions:
            raise FileProblem(_("Perlu kolom NIK, atau kolom nama dengan tanggal lahir."))
        for line, cells in table.rows:
            if all(is_blank(cell) for cell in cells):
                continue

            def cell(key: str, cells: list[Any] = cells) -> Any:
                position = positions.get(key)
                return cells[position] if position is not None and position < len(cells) else None

            row = FileRow(line=line, name=text(cell("full_name"))[:200])
            nik, birth_date = "", None
            try:
                nik = digits_only(nik_cell(cell("nik"))[0])
                if nik and len(nik) != NIK_LENGTH:
                    row.problem = _("NIK harus 16 angka.")
                birth_date = parse_date(cell("birth_date"))
            except (CellError, DateError) as error:
                row.problem = error.message
            if not row.problem and not nik and not (row.name and birth_date):
                row.problem = _("Tanpa NIK, baris perlu nama lengkap dan tanggal lahir.")
            read.append((row, nik, birth_date))
    return read


def _match(actor: Any, read: list[tuple[FileRow, str, date | None]]) -> None:
    """Gives each row without a problem its person, or the reason none could be chosen."""
    # Only what matching and the event's rules read: 10,000 whole people cost more than the rest together.
    visible = (
        Person.objects.restrict(actor, "view")
        .filter(merged_into__isnull=True)
        .only("full_name", "search_name", "birth_date", "region", "deceased_on", "merged_into", "nik_index")
    )
    index = blind_index_field(Person, "nik")
    by_index: dict[str, list[FileRow]] = defaultdict(list)
    by_name: dict[tuple[str, date], list[FileRow]] = defaultdict(list)
    for row, nik, birth_date in read:
        if row.problem:
            continue
        if nik:
            for candidate in index.candidates_for(nik):
                by_index[candidate].append(row)
        elif birth_date is not None:
            by_name[(search_key(row.name), birth_date)].append(row)
    for person in visible.filter(Among(index.name, list(by_index))):
        for row in by_index[getattr(person, index.attname)]:
            row.person = person
    names = sorted({name for name, _day in by_name})
    found: dict[tuple[str, date], list[Person]] = defaultdict(list)
    for person in visible.filter(Among("search_name", names), birth_date__isnull=False):
        if person.birth_date is not None and (person.search_name, person.birth_date) in by_name:
            found[(person.search_name, person.birth_date)].append(person)
    for key, rows in by_name.items():
        matches = found.get(key, [])
        for row in rows:
            if len(matches) == 1:
                row.person = matches[0]
            elif matches:
                row.problem = _("Ada %(count)d orang dengan nama dan tanggal lahir ini; tambahkan NIK-nya.") % {
                    "count": len(matches)
                }
    for row, _nik, _birth_date in read:
        if not row.problem and row.person is None:
            row.problem = _("Tidak ditemukan di registri dalam yurisdiksi Anda; daftarkan orangnya dulu.")


def _note(rows: list[FileRow], reasons: dict[int, str]) -> None:
    for row in rows:
        if row.person is not None and row.person.pk in reasons:
            row.problem = reasons[row.person.pk]


def enrol_from_file(*, actor: Any, event: Event, upload: UploadedFile, mode: str) -> EnrolmentFileResult:
    """Reads `upload`, matches and checks every row, and enrols as `mode` says. FileProblem when the file as a
    whole cannot be used; nothing is written then, nor when `mode` is all or nothing and any row has a problem."""
    services.require_on_event(actor, "programs.add_enrolment", event)
    if mode not in Mode.values:
        raise ServiceError(_("Pilih apa yang dilakukan dengan berkas ini."), field="mode")
    if upload.size and upload.size > max_upload_bytes():
        raise FileProblem(
            _("Berkas terlalu besar (paling besar %(mb)d MB).") % {"mb": max_upload_bytes() // 1024 // 1024}
        )
    head = upload.read(8)
    upload.seek(0)
    file_format = detect_format(upload.name or "", head)
    with _on_disk(upload) as path:
        read = _read_rows(path, file_format)
    if not read:
        raise FileProblem(_("Berkas ini tidak berisi baris data di bawah judul kolom."))
    _match(actor, read)
    result = EnrolmentFileResult(mode=mode, rows=[row for row, _nik, _birth_date in read])
    first_line: dict[int, int] = {}
    for row in result.rows:
        if row.person is not None and not row.problem:
            if row.person.pk in first_line:
                row.problem = _("Orang yang sama sudah ada di baris %(line)d.") % {"line": first_line[row.person.pk]}
            else:
                first_line[row.person.pk] = row.line
    matched = [row for row in result.rows if not row.problem and row.person is not None]
    people = [row.person for row in matched if row.person is not None]
    if mode == Mode.CHECK:
        _note(matched, selectors.ineligibility(actor=actor, event=event, people=people))
        return result
    if mode == Mode.ALL_OR_NOTHING and result.problems:
        return result
    # The event's rules are checked once, by the enrolment itself, under the event's lock.
    with transaction.atomic():
        enrolment = services.enrol_people(actor=actor, event=event, people=people)
        _note(matched, {person.pk: reason for person, reason in enrolment.refused})
        if mode == Mode.ALL_OR_NOTHING and enrolment.refused:
            transaction.set_rollback(True)
            return result
    result.enrolled, result.waitlisted = len(enrolment.enrolled), len(enrolment.waitlisted)
    return result
