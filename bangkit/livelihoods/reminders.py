"""Reminders to people of their follow-up visits: an SMS or WhatsApp message REMINDER_DAYS days before a visit is
due, so that they are at home (or say when they will be) when the case worker comes.

`visit_reminders_queue(*, today=None, days_before=REMINDER_DAYS) -> int` queues one message per person whose
scheduled visit is due exactly `days_before` days after `today`, through `notifications.services.message_person`,
which decides everything about contact: the consent for case management in force (checked again when it is sent),
the person's own number (never a family member's), quiet hours in the person's zone, a person merged or deceased.
A person it refuses is left out and the others still get theirs. The message is queued in the name of the case
worker of the person's case (`livelihoods.services.current_case`), who is told if it cannot be delivered; a person
without a case worker is not reminded (their visit stays on the district's worklist, as for missed visits).

Someone else may read the person's phone: the text names no program, no assistance and nothing of what happened
to them, only that an officer will be in touch around a date (`reminder_text`).

Sent once: a person already sent an appointment message (`MessagePurpose.APPOINTMENT`, whatever became of it,
by this job or by their case worker) since the start of `today` is not sent another, and the check and the queuing
run under a lock on the person's row, so two runs at once queue one message, not two. Two visits of one person due
the same day get one message.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bangkit.core.exceptions import ServiceError
from bangkit.livelihoods.choices import FollowUpState
from bangkit.livelihoods.models import FollowUp
from bangkit.livelihoods.services import current_case
from bangkit.notifications import gateways
from bangkit.notifications.choices import MessagePurpose
from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.services import message_person
from bangkit.registry.models import Person

logger = logging.getLogger(__name__)

REMINDER_DAYS = 3
REMINDER_PURPOSE = MessagePurpose.APPOINTMENT
BATCH = 500

# Words that would tell whoever reads the person's phone what the person went through. Lower case.
SENSITIVE_WORDS = (
    "trafficking",
    "korban",
    "tppo",
    "kpo",
    "perdagangan orang",
    "perdagangan manusia",
    "eksploitasi",
    "rehabilitasi",
    "bantuan",
    "deportasi",
    "victim",
)

# What the person reads. Its translation is used only if it keeps the date and names nothing sensitive.
REMINDER_TEXT = gettext_noop(
    "Bangkit: petugas Dinas Sosial akan menghubungi Anda sekitar %(day)s. "
    "Bila tidak ingin menerima pesan lagi, beri tahu petugas."
)


def sensitive_words_in(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in SENSITIVE_WORDS if word in lowered]


def reminder_text(due_on: date) -> str:
    """The reminder, in the site's language (Indonesian): short, and naming nothing sensitive."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(REMINDER_TEXT)
    if sensitive_words_in(text) or text.count("%(day)s") != 1:
        text = REMINDER_TEXT
    return text % {"day": due_on.strftime("%d-%m-%Y")}


def _reminded(person_id: int, since: datetime) -> bool:
    return OutboxMessage.objects.filter(person_id=person_id, purpose=REMINDER_PURPOSE, created_at__gte=since).exists()


def _remind(visit: FollowUp, *, since: datetime) -> bool:
    """Queues the reminder of one visit unless its person was reminded since `since`; True if it was queued."""
    with transaction.atomic():
        # Two runs at once: the second waits here until the first has queued (or not), then sees its message.
        person = Person.objects.select_for_update().filter(pk=visit.person_id).first()
        if person is None or _reminded(person.pk, since):
            return False
        # The visit may have been recorded or cancelled since the batch was read.
        if not FollowUp.objects.filter(pk=visit.pk, state=FollowUpState.SCHEDULED).exists():
            return False
        case = current_case(person.pk)
        worker = case.case_worker if case is not None else None
        if worker is None or not worker.is_active:
            logger.info("visit reminder %s: left out, no active case worker", visit.pk)
            return False
        try:
            with transaction.atomic():
                message_person(actor=worker, person=person, body=reminder_text(visit.due_on), purpose=REMINDER_PURPOSE)
        except ServiceError as refused:  # no consent, no number of their own, out of the worker's jurisdiction...
            logger.info("visit reminder %s: left out (%s)", visit.pk, type(refused).__name__)
            return False
    return True


def visit_reminders_queue(*, today: date | None = None, days_before: int = REMINDER_DAYS) -> int:
    """Queues a reminder to each person whose scheduled follow-up visit is due `days_before` days after `today`
    (the site's today by default) and who was not reminded yet; returns how many were queued. Safe to run at any
    time and as often as wanted (module docstring)."""
    if not gateways.configured():
        return 0
    today = today or timezone.localdate()
    since = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    visits = (
        FollowUp.objects.filter(
            state=FollowUpState.SCHEDULED,
            due_on=today + timedelta(days=days_before),
            person__merged_into__isnull=True,
            person__deceased_on__isnull=True,
        )
        .only("pk", "person_id", "due_on")
        .order_by("pk")
    )
    queued = 0
    reminded: set[int] = set()
    for visit in visits.iterator(chunk_size=BATCH):
        if visit.person_id in reminded:  # a second visit of the same person that day
            continue
        if _remind(visit, since=since):
            queued += 1
        reminded.add(visit.person_id)
    logger.info("visit reminders: %d queued for visits due on %s", queued, today + timedelta(days=days_before))
    return queued
