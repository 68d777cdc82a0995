"""Background tasks: e-mailing notifications, and sending the outbox's messages to people.

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
