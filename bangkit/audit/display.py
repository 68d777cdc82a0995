"""History entries made readable: field labels, choice labels, related records by name, times in the user's zone.

auditlog stores every value as text (a foreign key as its primary key, a time as naive UTC). `describe_entries`
turns a page of entries into `EntryView`s for the audit page, the per-record timeline and the API, resolving the
related records of a whole page with one query per related model, never one per entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangkit.audit.history import masked_fields

# Stable names of auditlog's actions for filters and the API, with their labels.
ACTIONS: dict[str, tuple[int, Promise]] = {
    "create": (LogEntry.Action.CREATE, gettext_lazy("dibuat")),
    "update": (LogEntry.Action.UPDATE, gettext_lazy("diubah")),
    "delete": (LogEntry.Action.DELETE, gettext_lazy("dihapus")),
    "access": (LogEntry.Action.ACCESS, gettext_lazy("dilihat")),
}
ACTION_SLUGS = {number: slug for slug, (number, _label) in ACTIONS.items()}
ACTION_CHOICES = [(slug, label) for slug, (_number, label) in ACTIONS.items()]

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str | None
    new: str | None
    old_display: str
    new_display: str
    masked: bool


@dataclass(frozen=True)
class RelationChange:
    field: str
    label: str
    operation: str
    operation_label: str
    objects: list[str]


@dataclass
class EntryView:
    entry: LogEntry
    changes: list[FieldChange] = field(default_factory=list)
    relation_changes: list[RelationChange] = field(default_factory=list)

    @property
    def action(self) -> str:
        return ACTION_SLUGS.get(self.entry.action, str(self.entry.action))

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action][1]) if self.action in ACTIONS else self.action

    @property
    def record_type(self) -> str:
        content_type = self.entry.content_type
        return f"{content_type.app_label}.{content_type.model}"

    @property
    def record_type_label(self) -> str:
        return str(self.entry.content_type.name)

    @property
    def actor_label(self) -> str:
        actor = self.entry.actor
        if actor is not None:
            return str(actor)
        return self.entry.actor_email or _("Sistem")


def _stored(value: Any) -> str | None:
    """auditlog writes None as the text "None"."""
    return None if value is None or value == "None" else str(value)


def _model_field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_reference(model_field: Any) -> bool:
    return model_field is not None and model_field.concrete and bool(model_field.many_to_one or model_field.one_to_one)


def _reference_key(model_field: Any, value: str) -> Any:
    try:
        return model_field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _readable(model_field: Any, value: str | None, references: dict[Any, dict[Any, models.Model]]) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field is None:
        return value
    if _is_reference(model_field):
        related = references.get(model_field.related_model, {}).get(_reference_key(model_field, value))
        if related is None:
            return _("#%(id)s (dihapus atau di luar yurisdiksi Anda)") % {"id": value}
        return str(related)
    if getattr(model_field, "choices", None):
        return str({str(key): label for key, label in model_field.flatchoices}.get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("ya") if value == "True" else _("tidak") if value == "False" else value
    try:
        if isinstance(model_field, models.DateTimeField):
            moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        if isinstance(model_field, models.DateField):
            return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value
    return value


def _readable_records(model: type[models.Model], user: Any) -> models.QuerySet[Any]:
    """The records of `model` whose names `user` may read: a history entry must not name a survivor the
    reader could not open. Models without jurisdiction (regions, banks) are reference data, readable by all."""
    queryset = model._base_manager.all()
    restrict = getattr(model._default_manager.all(), "restrict", None)
    if restrict is None:
        return queryset
    return restrict(user, "view")


def _related_records(entries: Sequence[LogEntry], user: Any) -> dict[Any, dict[Any, models.Model]]:
    """Every record referred to by a foreign key in `entries` that `user` may see, by model and primary key."""
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        masked = masked_fields(model)
        for name, values in (entry.changes or {}).items():
            model_field = _model_field(model, name)
            if name in masked or not _is_reference(model_field) or not isinstance(values, list | tuple):
                continue
            for value in values:
                key = _reference_key(model_field, value) if _stored(value) else None
                if key is not None:
                    wanted[model_field.related_model].add(key)
    return {related: _readable_records(related, user).in_bulk(list(keys)) for related, keys in wanted.items()}


def describe_entries(entries: Sequence[LogEntry], user: Any) -> list[EntryView]:
    references = _related_records(entries, user)
    views = []
    for entry in entries:
        model = entry.content_type.model_class()
        masked = masked_fields(model)
        view = EntryView(entry=entry)
        order = {model_field.name: position for position, model_field in enumerate(model._meta.fields)} if model else {}
        for name, values in sorted((entry.changes or {}).items(), key=lambda item: (order.get(item[0], 999), item[0])):
            model_field = _model_field(model, name)
            label = str(getattr(model_field, "verbose_name", name))
            if isinstance(values, dict) and values.get("type") == "m2m":
                operation = str(values.get("operation", ""))
                view.relation_changes.append(
                    RelationChange(
                        field=name,
                        label=label,
                        operation=operation,
                        operation_label=_("ditambahkan") if operation == "add" else _("dilepas"),
                        objects=[str(item) for item in values.get("objects", [])],
                    )
                )
                continue
            old, new = (_stored(value) for value in values)
            is_masked = name in masked
            view.changes.append(
                FieldChange(
                    field=name,
                    label=label,
                    old=old,
                    new=new,
                    old_display=_("(disamarkan)") if is_masked and old else _readable(model_field, old, references),
                    new_display=_("(disamarkan)") if is_masked and new else _readable(model_field, new, references),
                    masked=is_masked,
                )
            )
        views.append(view)
    return views
