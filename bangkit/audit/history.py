"""Change and access history: who changed what (before → after) and who viewed which sensitive record.

Every app puts its models under history in its AppConfig.ready() with `register_history`; views of sensitive records
call `record_access` (or use `AccessLoggedMixin`). Entries are django-auditlog `LogEntry` rows carrying the actor,
the request id (`cid`) and the remote address. Import this module inside ready(), never at an app's module level:
auditlog's registry needs the models loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any, NamedTuple

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import get_field_value, get_fields_in_model
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import connection, models
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import smart_str
from django.views.generic.detail import SingleObjectMixin
from rest_framework.request import Request

from bangkit.core.bulk import insert_rows
from bangkit.core.fields import BlindIndexField, EncryptedTextField
from bangkit.core.middleware import client_ip

VIEW_HISTORY = "audit.view_history"

# What a masked value is stored as: fixed, so that not even the length of the secret reaches the log.
MASK = "******"

# Columns whose changes tell an auditor nothing: the entry's own timestamp already says when.
NOISE_FIELDS = ("created_at", "updated_at")

# Models of bangkit apps that deliberately have no history: app labels, or "app_label.ModelName" labels.
HISTORY_EXEMPT: frozenset[str] = frozenset(
    {
        "encryption_app",  # test-only app of the field-encryption tests
        "regions.RegionToken",  # search keys derived from Region and rebuilt on each of its saves
        "cases.CaseEvent",  # the case timeline: written once by services, never changed
        "audit.EntryScope",  # part of the history itself
        "registry.PersonNameToken",  # search keys derived from Person and rebuilt on each of its saves
        "core.IdempotentRequest",  # replayable API answers kept for a day, not domain data
        "notifications.Notification",  # a user's alert about a change the history holds; reading it is no decision
        "prevention.ChecklistUse",  # anonymous tallies; an entry would keep the visitor's address
    }
)


def mask_value(value: str) -> str:
    """auditlog's mask callable. Its default keeps half the value; ours keeps none, only whether it was empty."""
    return value if value in ("", "None") else MASK


