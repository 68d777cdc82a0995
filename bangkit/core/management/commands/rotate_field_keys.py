"""Moves every encrypted value to the newest FIELD_ENCRYPTION_KEYS key and, with --reindex, every blind index to
the current BLIND_INDEX_KEY. Procedure: docs/operations/key-rotation.md.

Rows are found by the key id their stored values start with, so the command only touches what still needs it and
can be stopped and started again at any time. Each batch runs in its own transaction and locks its rows
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions lock the database) between reading and
rewriting them, so a concurrent save is never overwritten with a stale value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, router, transaction
from django.db.models import ExpressionWrapper, F, Q

from bangkit.core import crypto
from bangkit.core.fields import BlindIndexField, EncryptedTextField


def _raw_name(field: EncryptedTextField) -> str:
    return f"_stored_{field.name}"


@dataclass(frozen=True)
class _Plan:
    """One model's encrypted and blind-index columns, and how to find and fix its stale rows."""

    model: type[models.Model]
    encrypted: list[EncryptedTextField]
    indexes: list[BlindIndexField]
    using: str

    def source_of(self, index: BlindIndexField) -> EncryptedTextField:
        source = self.model._meta.get_field(index.source)
        assert isinstance(source, EncryptedTextField)  # BlindIndexField.check() guarantees it
        return source

    def raw_fields(self) -> list[EncryptedTextField]:
        """The encrypted columns read raw: those to re-encrypt and those that blind indexes are computed from."""
        fields = [*self.encrypted, *(self.source_of(index) for index in self.indexes)]
        return list({field.name: field for field in fields}.values())

    def stored(self) -> models.QuerySet[models.Model]:
        # Typed as plain text so that neither decryption nor the encrypted field's lookup refusal applies:
        # finding stale rows compares key ids, never plaintext.
        raw = {_raw_name(f): ExpressionWrapper(F(f.name), output_field=models.TextField()) for f in self.raw_fields()}
        return self.model._base_manager.using(self.using).annotate(**raw)

    def under_old_key(self, prefix: str) -> Q:
        stale = Q(pk__in=[])
        for field in self.encrypted:
            raw = _raw_name(field)
            stale |= Q(**{f"{raw}__isnull": False}) & ~Q(**{raw: ""}) & ~Q(**{f"{raw}__startswith": prefix})
        return stale

    def index_stale(self, prefix: str) -> Q:
        """Indexes made under another key, or missing (say a BlindIndexField just added to a filled table)."""
        stale = Q(pk__in=[])
        for index in self.indexes:
            source = _raw_name(self.source_of(index))
            missing = Q(**{f"{index.name}__isnull": True, f"{source}__isnull": False}) & ~Q(**{source: ""})
            stale |= missing | (Q(**{f"{index.name}__isnull": False}) & ~Q(**{f"{index.name}__startswith": prefix}))
        return stale

    def rewrite(self, row: dict[str, Any], *, prefix: str, reindex: bool) -> bool:
        """Write back what is stale in one locked row; True if anything changed."""
        changes: dict[str, str | None] = {}
        for field in self.encrypted:
            stored = row[_raw_name(field)]
            if stored and not stored.startswith(prefix):
                # Writing the plaintext back through the field encrypts it under the newest key.
                changes[field.name] = field.decrypt(stored)
        if reindex:
            for index in self.indexes:
                source = self.source_of(index)
                value = index.index_for(source.decrypt(row[_raw_name(source)]))
                if value != row[index.name]:
                    changes[index.name] = value
        if changes:
            self.model._base_manager.using(self.using).filter(pk=row["pk"]).update(**changes)
        return bool(changes)


def _plans() -> list[_Plan]:
    plans = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        # Local fields only: a multi-table child's inherited columns live in, and are rotated with, its parent.
        local = model._meta.local_concrete_fields
        encrypted = [field for field in local if isinstance(field, EncryptedTextField)]
        indexes = [field for field in local if isinstance(field, BlindIndexField)]
        if encrypted or indexes:
            plans.append(_Plan(model, encrypted, indexes, using=router.db_for_write(model)))
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
        except crypto.EncryptionKeyError as exc:
            raise CommandError(str(exc)) from exc
        plans = _plans()
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
        columns = ["pk", *(_raw_name(field) for field in plan.raw_fields()), *(index.name for index in plan.indexes)]
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
