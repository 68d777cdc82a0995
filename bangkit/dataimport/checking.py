"""The first background step: read the uploaded file, check every row, stage the valid ones, report the rest.

The file is streamed one chunk of rows at a time: each chunk's regions are looked up together, its valid rows are
written to `StagedPerson` (identifiers encrypted) and its problems to `ImportProblem`, and the job's progress is
updated — which is also where a cancellation is noticed. The registry's duplicate matcher reads the valid rows as
they come; its candidates become warnings (the row stays importable), a registered NIK an error.

Duplicates within the file and NIKs already in the registry are then found in SQL over the staged rows' blind
indexes, so that memory holds one chunk, whatever the file's size. Once done the file itself is deleted: what the
import needs is staged, encrypted; what the user must fix is in the problems, identifiers masked.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.core.bulk import insert_rows
from bangkit.dataimport.choices import JobState, Severity
from bangkit.dataimport.headers import COLUMNS_BY_KEY
from bangkit.dataimport.models import ImportJob, ImportProblem, StagedPerson
from bangkit.dataimport.people import STAGED_FIELDS, PeopleRows, Problem
from bangkit.dataimport.reading import FileProblem, open_table
from bangkit.dataimport.resolvers import BankResolver, RegionResolver
from bangkit.dataimport.services import clear_staging, delete_file, import_jurisdiction, raw_delete, transition
from bangkit.regions.nik import mask_nik
from bangkit.registry.identifiers import mask_digits
from bangkit.registry.matching import Candidate, DuplicateMatcher
from bangkit.registry.models import BankAccount, Person

logger = logging.getLogger(__name__)

CHUNK_ROWS = 1_000
# Records the duplicate matcher compares per pass, and how many regencies it still reads through the region index
# (a province-wide file touches a few dozen) rather than by one scan of the registry. 20,000 was barely faster and
# took an XLSX check to 361 MB resident (target 300 MB).
MATCH_CHUNK_ROWS = 5_000
MATCH_REGENCY_QUERIES = 60
# Progress shown while reading; the checks over the staged rows take the rest.
READING_SHARE = 90


class Cancelled(Exception):
    """The user cancelled the job while it was being checked."""


@contextmanager
def local_path(file: FieldFile) -> Iterator[str]:
    """A path to the stored file: its own on local storage, else a temporary copy (object storage)."""
    try:
        path = file.path
    except NotImplementedError:
        path = ""
    if path:
        yield path
        return
    name = file.name or ""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


class JobCheck:
    """Checks one job's file for the user who uploaded it; see the module's docstring."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.user = job.created_by
        self.today = timezone.localdate()
        self.headers: dict[str, str] = {}
        self.rows_total = 0
        self.matched_rows = array("L")  # row number of each record given to the matcher, in order
        self.nik_taken: dict[int, int] = {}  # row number → registered person holding the same NIK

    def run(self) -> None:
        job = self.job
        if not transition(job, JobState.VALIDATING, sources=[JobState.UPLOADED]):
            return
        try:
            with local_path(job.file) as path, open_table(path, job.file_format) as table:
                messages = table.header.problems()
                if messages:
                    raise FileProblem(" ".join(messages))
                self.headers = dict(table.header.headers)
                ImportJob.objects.filter(pk=job.pk).update(
                    sheet_name=table.sheet_name[:100],
                    header_row=table.header_row,
                    columns=self.headers,
                    ignored_columns=table.header.ignored[:100],
                )
                self._read(table)
            self._check_staged()
            self._finish()
        except FileProblem as problem:
            self._fail(problem.message)
        except Cancelled:
            clear_staging(job)
        except Exception:
            # Never the exception's text: it may quote a value of the file.
            logger.exception("import job %s: checking failed", job.pk)
            self._fail(
                _("Terjadi kesalahan saat memeriksa berkas. Hubungi administrator (impor #%(id)s).") % {"id": job.pk}
            )
            raise
        finally:
            delete_file(job)

    def _fail(self, message: str) -> None:
        clear_staging(self.job)
        raw_delete(ImportProblem.objects.filter(job=self.job))
        transition(
            self.job,
            JobState.FAILED,
            actor=self.user,
            sources=[JobState.VALIDATING],
            error_message=message,
            finished_at=timezone.now(),
        )

    # -- reading --------------------------------------------------------------------------------------------------

    def _read(self, table: Any) -> None:
        regions = RegionResolver()
        people = PeopleRows(
            header=table.header,
            jurisdiction=import_jurisdiction(self.user),
            target_region=self.job.region_id,
            regions=regions,
            banks=BankResolver(),
            today=self.today,
        )

        def valid_rows() -> Iterator[Any]:
            for chunk in _chunks(table.rows, CHUNK_ROWS):
                rows = [row for number, cells in chunk if (row := people.read(number, cells)) is not None]
                regions.fetch()
                for row in rows:
                    people.finish(row)
                self.rows_total += len(rows)
                with transaction.atomic():
                    insert_rows(
                        StagedPerson,
                        ("job", "row_number", *STAGED_FIELDS),
                        ((self.job.pk, row.number, *row.staged) for row in rows if row.staged is not None),
                    )
                    self._write([problem for row in rows for problem in row.problems])
                self._progress(table.fraction_read())
                for row in rows:
                    if row.incoming is not None:
                        self.matched_rows.append(row.number)
                        yield row.incoming

        matcher = DuplicateMatcher(chunk_size=MATCH_CHUNK_ROWS, regency_queries=MATCH_REGENCY_QUERIES)
        warnings: list[Problem] = []
        for index, candidate in matcher.match_batch(valid_rows()):
            row = self.matched_rows[index]
            if any(evidence.code == "nik" for evidence in candidate.evidence):
                self.nik_taken.setdefault(row, candidate.other.pk)
            else:
                warnings.append(self._candidate_warning(row, candidate))
            if len(warnings) >= CHUNK_ROWS:
                self._write(warnings)
                warnings = []
        self._write(warnings)

    def _candidate_warning(self, row: int, candidate: Candidate) -> Problem:
        reasons = "; ".join(text for _code, text in candidate.reasons)
        return Problem(
            row,
            "full_name",
            "possible_duplicate",
            _("Mungkin sudah terdaftar (skor %(score)d): %(reasons)s.")
            % {"score": candidate.score, "reasons": reasons},
            Severity.WARNING,
            person_id=candidate.other.pk,
            details={"score": candidate.score, "reasons": [evidence.as_json() for evidence in candidate.evidence]},
        )

    def _progress(self, fraction: float) -> None:
        updated = ImportJob.objects.filter(pk=self.job.pk, state=JobState.VALIDATING).update(
            progress=min(READING_SHARE, int(fraction * READING_SHARE)), rows_read=self.rows_total
        )
        if not updated:
            raise Cancelled

    def _column(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key][:100]
        column = COLUMNS_BY_KEY.get(key)
        return str(column.label) if column else key

    def _write(self, problems: list[Problem]) -> None:
        if not problems:
            return
        ImportProblem.objects.bulk_create(
            [
                ImportProblem(
                    job_id=self.job.pk,
                    row=problem.row,
                    column=self._column(problem.key),
                    field=problem.key,
                    value=problem.value,
                    severity=problem.severity,
                    code=problem.code,
                    message=problem.message,
                    person_id=problem.person_id,
                    details=problem.details or {},
                )
                for problem in problems
            ],
            batch_size=500,
        )

    # -- checks over the staged rows --------------------------------------------------------------------------

    def _check_staged(self) -> None:
        staged = StagedPerson.objects.filter(job=self.job)
        problems: list[Problem] = []
        refused: set[int] = set()
        nik_field = Person._meta.get_field("nik")
        for row, person_id in {**registered_niks(self.job), **self.nik_taken}.items():
            refused.add(row)
            problems.append(
                Problem(
                    row, "nik", "nik_registered", _("NIK ini sudah terdaftar untuk orang lain."), person_id=person_id
                )
            )
        for row, first, cipher in duplicate_rows(staged, ("nik_index",)):
            if row in refused:
                continue
            refused.add(row)
            nik = nik_field.decrypt(cipher) or ""
            problems.append(
                Problem(
                    row,
                    "nik",
                    "nik_duplicate_in_file",
                    _("NIK sama dengan baris %(row)d.") % {"row": first},
                    value=mask_nik(nik),
                )
            )
        account_field = BankAccount._meta.get_field("account_number")
        for row, first, cipher in duplicate_rows(staged, ("bank_code", "account_number_index"), "account_number"):
            if row in refused:
                continue
            refused.add(row)
            number = account_field.decrypt(cipher) or ""
            problems.append(
                Problem(
                    row,
                    "account_number",
                    "account_duplicate_in_file",
                    _("Rekening ini juga tercantum di baris %(row)d.") % {"row": first},
                    value=mask_digits(number),
                )
            )
        with transaction.atomic():
            delete_staged_rows(self.job, refused)
            self._write(problems)

    def _finish(self) -> None:
        job = self.job
        problems = ImportProblem.objects.filter(job=job, row__gt=0)
        counts = {
            "rows_total": self.rows_total,
            "rows_read": self.rows_total,
            "rows_valid": StagedPerson.objects.filter(job=job).count(),
            "rows_invalid": problems.filter(severity=Severity.ERROR).values("row").distinct().count(),
            "rows_with_warnings": problems.filter(severity=Severity.WARNING).values("row").distinct().count(),
        }
        moved = transition(
            job,
            JobState.VALIDATED,
            actor=self.user,
            sources=[JobState.VALIDATING],
            progress=100,
            validated_at=timezone.now(),
            **counts,
        )
        if not moved:  # cancelled at the very end
            clear_staging(job)