def register_history(
    model: type[models.Model],
    *,
    mask_fields: Iterable[str] = (),
    exclude_fields: Iterable[str] = (),
    m2m_fields: Iterable[str] = (),
) -> None:
    """Records every create, update and delete of `model` in the history.

    `mask_fields`: further sensitive fields whose values are replaced by MASK; the entry still shows that they
    changed. Encrypted fields and blind indexes are always masked. `exclude_fields`: fields not recorded at all
    (hashes, secrets, bookkeeping). `m2m_fields`: many-to-many fields whose additions and removals are recorded.
    """
    mask_fields, exclude_fields, m2m_fields = list(mask_fields), list(exclude_fields), list(m2m_fields)
    field_names = {field.name for field in model._meta.get_fields()}
    # A misspelt mask field would silently log the secret in clear, so every name must exist.
    unknown = sorted(set(mask_fields + exclude_fields + m2m_fields) - field_names)
    if unknown:
        raise ImproperlyConfigured(f"register_history({model._meta.label}): no field named {', '.join(unknown)}")
    # Forgetting one in mask_fields must not put plaintext, or an HMAC open to guessing, into the audit table.
    mask_fields += [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | BlindIndexField) and field.name not in mask_fields
    ]
    exclude_fields += [name for name in NOISE_FIELDS if name in field_names and name not in exclude_fields]
    # auditlog diffs reverse relations too, writing "accounts.User.None" on every create and delete.
    exclude_fields += [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
    auditlog.register(
        model,
        exclude_fields=exclude_fields,
        mask_fields=mask_fields,
        mask_callable=f"{__name__}.mask_value",
        m2m_fields=set(m2m_fields),
    )


def masked_fields(model: type[models.Model] | None) -> frozenset[str]:
    if model is None or not auditlog.contains(model):
        return frozenset()
    return frozenset(auditlog.get_model_fields(model)["mask_fields"])


def record_region_code(obj: models.Model | None) -> str | None:
    """The code of the region that places `obj` (its `scope_region_path`), or None for national records."""
    if obj is None:
        return None
    if obj._meta.label == "regions.Region":
        return str(obj.pk)
    path: str | None = getattr(type(obj), "scope_region_path", None)
    if path is None:
        return None
    *hops, last = path.split("__")
    target: Any = obj
    try:
        for hop in hops:
            target = getattr(target, hop)
            if target is None:
                return None
    except ObjectDoesNotExist:  # the parent went first in a cascade delete
        return None
    code = getattr(target, target._meta.get_field(last).attname)
    return None if code is None else str(code)


def place_entry(entry: LogEntry, *versions: models.Model | None) -> None:
    """Files `entry` under the region of each version of its record (before and after a move)."""
    from bangkit.audit.models import EntryScope

    codes = {code for code in map(record_region_code, versions) if code is not None}
    EntryScope.objects.bulk_create([EntryScope(entry=entry, region_id=code) for code in sorted(codes)])


@lru_cache(maxsize=64)
def _created_fields(model: type[models.Model]) -> tuple[tuple[str, Callable[[models.Model], Any], bool], ...]:
    """(name, value as auditlog writes it, masked) of each field `model`'s history tracks (`register_history`
    masks with `mask_value`)."""
    settings_of = auditlog.get_model_fields(model)
    include, exclude = settings_of["include_fields"], settings_of["exclude_fields"]
    masked = set(settings_of["mask_fields"])
    tracked = []
    for field in get_fields_in_model(model()):
        if (include and field.name not in include) or field.name in exclude:
            continue
        if isinstance(field, models.DateTimeField | models.JSONField):
            value: Callable[[models.Model], Any] = partial(get_field_value, field=field)
        elif field.many_to_one or field.one_to_one:
            value = partial(_attribute_text, attname=field.attname)
        else:
            value = partial(_attribute_text, attname=field.name)
        tracked.append((field.name, value, field.name in masked))
    return tuple(tracked)


def _attribute_text(obj: models.Model, *, attname: str) -> str:
    value = getattr(obj, attname)
    # smart_str's checks cost a third of the history of 10,000 enrolments; only bytes need them.
    return smart_str(value) if isinstance(value, bytes) else str(value)


def log_bulk_created(objects: Sequence[models.Model], *, actor: Any) -> None:
    """The "created" entries of records saved with `bulk_create`, which sends no signal: for each, the entry a
    single save would have written (same changes, same masking, same request id and address) and its placement in
    the record's region — written with multi-row inserts, so that a list of 10,000 costs a second, not a minute."""
    if not objects:
        return
    fields = _created_fields(type(objects[0]))

    def changes(obj: models.Model) -> dict[str, list[str]]:
        written = {}
        for name, value, masked in fields:
            text = value(obj)
            if text != "None":
                written[name] = ["None", mask_value(text) if masked else text]
        return written

    _write_entries(
        type(objects[0]),
        LogEntry.Action.CREATE,
        [(obj.pk, smart_str(obj), changes(obj), record_region_code(obj)) for obj in objects],
        actor=actor,
    )


class RowEntry(NamedTuple):
    """A record's history entry given by its values rather than an instance, for writes of tens of thousands of
    rows where building instances would cost more than the write: its primary key, its text (as its __str__ would
    give it), the code of the region that places it, and its fields by attribute name — their values (created) or
    their (before, after) pairs (updated)."""

    pk: Any
    text: str
    region: str | None
    fields: Mapping[str, Any]


def log_bulk_created_rows(model: type[models.Model], rows: Iterable[RowEntry], *, actor: Any) -> None:
    """`log_bulk_created` for records given as rows: `fields` hold every tracked field's value."""
    tracked = _tracked_by_attname(model)
    entries = []
    for row in rows:
        changes = {}
        for attname, value in row.fields.items():
            if (spec := tracked.get(attname)) is not None:
                name, masked, field = spec
                if (text := _value_text(field, value)) != "None":
                    changes[name] = ["None", mask_value(text) if masked else text]
        entries.append((row.pk, row.text, changes, row.region))
    _write_entries(model, LogEntry.Action.CREATE, entries, actor=actor)


def log_bulk_changed_rows(model: type[models.Model], rows: Iterable[RowEntry], *, actor: Any) -> None:
    """The "updated" entries of records changed with `update()`, which sends no signal: `fields` hold the
    (before, after) values of the fields changed. Fields whose value did not change are left out, as a single save
    would."""
    tracked = _tracked_by_attname(model)
    # A bulk change mostly writes the same few changes (state: approved → sent) many times: each is encoded once.
    encoded: dict[tuple[Any, ...], str] = {}
    entries = []
    for row in rows:
        key = tuple(row.fields.items())
        text = encoded.get(key)
        if text is None:
            changes = {}
            for attname, (old, new) in row.fields.items():
                name, masked, field = tracked[attname]
                old_text, new_text = _value_text(field, old), _value_text(field, new)
                if old_text != new_text:
                    changes[name] = [mask_value(old_text), mask_value(new_text)] if masked else [old_text, new_text]
            text = encoded[key] = json.dumps(changes)
        entries.append((row.pk, row.text, text, row.region))
    _write_entries(model, LogEntry.Action.UPDATE, entries, actor=actor)


@lru_cache(maxsize=64)
def _tracked_by_attname(model: type[models.Model]) -> dict[str, tuple[str, bool, models.Field[Any, Any]]]:
    """attribute name → (name, masked, field) of each field `model`'s history tracks."""
    settings_of = auditlog.get_model_fields(model)
    include, exclude = settings_of["include_fields"], settings_of["exclude_fields"]
    masked = set(settings_of["mask_fields"])
    return {
        field.attname: (field.name, field.name in masked, field)
        for field in model._meta.concrete_fields
        if not ((include and field.name not in include) or field.name in exclude)
    }


def _value_text(field: models.Field[Any, Any], value: Any) -> str:
    """A value as auditlog writes it: date-times in naive UTC, everything else as text."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value, timezone=UTC)
    return smart_str(value) if isinstance(value, bytes) else str(value)


def _write_entries(
    model: type[models.Model],
    action: int,
    entries: Sequence[tuple[Any, str, dict[str, list[str]] | str, str | None]],
    *,
    actor: Any,
) -> None:
    """Writes (primary key, text, changes or their JSON, region code) entries with multi-row inserts, then places
    each in its region."""
    from bangkit.audit.models import EntryScope

    if not entries:
        return
    if getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False):
        raise ImproperlyConfigured("bulk history writes auditlog's text changes only")
    content_type = ContentType.objects.get_for_model(model)
    now, cid = timezone.now(), get_cid()
    try:  # the request's address, as auditlog's middleware gives it to single saves
        remote_addr = auditlog_value.get().get("remote_addr")
    except LookupError:
        remote_addr = None
    columns = (
        "content_type",
        "object_pk",
        "object_id",
        "object_repr",
        "action",
        "changes_text",
        "changes",
        "actor",
        "actor_email",
        "cid",
        "remote_addr",
        "timestamp",
    )
    stamp = LogEntry._meta.get_field("timestamp").get_db_prep_save(now, connection)
    actor_id, actor_email = getattr(actor, "pk", None), getattr(actor, "email", None)
    insert_rows(
        LogEntry,
        columns,
        (
            (
                content_type.pk,
                str(pk),
                pk,
                text,
                action,
                "",
                # The text JSONField would write, at a fifth of its cost.
                changes if isinstance(changes, str) else json.dumps(changes),
                actor_id,
                actor_email,
                cid,
                remote_addr,
                stamp,
            )
            for pk, text, changes, _region in entries
        ),
    )
    region_of = {pk: region for pk, _text, _changes, region in entries}
    # The entries just written are those of this model and action stamped with this very microsecond; any other
    # writer's (a record saved at the same instant) is skipped by its object id.
    written = LogEntry.objects.filter(content_type=content_type, action=action, timestamp=now)
    scopes = []
    for entry_id, object_id in written.values_list("id", "object_id").iterator(chunk_size=5000):
        code = region_of.get(object_id)
        if code is not None:
            scopes.append((entry_id, code))
    insert_rows(EntryScope, ("entry", "region"), scopes)


@receiver(post_log, dispatch_uid="bangkit.audit.place_entry")
def _place_logged_change(
    sender: type[models.Model],
    instance: models.Model,
    log_entry: LogEntry | None = None,
    instance_old: models.Model | None = None,
    **kwargs: Any,
) -> None:
    if log_entry is not None:
        place_entry(log_entry, instance, instance_old)


def record_access(request_or_user: HttpRequest | Request | AbstractBaseUser, obj: models.Model) -> LogEntry:
    """Writes an access entry: `request_or_user` viewed `obj`. Call it wherever a sensitive record is shown.

    Pass the request when there is one (view, API call): it gives the actor as authenticated there (a DRF
    request's token user, whom auditlog's middleware cannot see), the request id and the remote address.
    Pass a user for work done outside a request, such as an export task.
    """
    user: AbstractBaseUser | AnonymousUser
    if isinstance(request_or_user, AbstractBaseUser):
        user, cid, remote_addr = request_or_user, get_cid(), None
    else:
        user = request_or_user.user
        cid = request_or_user.META.get("HTTP_X_REQUEST_ID") or get_cid()
        # The same rule auditlog's middleware applies to change entries, so both kinds agree.
        remote_addr = client_ip(request_or_user)
    actor = user if user.is_authenticated else None
    entry: LogEntry = LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes=None,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        cid=cid,
        remote_addr=remote_addr,
    )
    place_entry(entry, obj)
    return entry


class AccessLoggedMixin(SingleObjectMixin):
    """For detail views of sensitive records: each view of a record the user may see writes an access entry.

    Put it first among the bases so that the record is logged only after the view's own scoping found it. Not
    generic at run time: Django's views take no type parameters unless django-stubs-ext patches them.
    """

    request: HttpRequest

    def get_object(self, queryset: models.QuerySet[Any] | None = None) -> Any:
        obj = super().get_object(queryset)
        record_access(self.request, obj)
        return obj


def unregistered_domain_models() -> list[type[models.Model]]:
    """Models of bangkit apps without history and not exempted: the meta-test demands none.

    Proxy models count: a save through a proxy sends its signals with the proxy as sender. Unmanaged models
    (database views) are never written through Django, so they have nothing to record.
    """
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("bangkit.") and config.label not in HISTORY_EXEMPT
        for model in config.get_models()
        if model._meta.managed and model._meta.label not in HISTORY_EXEMPT and not auditlog.contains(model)
    ]
