"""Ends the spreadsheet imports nobody will finish, and deletes what they staged. Run it periodically (hourly or
daily, from cron or a systemd timer): docs/operations/workers.md.

- a preview (`validated`) not confirmed or cancelled within DATAIMPORT_PREVIEW_EXPIRY_DAYS days (default 7)
  becomes `expired`: its page tells the user to upload the file again;
- a job still `uploaded`, `validating` or `queued` (being imported) after DATAIMPORT_STUCK_JOB_HOURS hours
  (default 24) without a change of state lost its task and becomes `failed`;
- either way its staged rows (encrypted personal data) and its uploaded file are deleted and its history records
  the change. Ended jobs still holding staged rows or a file lose them too.

Safe to run at any time and as often as wanted: each job moves by a conditional UPDATE, so a user or a task acting
on the same job at the same moment either wins or loses cleanly, and a second run finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangkit.dataimport.services import import_jobs_expire, preview_expiry_days, stuck_job_hours


class Command(BaseCommand):
    help = (
        "Expire spreadsheet-import previews nobody confirmed, fail imports whose task was lost, and delete their "
        "staged rows and uploaded files. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="expire previews older than this many days (default: DATAIMPORT_PREVIEW_EXPIRY_DAYS, 7)",
        )
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="fail jobs stuck in a task's state this many hours (default: DATAIMPORT_STUCK_JOB_HOURS, 24)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only list the jobs that would be ended")

    def handle(self, *args: Any, days: int | None, hours: int | None, dry_run: bool, **options: Any) -> None:
        days = preview_expiry_days() if days is None else days
        hours = stuck_job_hours() if hours is None else hours
        if days < 1:
            raise CommandError("--days (DATAIMPORT_PREVIEW_EXPIRY_DAYS) must be at least 1")
        if hours < 1:
            raise CommandError("--hours (DATAIMPORT_STUCK_JOB_HOURS) must be at least 1")
        result = import_jobs_expire(days=days, hours=hours, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for ids, what in (
            (result.expired, f"previews older than {days} days {verb} expired"),
            (result.failed, f"jobs stuck for {hours} hours {verb} failed"),
            (result.cleaned, f"ended jobs {verb} cleared of staged rows or files"),
        ):
            listed = f": {', '.join(f'#{pk}' for pk in ids)}" if ids else ""
            self.stdout.write(f"{len(ids)} {what}{listed}")
        if dry_run:
            self.stdout.write("(dry run: nothing written)")
