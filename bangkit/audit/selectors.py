"""Which history entries and actors a user may read.

A national grant of `audit.view_history` reads everything. A regional one reads the entries made by users whose
organisation lies inside its jurisdictions: the actor places an entry, since a log row has no region of its own.
Entries without an actor (system work) are therefore national only.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from bangkit.accounts.models import User
from bangkit.audit.history import VIEW_HISTORY
from bangkit.core.scoping import ALL_REGIONS, region_q


def _within_jurisdiction(queryset: models.QuerySet[Any], user: Any, region_path: str) -> models.QuerySet[Any]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    codes = user.jurisdiction_codes(VIEW_HISTORY)
    if not codes:
        return queryset.none()
    if ALL_REGIONS in codes:
        return queryset
    return queryset.filter(region_q(region_path, codes))


def visible_entries(user: Any) -> models.QuerySet[LogEntry]:
    """History entries `user` may read, newest first, with everything a list shows fetched in the same query."""
    entries = LogEntry.objects.select_related("actor__organisation", "content_type").order_by("-timestamp", "-id")
    return _within_jurisdiction(entries, user, "actor__organisation__region")


def auditable_users(user: Any) -> models.QuerySet[User]:
    """Users whose entries `user` may read: the choices of the audit page's user filter."""
    return _within_jurisdiction(User.objects.order_by("full_name", "pk"), user, "organisation__region")


def record_entries(user: Any, obj: models.Model) -> models.QuerySet[LogEntry]:
    """The entries about one record that `user` may read."""
    content_type = ContentType.objects.get_for_model(obj)  # as auditlog stores it: a proxy's entries are its model's
    return visible_entries(user).filter(content_type=content_type, object_pk=str(obj.pk))
