"""Moves every encrypted value to the newest FIELD_ENCRYPTION_KEYS key and, with --reindex, every blind index to
the current BLIND_INDEX_KEY. Procedure: docs/operations/key-rotation.md.

It finds its columns itself: every encrypted field and blind index of every installed model, by their type, and
the plain columns a model declares in `encrypted_copies` as holding copies of them (the spreadsheet import's staged
rows, `dataimport.StagedPerson`). A model cannot be forgotten: `core/tests/test_key_rotation_coverage.py` checks
that no column of any table is left under an old key.

Rows are found by the key id their stored values start with, so the command only touches what still needs it and
can be stopped and started again at any time. Each batch runs in its own transaction and locks its rows
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions lock the database) between reading and
rewriting them, so a concurrent save is never overwritten with a stale value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, router, transaction
from django.db.models import ExpressionWrapper, F, Q

from bangkit.core import crypto
from bangkit.core.fields import BlindIndexField, EncryptedTextField

# A model whose plain columns hold copies of other fields' ciphertexts or blind indexes, made for those fields and
# copied into them verbatim later (the import's staging table), names them in a class attribute of this name:
# {"its column": "app_label.Model.field"}. The copies are re-encrypted and reindexed as the field itself would be.
COPIES_ATTRIBUTE = "encrypted_copies"


def _raw_name(column: str) -> str:
    return f"_stored_{column}"


@dataclass(frozen=True)
class _Encrypted:
    """A column holding ciphertext of `field`: the field's own column, or a plain column holding copies of it."""

    column: str
    field: EncryptedTextField
    copy: bool = False

    def written(self, plaintext: str | None) -> str | None:
        """What update() is given to store `plaintext` under the newest key: the field encrypts its own column,
        a copy's plain column must be given the ciphertext."""
        return self.field.get_prep_value(plaintext) if self.copy else plaintext


@dataclass(frozen=True)
class _Index:
    """A column holding the blind index `field` computes from the encrypted column `source`."""

    column: str
    field: BlindIndexField
    source: _Encrypted


@dataclass(frozen=True)
class _Plan:
    """One model's encrypted and blind-index columns, and how to find and fix its stale rows."""

    model: type[models.Model]
    encrypted: list[_Encrypted]
    indexes: list[_Index]
    using: str

    def raw_columns(self) -> list[_Encrypted]:
        """The encrypted columns read raw: those to re-encrypt and those that blind indexes are computed from."""
        columns = [*self.encrypted, *(index.source for index in self.indexes)]
        return list({column.column: column for column in columns}.values())

    def stored(self) -> models.QuerySet[models.Model]:
        # Typed as plain text so that neither decryption nor the encrypted field's lookup refusal applies:
        # finding stale rows compares key ids, never plaintext.
        raw = {
            _raw_name(c.column): ExpressionWrapper(F(c.column), output_field=models.TextField())
            for c in self.raw_columns()
        }
        return self.model._base_manager.using(self.using).annotate(**raw)

    def under_old_key(self, prefix: str) -> Q:
        stale = Q(pk__in=[])
        for column in self.encrypted:
            raw = _raw_name(column.column)
            stale |= Q(**{f"{raw}__isnull": False}) & ~Q(**{raw: ""}) & ~Q(**{f"{raw}__startswith": prefix})
        return stale

    def index_stale(self, prefix: str) -> Q:
        """Indexes made under another key, or missing (say a BlindIndexField just added to a filled table)."""
        stale = Q(pk__in=[])
        for index in self.indexes:
            source, name = _raw_name(index.source.column), index.column
            missing = Q(**{f"{name}__isnull": True, f"{source}__isnull": False}) & ~Q(**{source: ""})
            stale |= missing | (Q(**{f"{name}__isnull": False}) & ~Q(**{f"{name}__startswith": prefix}))
        return stale

    def rewrite(self, row: dict[str, Any], *, prefix: str, reindex: bool) -> bool:
        """Write back what is stale in one locked row; True if anything changed."""
        changes: dict[str, str | None] = {}
        for column in self.encrypted:
            stored = row[_raw_name(column.column)]
            if stored and not stored.startswith(prefix):
                changes[column.column] = column.written(column.field.decrypt(stored))
        if reindex:
            for index in self.indexes:
                source = index.source
                value = index.field.index_for(source.field.decrypt(row[_raw_name(source.column)]))
                if value != row[index.column]:
                    changes[index.column] = value
        if changes:
            self.model._base_manager.using(self.using).filter(pk=row["pk"]).update(**changes)
        return bool(changes)


def _copied_field(model: type[models.Model], column: str, target: str) -> models.Field[Any, Any]:
    """The encrypted field or blind index named by `target` ("app_label.Model.field"), checked."""
    where = f"{model._meta.label}.{COPIES_ATTRIBUTE}[{column!r}]"
    try:
        local = model._meta.get_field(column)
        label, _, name = target.rpartition(".")
        field = apps.get_model(label)._meta.get_field(name)
    except (FieldDoesNotExist, LookupError, ValueError) as exc:
        raise ImproperlyConfigured(f"{where}: {exc}") from exc
    if local not in model._meta.local_concrete_fields or isinstance(local, EncryptedTextField | BlindIndexField):
        raise ImproperlyConfigured(f"{where}: not a plain column of the model")
    if not isinstance(field, EncryptedTextField | BlindIndexField):
        raise ImproperlyConfigured(f"{where}: {target} is neither an encrypted field nor a blind index")
    return field


