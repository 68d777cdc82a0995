"""Deletes old in-app notifications and finished outbox messages, so that the tables stay small and the messages'
numbers and texts are not kept longer than needed. Run it daily from cron or a systemd timer:
docs/operations/workers.md.

- read notifications older than BANGKIT_NOTIFICATION_READ_RETENTION_DAYS (180) days, unread ones older than
  BANGKIT_NOTIFICATION_UNREAD_RETENTION_DAYS (365), except those whose e-mail is still being tried;
- outbox messages sent, failed, held back or cancelled, older than BANGKIT_OUTBOX_RETENTION_DAYS (365) days; a
  queued message is never deleted.

Rows go in batches, each its own short transaction, so a million rows never hold one long transaction. Safe to run
at any time, on several machines at once; a second run finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangkit.notifications.tasks import purge_notifications


class Command(BaseCommand):
    help = (
        "Delete read notifications older than 180 days, unread ones older than 365, and outbox messages sent, "
        "failed, held back or cancelled more than 365 days ago (periods: the options, else the settings)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for option, what, setting, default in (
            ("--read-days", "read notifications", "BANGKIT_NOTIFICATION_READ_RETENTION_DAYS", 180),
            ("--unread-days", "unread notifications", "BANGKIT_NOTIFICATION_UNREAD_RETENTION_DAYS", 365),
            ("--outbox-days", "finished outbox messages", "BANGKIT_OUTBOX_RETENTION_DAYS", 365),
        ):
            parser.add_argument(
                option, type=int, default=None, help=f"delete {what} older than this many days ({setting}, {default})"
            )

    def handle(
        self, *args: Any, read_days: int | None, unread_days: int | None, outbox_days: int | None, **options: Any
    ) -> None:
        for option, value in (
            ("--read-days", read_days),
            ("--unread-days", unread_days),
            ("--outbox-days", outbox_days),
        ):
            if value is not None and value < 1:
                raise CommandError(f"{option} must be at least 1")
        counts = purge_notifications.call(read_days=read_days, unread_days=unread_days, outbox_days=outbox_days)
        self.stdout.write(f"{counts['read']} read notifications deleted")
        self.stdout.write(f"{counts['unread']} unread notifications deleted")
        self.stdout.write(f"{counts['outbox']} outbox messages deleted")
