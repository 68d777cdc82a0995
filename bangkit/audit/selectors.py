"""Which history entries and actors a user may read.

A national grant of `audit.view_history` reads everything. A regional one reads the entries about records placed
inside its jurisdictions (`EntryScope`, written with each entry), whoever made them. Entries about national
records (banks, national organisations) are therefore national only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q

from bangkit.accounts.models import User
from bangkit.audit.history import VIEW_HISTORY
from bangkit.audit.models import EntryScope
from bangkit.core.scoping import ALL_REGIONS, region_q


def _within_jurisdiction(
    queryset: models.QuerySet[Any], user: Any, inside: Callable[[frozenset[str]], Q]
) -> models.QuerySet[Any]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    codes = user.jurisdiction_codes(VIEW_HISTORY)
    if not codes:
        return queryset.none()
    if ALL_REGIONS in codes:
        return queryset
    return queryset.filter(inside(codes))


def visible_entries(user: Any) -> models.QuerySet[LogEntry]:
    """History entries `user` may read, newest first, with everything a list shows fetched in the same query."""
    entries = LogEntry.objects.select_related("actor__organisation", "content_type").order_by("-timestamp", "-id")
    return _within_jurisdiction(
        entries,
        user,
        lambda codes: Q(Exists(EntryScope.objects.filter(region_q("region", codes), entry=OuterRef("pk")))),
    )


def auditable_users(user: Any) -> models.QuerySet[User]:
    """Users whose entries `user` may read: the choices of the audit page's user filter."""
    return _within_jurisdiction(
        User.objects.order_by("full_name", "pk"), user, lambda codes: region_q("organisation__region", codes)
    )


def record_entries(user: Any, obj: models.Model) -> models.QuerySet[LogEntry]:
    """The entries about one record that `user` may read."""
    content_type = ContentType.objects.get_for_model(obj)  # as auditlog stores it: a proxy's entries are its model's
    return visible_entries(user).filter(content_type=content_type, object_pk=str(obj.pk))