def registered_niks(job: ImportJob) -> dict[int, int]:
    """Staged row number → the registered person already holding that row's NIK (current blind-index key)."""
    holder = Person.objects.filter(nik_index=OuterRef("nik_index")).values("pk")[:1]
    rows = (
        StagedPerson.objects.filter(job=job, nik_index__isnull=False)
        .annotate(holder=Subquery(holder))
        .filter(holder__isnull=False)
        .values_list("row_number", "holder")
    )
    return dict(rows)


def duplicate_rows(staged: Any, keys: tuple[str, ...], value: str = "nik") -> Iterator[tuple[int, int, str]]:
    """(row, first row with the same key, the row's encrypted value) for every staged row repeating an earlier
    one's `keys` (blind indexes: compared without decrypting anything)."""
    last = keys[-1]
    indexed = staged.exclude(**{f"{last}__isnull": True})
    repeated = sorted({group[last] for group in indexed.values(*keys).annotate(count=Count("id")).filter(count__gt=1)})
    first_of: dict[tuple[Any, ...], int] = {}
    for start in range(0, len(repeated), 500):
        rows = (
            indexed.filter(**{f"{last}__in": repeated[start : start + 500]})
            .order_by(*keys, "row_number")
            .values_list(*keys, "row_number", value)
        )
        for *key_values, row, cipher in rows:
            key = tuple(key_values)
            if key in first_of:
                yield row, first_of[key], cipher
            else:
                first_of[key] = row


def delete_staged_rows(job: ImportJob, rows: set[int]) -> None:
    ordered = sorted(rows)
    for start in range(0, len(ordered), 500):
        raw_delete(StagedPerson.objects.filter(job=job, row_number__in=ordered[start : start + 500]))
