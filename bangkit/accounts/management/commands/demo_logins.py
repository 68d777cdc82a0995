from __future__ import annotations

from itertools import groupby
from typing import Any

from django.core.management.base import BaseCommand

from bangkit.accounts.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Prints the demo logins (demo data only). Users whose role requires MFA come with recovery codes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all-codes", action="store_true", help="Print every unused recovery code.")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write("No demo users: run `manage.py load_demo`.")
            return
        self.stdout.write(f"Demo logins (DEMO ONLY) — password for all: {DEMO_PASSWORD}")
        self.stdout.write(
            "Roles marked MFA ask for a code after the password: type one recovery code (each works once),\n"
            "or add the TOTP secret to an authenticator app."
        )
        for organisation, members in groupby(logins, key=lambda login: login.organisation):
            self.stdout.write(f"\n  {organisation}")
            for login in members:
                line = f"    {login.role:<32} {login.email}"
                if login.recovery_codes:
                    shown = login.recovery_codes if options["all_codes"] else login.recovery_codes[:3]
                    line += f"   MFA — recovery codes: {' '.join(shown)}   TOTP secret: {login.totp_secret}"
                self.stdout.write(line)
