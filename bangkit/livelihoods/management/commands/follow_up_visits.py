"""Schedules the follow-up visits of grants paid or handed over, turns missed visits into tasks, and queues the
reminders of visits due in three days (`livelihoods.reminders`). Run it daily
(cron or a systemd timer: docs/operations/workers.md). Payments already queue the scheduling as they are recorded;
this catches up with anything a lost task left behind.

Safe to run at any time and as often as wanted: a visit is scheduled once per grant and interval (a database
constraint), each escalation moves by a conditional UPDATE, so two runs at once give one task, not two, and a
person is reminded at most once a day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bangkit.livelihoods.reminders import visit_reminders_queue
from bangkit.livelihoods.services import follow_ups_escalate, follow_ups_schedule


class Command(BaseCommand):
    help = (
        "Schedule follow-up visits after payments, give tasks for missed visits and queue reminders of visits due"
        " soon. Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduled = follow_ups_schedule()
        to_case_worker, to_supervisor = follow_ups_escalate()
        reminded = visit_reminders_queue()
        self.stdout.write(f"{scheduled} visits scheduled")
        self.stdout.write(f"{to_case_worker} missed visits given to case workers, {to_supervisor} to supervisors")
        self.stdout.write(f"{reminded} visit reminders queued")
