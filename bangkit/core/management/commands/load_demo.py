from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bangkit.core.registry import shell


class Command(BaseCommand):
    help = "Loads the demo organisations, users and records of the two seed events. Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Load demo users even in production.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to create demo users with known passwords in production (BANGKIT_ENV).")
        for loader in sorted(shell.demo_loaders, key=lambda loader: loader.order):
            with transaction.atomic():
                lines = loader.load()
            for line in lines:
                self.stdout.write(f"[{loader.name}] {line}")
