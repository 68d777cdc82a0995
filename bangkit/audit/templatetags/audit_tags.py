"""`{% load audit_tags %}{% record_history obj %}`: the change timeline of one record, for its detail page."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django import template
from django.db import models

from bangkit.audit.display import describe_entries
from bangkit.audit.history import VIEW_HISTORY
from bangkit.audit.selectors import record_entries

register = template.Library()


@register.inclusion_tag("audit/record_history.html", takes_context=True)
def record_history(context: template.Context, obj: models.Model, limit: int = 20) -> dict[str, Any]:
    """The latest `limit` changes of `obj`, newest first; empty for users without `audit.view_history`.

    Who changed what, with earlier values, is audit data: the record's own page may be open to more people.
    """
    # The request's user: a user's own detail page puts the displayed user in the context as `user`.
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(VIEW_HISTORY):
        return {"visible": False}
    entries = list(record_entries(user, obj).exclude(action=LogEntry.Action.ACCESS)[: limit + 1])
    return {
        "visible": True,
        "rows": describe_entries(entries[:limit], user),
        "more": len(entries) > limit,
        "record_type": (obj._meta.concrete_model or type(obj))._meta.label_lower,
        "record_id": obj.pk,
    }
