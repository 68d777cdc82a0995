"""The second background step, after the user chose "import the valid rows": the staged rows become people, phones,
bank accounts and migration stays, in one transaction with the job's own change of state.

Everything happens or nothing does: the job is claimed (`queued` → `imported`, a conditional UPDATE) inside the
same transaction that writes the rows, so a failure rolls both back (the job then fails, the registry unchanged),
and a second run of the task finds nothing to claim. The rows are copied with INSERT ... SELECT from the staging
table, whose identifiers were encrypted and indexed for these very columns when the file was checked.

Just before copying, what may have changed since the preview is checked again: a NIK registered meanwhile, a
region no longer inside the importer's jurisdiction. Such rows are skipped and reported; the others are imported.
Each new person gets a "created" history entry naming the import; the job one entry for the whole import.
"""

from __future__ import annotations

import logging
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.audit.models import EntryScope
from bangkit.core.scoping import ALL_REGIONS, region_q
from bangkit.dataimport.checking import delete_staged_rows, registered_niks
from bangkit.dataimport.choices import JobState, Severity
from bangkit.dataimport.models import ImportJob, ImportProblem, StagedPerson
from bangkit.dataimport.services import (
    clear_staging,
    import_jurisdiction,
    log_job,
    progress_key,
    raw_delete,
    transition,
)
from bangkit.registry.choices import BankAccountStatus
from bangkit.registry.models import BankAccount, DuplicatePair, MigrationStay, Person, PersonNameToken, Phone

logger = logging.getLogger(__name__)

IDS_TABLE = "dataimport_ids"
TOKEN_BATCH = 10_000
_PROGRESS_SECONDS = 3600


def _step(job: ImportJob, step: str) -> None:
    cache.set(progress_key(job.pk), step, _PROGRESS_SECONDS)


def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("confirmed_by").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return  # cancelled, or already imported by an earlier run
    actor = job.confirmed_by
    try:
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, state=JobState.QUEUED).update(state=JobState.IMPORTED)
            if not claimed:
                return
            before = {"state": JobState.QUEUED, **{name: getattr(job, name) for name in _COUNTS}}
            counts = Importer(job, actor).run()
            ImportJob.objects.filter(pk=job.pk).update(
                **counts, progress=100, finished_at=timezone.now(), updated_at=timezone.now()
            )
            job.refresh_from_db()
            log_job(job, before, actor=actor)
            raw_delete(StagedPerson.objects.filter(job=job))
    except Exception:
        logger.exception("import job %s: import failed, nothing was written", job.pk)  # never the error's text
        transition(
            job,
            JobState.FAILED,
            actor=actor,
            sources=[JobState.QUEUED],
            error_message=_(
                "Impor gagal dan tidak ada data yang tersimpan. Coba lagi dengan mengunggah ulang berkasnya, atau "
                "hubungi administrator (impor #%(id)s)."
            )
            % {"id": job.pk},
            finished_at=timezone.now(),
        )
        clear_staging(job)
        raise
    finally:
        cache.delete(progress_key(job.pk))


_COUNTS = ("imported_people", "imported_phones", "imported_accounts", "imported_stays", "skipped_rows")