def plan_for(model: type[models.Model], using: str | None = None) -> _Plan | None:
    """What the command rewrites in `model`, or None if it holds nothing encrypted."""
    # Local fields only: a multi-table child's inherited columns live in, and are rotated with, its parent.
    local = model._meta.local_concrete_fields
    encrypted = [_Encrypted(f.name, f) for f in local if isinstance(f, EncryptedTextField)]
    indexes = []
    for field in local:
        if isinstance(field, BlindIndexField):
            source = model._meta.get_field(field.source)
            assert isinstance(source, EncryptedTextField)  # BlindIndexField.check() guarantees it
            indexes.append(_Index(field.name, field, _Encrypted(source.name, source)))
    copies = {
        column: _copied_field(model, column, target)
        for column, target in (getattr(model, COPIES_ATTRIBUTE, None) or {}).items()
    }
    for column, field in copies.items():
        if isinstance(field, EncryptedTextField):
            encrypted.append(_Encrypted(column, field, copy=True))
    for column, field in copies.items():
        if not isinstance(field, BlindIndexField):
            continue
        source_field = field.model._meta.get_field(field.source)
        sources = [copy for copy in encrypted if copy.copy and copy.field is source_field]
        if len(sources) != 1:
            raise ImproperlyConfigured(
                f"{model._meta.label}.{COPIES_ATTRIBUTE}[{column!r}] copies an index of "
                f"{field.model._meta.label}.{field.source}: exactly one column must copy that field "
                f"(found {len(sources)})"
            )
        indexes.append(_Index(column, field, sources[0]))
    if not encrypted and not indexes:
        return None
    return _Plan(model, encrypted, indexes, using=using or router.db_for_write(model))


def _plans() -> list[_Plan]:
    plans = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        plan = plan_for(model)
        if plan is not None:
            plans.append(plan)
    return plans


class Command(BaseCommand):
    help = (
        "Re-encrypt values still under an older FIELD_ENCRYPTION_KEYS key; with --reindex, also recompute blind "
        "indexes made under an older BLIND_INDEX_KEY (or missing). Resumable; safe to run while the site is up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument(
            "--reindex", action="store_true", help="also recompute blind indexes not under the current key"
        )
        parser.add_argument("--dry-run", action="store_true", help="only count the rows that need rewriting")

    def handle(self, *args: Any, batch_size: int, reindex: bool, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            prefix = crypto.ciphertext_prefix()
            index_prefix = crypto.blind_index_prefix() if reindex else None
            plans = _plans()
        except ImproperlyConfigured as exc:  # EncryptionKeyError, or a misdeclared copy
            raise CommandError(str(exc)) from exc
        if not plans:
            self.stdout.write("No model has encrypted fields.")
        for plan in plans:
            if dry_run:
                self._report(plan, prefix, index_prefix)
            else:
                self._rotate(plan, prefix, index_prefix, batch_size)

    def _report(self, plan: _Plan, prefix: str, index_prefix: str | None) -> None:
        stored = plan.stored()
        message = (
            f"{plan.model._meta.label}: {stored.filter(plan.under_old_key(prefix)).count()} rows under an older key"
        )
        if index_prefix is not None:
            message += f", {stored.filter(plan.index_stale(index_prefix)).count()} rows to reindex"
        self.stdout.write(f"{message} (dry run: nothing written)")

    def _rotate(self, plan: _Plan, prefix: str, index_prefix: str | None, batch_size: int) -> None:
        label = plan.model._meta.label
        stale = plan.under_old_key(prefix)
        if index_prefix is not None:
            stale |= plan.index_stale(index_prefix)
        pending = plan.stored().filter(stale)
        total = pending.count()
        columns = [
            "pk",
            *(_raw_name(column.column) for column in plan.raw_columns()),
            *(index.column for index in plan.indexes),
        ]
        checked = rewritten = 0
        last_pk: Any = None
        while True:
            # Keyset pagination: each row is visited at most once per run, even one that stays "stale" (a value
            # that normalises to nothing never gets an index).
            batch = pending if last_pk is None else pending.filter(pk__gt=last_pk)
            with transaction.atomic(using=plan.using):
                rows = list(batch.select_for_update().order_by("pk").values(*columns)[:batch_size])
                for row in rows:
                    try:
                        rewritten += plan.rewrite(row, prefix=prefix, reindex=index_prefix is not None)
                    except (crypto.DecryptionError, IntegrityError) as exc:
                        # IntegrityError: two rows share a unique blind index (a duplicate let in while the index
                        # key was changing). The batch rolls back; resolve the duplicate and run again.
                        raise CommandError(f"{label} pk={row['pk']}: {exc}") from exc
            if not rows:
                break
            last_pk = rows[-1]["pk"]
            checked += len(rows)
            self.stdout.write(f"{label}: {checked}/{total} rows checked, {rewritten} rewritten")
        self.stdout.write(self.style.SUCCESS(f"{label}: done, {rewritten} rows rewritten"))
