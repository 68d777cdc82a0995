"""Background tasks: e-mailing notifications, sending the outbox's messages to people, and purging old ones.

Tasks receive ids only, never an address, a number or a text. The sender's history entries carry a correlation id
naming the run, as the spreadsheet import's do.
"""

from __future__ import annotations

from auditlog.cid import correlation_id
from django_tasks import task

from bangkit.notifications import services


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mails the notifications not yet e-mailed; how many were sent."""
    return services.notifications_email(notification_ids)


@task()
def send_outbox_message(message_id: int) -> str:
    """Sends one message queued while no quiet hours held it back: queued by `message_person` on commit."""
    token = correlation_id.set(f"outbox-{message_id}")
    try:
        return services.outbox_send(message_id)
    finally:
        correlation_id.reset(token)


@task()
def send_due_messages(limit: int = 1000) -> dict[str, int]:
    """Sends the queued messages whose time has come (after quiet hours, retries, a lost task); run every few
    minutes by `manage.py send_due_messages` from cron. Counts by outcome."""
    token = correlation_id.set("outbox-due")
    try:
        return services.outbox_send_due(limit=limit).counts
    finally:
        correlation_id.reset(token)


@task()
def email_due_notifications(limit: int = 1000) -> dict[str, int]:
    """E-mails the notifications whose e-mail is due: retries after a failure whose wait is over, and any whose
    immediate task was lost; run with `send_due_messages` by `manage.py send_due_messages`. Counts by outcome."""
    return services.notifications_email_due(limit=limit).counts


@task()
def purge_notifications(
    read_days: int | None = None, unread_days: int | None = None, outbox_days: int | None = None
) -> dict[str, int]:
    """Deletes old notifications and finished outbox messages (`services.notifications_purge`); run daily by
    `manage.py purge_notifications`. The periods default to the installation's; counts of what was deleted."""
    configured = services.Retention.configured()
    retention = services.Retention(
        read_days=configured.read_days if read_days is None else read_days,
        unread_days=configured.unread_days if unread_days is None else unread_days,
        outbox_days=configured.outbox_days if outbox_days is None else outbox_days,
    )
    report = services.notifications_purge(retention=retention)
    return {"read": report.read, "unread": report.unread, "outbox": report.outbox}