class Importer:
    def __init__(self, job: ImportJob, actor: Any) -> None:
        self.job = job
        self.actor = actor
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.quote = connection.ops.quote_name

    def run(self) -> dict[str, int]:
        _step(self.job, "checking")
        skipped = self._skip_what_changed()
        _step(self.job, "people")
        self._allocate_ids()
        try:
            people = self._copy(Person, self._person_values(), "TRUE")
            self._name_tokens()
            _step(self.job, "details")
            phones = self._copy(Phone, self._phone_values(), "s.phone_number IS NOT NULL")
            accounts = self._copy(BankAccount, self._account_values(), "s.account_number IS NOT NULL")
            stays = self._copy(MigrationStay, self._stay_values(), "s.country <> ''")
            _step(self.job, "history")
            self._history()
            self._duplicate_pairs()
        finally:
            self._drop_ids()
        return {
            "imported_people": people,
            "imported_phones": phones,
            "imported_accounts": accounts,
            "imported_stays": stays,
            "skipped_rows": skipped,
        }

    # -- what changed since the preview -------------------------------------------------------------------------

    def _skip_what_changed(self) -> int:
        job = self.job
        problems: list[ImportProblem] = []
        skipped: set[int] = set()
        for row, person_id in registered_niks(job).items():
            skipped.add(row)
            problems.append(
                self._problem(row, "nik", "nik_registered", _("NIK ini terdaftar sementara itu; baris ini dilewati."))
            )
            problems[-1].person_id = person_id
        codes = import_jurisdiction(self.actor)
        outside = StagedPerson.objects.filter(job=job)
        if ALL_REGIONS not in codes:
            outside = outside.exclude(region_q("region", codes))
            for row, region in outside.values_list("row_number", "region_id"):
                if row not in skipped:
                    skipped.add(row)
                    message = _("Wilayah %(code)s tidak lagi di yurisdiksi Anda; baris ini dilewati.") % {
                        "code": region
                    }
                    problems.append(self._problem(row, "region_code", "region_outside_jurisdiction", message))
        delete_staged_rows(job, skipped)
        ImportProblem.objects.bulk_create(problems, batch_size=500)
        return len(skipped)

    def _problem(self, row: int, field: str, code: str, message: str) -> ImportProblem:
        column = self.job.columns.get(field, field) if isinstance(self.job.columns, dict) else field
        return ImportProblem(
            job=self.job, row=row, column=column[:100], field=field, severity=Severity.ERROR, code=code, message=message
        )

    # -- ids ----------------------------------------------------------------------------------------------------

    def _allocate_ids(self) -> None:
        """A person id for every staged row, in a temporary table: from the id sequence on PostgreSQL (safe beside
        other writers), after the highest id on SQLite (whose write lock this transaction holds)."""
        staged = self.quote(StagedPerson._meta.db_table)
        person = Person._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {IDS_TABLE} (staged_id bigint PRIMARY KEY, person_id bigint NOT NULL) "
                    "ON COMMIT DROP"
                )
                cursor.execute(
                    f"INSERT INTO {IDS_TABLE} SELECT id, nextval(pg_get_serial_sequence(%s, 'id')) "  # noqa: S608
                    f"FROM {staged} WHERE job_id = %s",
                    [person, self.job.pk],
                )
                # Autovacuum never sees a temporary table: without statistics the joins below are planned blind.
                cursor.execute(f"ANALYZE {IDS_TABLE}")
            else:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{IDS_TABLE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {IDS_TABLE} (staged_id integer PRIMARY KEY, person_id integer NOT NULL)"
                )
                cursor.execute(f"SELECT MAX(id) FROM {self.quote(person)}")  # noqa: S608
                highest = cursor.fetchone()[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [person])
                found = cursor.fetchone()
                base = max(highest, found[0] if found else 0)
                cursor.execute(
                    f"INSERT INTO {IDS_TABLE} SELECT id, %s + row_number FROM {staged} WHERE job_id = %s",  # noqa: S608
                    [base, self.job.pk],
                )

    def _drop_ids(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {IDS_TABLE}")

    # -- copying ------------------------------------------------------------------------------------------------

    def _person_values(self) -> dict[str, Any]:
        staged = (
            "full_name",
            "other_names",
            "search_name",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "nik",
            "nik_index",
            "nik_conflict_confirmed",
            "kk_number",
            "kk_index",
            "street",
        )
        return {
            "id": _Sql("i.person_id"),
            **{name: _Sql(f"s.{self.quote(name)}") for name in staged},
            "region": _Sql("s.region_id"),
            "organisation": self.job.organisation_id,
            "registered_on": self.today,
        }

    def _phone_values(self) -> dict[str, Any]:
        return {
            "person": _Sql("i.person_id"),
            "number": _Sql("s.phone_number"),
            "number_index": _Sql("s.phone_index"),
            "label": "own",
            "is_whatsapp": False,
        }

    def _account_values(self) -> dict[str, Any]:
        return {
            "person": _Sql("i.person_id"),
            "bank": _Sql("s.bank_code"),
            "account_number": _Sql("s.account_number"),
            "account_number_index": _Sql("s.account_number_index"),
            "holder_name": _Sql("s.holder_name"),
            "name_match_score": _Sql("s.name_match_score"),
            "name_mismatch": _Sql("s.name_mismatch"),
            "status": BankAccountStatus.UNVERIFIED,
            "is_primary": True,
        }

    def _stay_values(self) -> dict[str, Any]:
        staged = (
            "country",
            "city",
            "work_sector",
            "employer",
            "recruiting_agency",
            "departure_route",
            "departed_on",
            "returned_on",
            "return_mode",
            "debarkation_point",
            "referred_by",
        )
        return {"person": _Sql("i.person_id"), **{name: _Sql(f"s.{self.quote(name)}") for name in staged}}

    def _copy(self, model: type[models.Model], values: dict[str, Any], condition: str) -> int:
        """INSERT INTO model SELECT ... FROM the staged rows: `values` name a staged column (`_Sql`) or a constant
        for each field; every other field gets its default, prepared as the field prepares it."""
        columns: list[str] = []
        expressions: list[str] = []
        params: list[Any] = []
        for field in model._meta.concrete_fields:
            name = field.name
            if field.primary_key and name not in values:
                continue  # the database numbers it
            if name in values:
                value = values[name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.now
            elif field.null:
                value = None
            elif field.has_default() or field.empty_strings_allowed:
                value = field.get_default()
            else:
                raise ImproperlyConfigured(f"the import gives no value for {model._meta.label}.{name}")
            columns.append(self.quote(field.column))
            if isinstance(value, _Sql):
                expressions.append(value.sql)
            else:
                expressions.append("%s")
                params.append(field.get_db_prep_save(value, connection))
        table = self.quote(model._meta.db_table)
        staged = self.quote(StagedPerson._meta.db_table)
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "  # noqa: S608 - names only
            f"FROM {staged} s JOIN {IDS_TABLE} i ON i.staged_id = s.id WHERE s.job_id = %s AND {condition}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.job.pk])
            return max(cursor.rowcount, 0)

    def _name_tokens(self) -> None:
        """The new people's name tokens (the list's name filter), a batch of staged rows at a time."""
        staged = self.quote(StagedPerson._meta.db_table)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT s.id, i.person_id, s.search_name, s.region_id FROM {staged} s "  # noqa: S608
                    f"JOIN {IDS_TABLE} i ON i.staged_id = s.id WHERE s.job_id = %s AND s.id > %s "
                    "ORDER BY s.id LIMIT %s",
                    [self.job.pk, last, TOKEN_BATCH],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            PersonNameToken.objects.insert((person, name, region) for _id, person, name, region in rows)
            last = rows[-1][0]

    # -- history and duplicates ---------------------------------------------------------------------------------

    def _history(self) -> None:
        """One "created" entry per new person, as a registration writes, naming the import; identifiers masked.
        Built by the database (its JSON functions), like the rows themselves."""
        postgres = connection.vendor == "postgresql"
        obj, arr = ("json_build_object", "json_build_array") if postgres else ("json_object", "json_array")
        text = "text" if postgres else "TEXT"

        def masked(column: str) -> str:
            return f"CASE WHEN s.{column} IS NULL THEN 'None' ELSE '******' END"

        changes = (
            f"{obj}('full_name', {arr}('None', s.full_name), 'sex', {arr}('None', s.sex), "
            f"'birth_date', {arr}('None', COALESCE(CAST(s.birth_date AS {text}), 'None')), "
            f"'region', {arr}('None', s.region_id), 'nik', {arr}('None', {masked('nik')}), "
            f"'kk_number', {arr}('None', {masked('kk_number')}), "
            f"'organisation', {arr}('None', CAST(%s AS {text})))"
        )
        if postgres:
            changes = f"CAST({changes} AS jsonb)"
        entry = LogEntry._meta
        fields = {
            "content_type": ("%s", ContentType.objects.get_for_model(Person).pk),
            "object_pk": (f"CAST(i.person_id AS {'varchar' if postgres else 'TEXT'})", None),
            "object_id": ("i.person_id", None),
            "object_repr": ("s.full_name", None),
            "action": ("%s", LogEntry.Action.CREATE),
            "changes_text": ("%s", ""),
            "changes": (changes, self.job.organisation_id),
            "actor": ("%s", getattr(self.actor, "pk", None)),
            "actor_email": ("%s", getattr(self.actor, "email", None)),
            "cid": ("%s", f"import-{self.job.pk}"),
            "timestamp": ("%s", self.now),
            "additional_data": ("%s", {"import_job": self.job.pk}),
        }
        columns, expressions, params = [], [], []
        for name, (expression, value) in fields.items():
            field = entry.get_field(name)
            columns.append(self.quote(field.column))
            expressions.append(expression)
            if "%s" in expression:
                params.append(field.get_db_prep_save(value, connection) if expression == "%s" else value)
        table = self.quote(entry.db_table)
        staged = self.quote(StagedPerson._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "  # noqa: S608
                f"FROM {staged} s JOIN {IDS_TABLE} i ON i.staged_id = s.id WHERE s.job_id = %s",
                [*params, self.job.pk],
            )
            # Each entry just written (this run's timestamp: a job set back and run again wrote others before)
            # placed in its person's region, as audit.history.place_entry does for a registration; the people are
            # already copied, so their primary key leads the join.
            scope = EntryScope._meta
            person = self.quote(Person._meta.db_table)
            cursor.execute(
                f"INSERT INTO {self.quote(scope.db_table)} ({self.quote(scope.get_field('entry').column)}, "  # noqa: S608
                f"{self.quote(scope.get_field('region').column)}) "
                f"SELECT e.id, p.region_id FROM {table} e JOIN {person} p ON p.id = e.object_id "
                f"WHERE e.cid = %s AND e.timestamp = %s AND e.content_type_id = %s AND e.action = %s",
                [
                    f"import-{self.job.pk}",
                    entry.get_field("timestamp").get_db_prep_save(self.now, connection),
                    fields["content_type"][1],
                    LogEntry.Action.CREATE,
                ],
            )

    def _duplicate_pairs(self) -> None:
        """The possible duplicates the preview showed become pairs for a supervisor to review, as after a
        registration."""
        candidates = ImportProblem.objects.filter(
            job=self.job, code="possible_duplicate", person_id__isnull=False
        ).values_list("row", "person_id", "details")
        staged = self.quote(StagedPerson._meta.db_table)
        pairs: list[tuple[int, DuplicatePair]] = []
        rows: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        for row, other, details in candidates.iterator(chunk_size=2000):
            rows.setdefault(row, []).append((int(other or 0), details or {}))
        numbers = sorted(rows)
        with connection.cursor() as cursor:
            for start in range(0, len(numbers), 500):
                batch = numbers[start : start + 500]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"SELECT s.row_number, i.person_id FROM {staged} s JOIN {IDS_TABLE} i "  # noqa: S608
                    f"ON i.staged_id = s.id WHERE s.job_id = %s AND s.row_number IN ({marks})",
                    [self.job.pk, *batch],
                )
                for row, person_id in cursor.fetchall():
                    for other, details in rows[row]:
                        first, second = sorted((int(person_id), int(other)))
                        pair = DuplicatePair(
                            first_id=first,
                            second_id=second,
                            score=min(100, int(details.get("score", 0))),
                            reasons=details.get("reasons", []),
                        )
                        pairs.append((int(other), pair))
        others = sorted({other for other, _pair in pairs})
        alive: set[int] = set()
        for start in range(0, len(others), 500):
            alive.update(
                Person.objects.filter(pk__in=others[start : start + 500], merged_into__isnull=True).values_list(
                    "pk", flat=True
                )
            )
        DuplicatePair.objects.bulk_create(
            [pair for other, pair in pairs if other in alive], batch_size=500, ignore_conflicts=True
        )


class _Sql:
    """A column of the staged rows (or of the id table) in an INSERT ... SELECT."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
