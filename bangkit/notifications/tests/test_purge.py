"""`manage.py purge_notifications`, daily: read notifications go after 180 days, unread ones after 365, and messages
to people that are finished after 365; in batches, each its own transaction."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bangkit.notifications import services
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.tasks import purge_notifications
from bangkit.notifications.tests.test_access import make_message


def _notification(people: Any, *, days: int, read: bool, **fields: Any) -> Notification:
    (notification,) = services.notify(
        recipients=[people.kupang_case_worker], kind="general", title=f"{days} hari", **fields
    )
    created = timezone.now() - timedelta(days=days)
    Notification.objects.filter(pk=notification.pk).update(created_at=created, read_at=created if read else None)
    return notification


def _message(people: Any, *, days: int, state: str) -> OutboxMessage:
    message = make_message(people)
    values: dict[str, Any] = {"state": state, "created_at": timezone.now() - timedelta(days=days)}
    if state == "sent":
        values["sent_at"] = values["created_at"]
    OutboxMessage.objects.filter(pk=message.pk).update(**values)
    return message


def _left(model: Any) -> set[int]:
    return set(model.objects.values_list("pk", flat=True))


def test_it_deletes_read_notifications_after_180_days_and_unread_ones_after_365(people: Any) -> None:
    old_read = _notification(people, days=181, read=True)
    recent_read = _notification(people, days=179, read=True)
    old_unread = _notification(people, days=366, read=False)
    unread = _notification(people, days=200, read=False)  # older than 180 days, but not yet read: kept

    report = services.notifications_purge()

    assert (report.read, report.unread) == (1, 1)
    assert _left(Notification) == {recent_read.pk, unread.pk}
    assert not Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk]).exists()


def test_it_keeps_an_old_notification_whose_email_is_still_being_tried(people: Any) -> None:
    notification = _notification(people, days=400, read=True, email=True)
    Notification.objects.filter(pk=notification.pk).update(email_state="queued", email_attempts=1)
    assert services.notifications_purge().read == 0
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_it_deletes_finished_messages_after_a_year_and_never_a_queued_one(people: Any) -> None:
    finished = [_message(people, days=366, state=state) for state in ("sent", "failed", "suppressed", "cancelled")]
    queued = _message(people, days=400, state="queued")
    recent = _message(people, days=300, state="sent")

    assert services.notifications_purge().outbox == len(finished)

    assert _left(OutboxMessage) == {queued.pk, recent.pk}


def test_it_deletes_in_batches_each_its_own_transaction(people: Any) -> None:
    for days in range(200, 205):
        _notification(people, days=days, read=True)
    with CaptureQueriesContext(connection) as queries:
        report = services.notifications_purge(batch=2)
    assert report.read == 5
    assert not Notification.objects.exists()
    deletes = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("DELETE")]
    assert len(deletes) == 3
    # One savepoint per batch inside the test's transaction: each batch commits on its own outside a test.
    assert sum("SAVEPOINT" in query["sql"] and "RELEASE" not in query["sql"] for query in queries.captured_queries) >= 3


def test_the_periods_are_settings_and_options(people: Any, settings: Any) -> None:
    settings.BANGKIT_NOTIFICATION_READ_RETENTION_DAYS = 30
    month_old = _notification(people, days=31, read=True)
    week_old = _notification(people, days=8, read=True)
    assert purge_notifications.call() == {"read": 1, "unread": 0, "outbox": 0}
    assert _left(Notification) == {week_old.pk}
    assert not Notification.objects.filter(pk=month_old.pk).exists()
    output = StringIO()
    call_command("purge_notifications", "--read-days", "7", stdout=output)
    assert "1 read notifications deleted" in output.getvalue()
    assert not Notification.objects.exists()


def test_the_command_prints_what_it_deleted_and_a_second_run_finds_nothing(people: Any) -> None:
    _notification(people, days=200, read=True)
    _notification(people, days=400, read=False)
    _message(people, days=400, state="sent")
    output = StringIO()
    call_command("purge_notifications", stdout=output)
    assert output.getvalue().splitlines() == [
        "1 read notifications deleted",
        "1 unread notifications deleted",
        "1 outbox messages deleted",
    ]
    output = StringIO()
    call_command("purge_notifications", stdout=output)
    assert output.getvalue().splitlines()[0] == "0 read notifications deleted"


def test_the_command_refuses_a_period_under_a_day(db: None) -> None:
    with pytest.raises(CommandError, match="--outbox-days must be at least 1"):
        call_command("purge_notifications", "--outbox-days", "0", stdout=StringIO())
