"""Reads: a user's own notifications, the outbox messages a user may see (scoped by the person's region), and the
failed notification e-mails of the users an administrator may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangkit.accounts.models import User
from bangkit.notifications.choices import EmailState
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


def email_failures(user: Any) -> QuerySet[Notification]:
    """The notification e-mails that failed, for good or waiting to be tried again, of the users `user` may see
    (administrators: those of their jurisdictions), newest first. Only what the page shows is read: the recipient,
    the kind, the times and the error, never the title or the body, which are the recipient's own."""
    users = User.objects.restrict(user, "view")
    failing = Q(email_state=EmailState.FAILED) | Q(email_state=EmailState.QUEUED, email_attempts__gt=0)
    return (
        Notification.objects.filter(failing, recipient__in=users)
        .select_related("recipient")
        .only(
            "kind",
            "created_at",
            "email_state",
            "email_attempts",
            "email_not_before",
            "email_error",
            "recipient__full_name",
            "recipient__email",
            "recipient__is_active",
        )
        .order_by("-id")
    )
