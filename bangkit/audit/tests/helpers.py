"""Entries written the way the running system writes them: a save by an actor under a request id."""

from __future__ import annotations

from auditlog.cid import correlation_id
from auditlog.context import set_actor
from auditlog.models import LogEntry

from bangkit.accounts.models import Organisation, User


def rename(organisation: Organisation, name: str, *, by: User, request_id: str = "req-test-0001") -> LogEntry:
    token = correlation_id.set(request_id)
    try:
        with set_actor(by):
            organisation.name = name
            organisation.save()
    finally:
        correlation_id.reset(token)
    entry: LogEntry = LogEntry.objects.get_for_object(organisation).latest()
    return entry
