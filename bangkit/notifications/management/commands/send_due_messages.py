"""Sends the outbox's messages whose time has come: those held back by quiet hours, those waiting for a retry, and
any whose immediate task was lost; and the notifications' e-mails waiting for a retry after a failure (or whose task
was lost). Run it every few minutes from cron or a systemd timer: docs/operations/workers.md.

Safe to run at any time, on several machines at once, and alongside the task workers: each message and each e-mail
is taken by one conditional UPDATE, so none is sent twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangkit.notifications.tasks import email_due_notifications, send_due_messages


class Command(BaseCommand):
    help = (
        "Send the SMS/WhatsApp messages to people whose time has come (quiet hours over, retry due), and retry the "
        "notification e-mails that failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=1000, help="send at most this many messages, and as many e-mails (1000)"
        )

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        counts = send_due_messages.call(limit=limit)
        email_counts = email_due_notifications.call(limit=limit)
        if not counts and not email_counts:
            self.stdout.write("nothing to send")
        for outcome, count in sorted(counts.items()):
            self.stdout.write(f"{outcome}: {count}")
        for outcome, count in sorted(email_counts.items()):
            self.stdout.write(f"e-mail {outcome}: {count}")
