"""Reads: a user's own notifications, and the outbox messages a user may see (scoped by the person's region)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.registry.models import Person


def unread_count(user: Any) -> int:
    """How many of `user`'s notifications are unread (0 for an anonymous user): one COUNT on a partial index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def own_notifications(user: Any) -> QuerySet[Notification]:
    """`user`'s notifications, newest first; nobody else's, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-id")


# What a list of messages shows: neither the body nor the person's identifiers are read (nor decrypted).
LISTED_FIELDS = (
    "channel",
    "phone",
    "purpose",
    "state",
    "not_before",
    "attempts",
    "sent_at",
    "person__full_name",
    "person__region",
    "created_by__full_name",
    "created_by__email",
)


def outbox_list(queryset: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
    return queryset.select_related("person", "created_by").only(*LISTED_FIELDS).order_by("-id")


def outbox_messages(user: Any) -> QuerySet[OutboxMessage]:
    """The messages to people `user` may see, newest first, with what a list shows."""
    return outbox_list(OutboxMessage.objects.restrict(user, "view"))


def person_messages(user: Any, person: Person) -> QuerySet[OutboxMessage]:
    return outbox_messages(user).filter(person=person)
