"""Deletes the API's expired `Idempotency-Key` records (older than BANGKIT_IDEMPOTENCY_TTL_HOURS, default 24).
Expired keys are already ignored; this only keeps the table small. Run it periodically (hourly or daily, from cron
or a systemd timer): docs/operations/workers.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bangkit.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete the API's Idempotency-Key records older than IDEMPOTENCY_TTL_HOURS. Safe to run at any time."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        hours = settings.BANGKIT_IDEMPOTENCY_TTL_HOURS
        self.stdout.write(f"{deleted} idempotency keys older than {hours} hours deleted")
