"""Reminders to people of their follow-up visits: queued three days before, once, only to people who may be
messaged, only for visits still scheduled, in words that tell nobody else what the person went through. And the
scheme's page, which says when its recipients are visited."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from bangkit.accounts.testing import People
from bangkit.assistance.choices import SchemeKind
from bangkit.assistance.testing import cash_scheme
from bangkit.cases.testing import make_case
from bangkit.livelihoods import reminders
from bangkit.livelihoods.choices import FollowUpState
from bangkit.livelihoods.models import FollowUp
from bangkit.livelihoods.reminders import reminder_text, sensitive_words_in, visit_reminders_queue
from bangkit.notifications import services as notifications
from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.testing import FAKE_GATEWAY, FakeGateway, reachable_person
from bangkit.registry.models import Person, Phone
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def gateway(settings: Any) -> Any:
    """Messages go to the fake gateway, with no quiet hours, so that the wall clock never decides a test."""
    settings.BANGKIT_MESSAGE_GATEWAY = FAKE_GATEWAY
    settings.BANGKIT_MESSAGE_QUIET_HOURS = ""
    FakeGateway.reset()
    yield FakeGateway
    FakeGateway.reset()


def today() -> date:
    return timezone.localdate()


def followed_person(people: People, **fields: Any) -> Person:
    """A Kupang person with a number of their own, a case-management consent and an open case of the Kupang case
    worker: one who may be reminded."""
    person = reachable_person(people, **fields)
    make_case(people, person=person)
    return person


def visit_in(person: Person, days: int, *, months: int = 3, **fields: Any) -> FollowUp:
    due_on = today() + timedelta(days=days)
    return FollowUp.objects.create(
        person=person, months_after=months, granted_on=due_on - timedelta(days=30 * months), due_on=due_on, **fields
    )


def messages_to(person: Person) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(person=person))


# --- when -------------------------------------------------------------------------------------------------------


def test_it_reminds_the_person_three_days_before_the_visit(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    early, due, late = (followed_person(people, full_name=name) for name in ("Maria Bria", "Yohanes Nahak", "Ana Tefa"))
    visit_in(early, 2)
    visit = visit_in(due, 3)
    visit_in(late, 4)

    with django_capture_on_commit_callbacks(execute=True):
        queued = visit_reminders_queue()

    assert queued == 1
    (message,) = messages_to(due)
    assert (message.purpose, message.channel, message.created_by) == ("appointment", "sms", people.kupang_case_worker)
    assert visit.due_on.strftime("%d-%m-%Y") in message.body
    assert messages_to(early) == messages_to(late) == []
    assert FakeGateway.sent == [(message.pk, "sms", "6281234567890", message.body)]


def test_it_reminds_once_however_often_it_runs(people: People) -> None:
    person = followed_person(people)
    visit_in(person, 3)
    visit_in(person, 3, months=6)  # a second grant's visit the same day: one message for both

    assert visit_reminders_queue() == 1
    assert visit_reminders_queue() == 0
    assert visit_reminders_queue(today=today()) == 0
    assert len(messages_to(person)) == 1


def test_a_reminder_cancelled_by_the_case_worker_is_not_queued_again(people: People) -> None:
    person = followed_person(people)
    visit_in(person, 3)
    visit_reminders_queue()
    (message,) = messages_to(person)
    notifications.outbox_message_cancel(actor=people.kupang_case_worker, message=message)

    assert visit_reminders_queue() == 0
    assert len(messages_to(person)) == 1


def test_an_appointment_message_the_case_worker_sent_today_is_reminder_enough(people: People) -> None:
    person = followed_person(people)
    visit_in(person, 3)
    notifications.message_person(
        actor=people.kupang_case_worker, person=person, body="Jumat pagi saya datang.", purpose="appointment"
    )

    assert visit_reminders_queue() == 0
    assert len(messages_to(person)) == 1


def test_it_goes_through_many_visits_in_batches(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders, "BATCH", 2)
    persons = [followed_person(people, full_name=f"Orang {number}") for number in range(5)]
    for person in persons:
        visit_in(person, 3)

    assert visit_reminders_queue() == 5
    assert all(len(messages_to(person)) == 1 for person in persons)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_one_reminder(people: People) -> None:
    person = followed_person(people)
    visit_in(person, 3)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=20)
            results.append(visit_reminders_queue())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [0, 0, 0, 1]
    assert len(messages_to(person)) == 1


# --- whom -------------------------------------------------------------------------------------------------------


def test_it_does_not_remind_a_person_without_consent_and_still_reminds_the_others(people: People) -> None:
    unconsenting = make_person(people, full_name="Maria Bria")
    Phone.objects.create(person=unconsenting, number="0812-3456-7890", label="own")
    make_case(people, person=unconsenting)
    visit_in(unconsenting, 3)  # first in the batch
    other = followed_person(people, full_name="Yohanes Nahak")
    visit_in(other, 3)

    assert visit_reminders_queue() == 1
    assert messages_to(unconsenting) == []
    assert len(messages_to(other)) == 1


def test_it_does_not_remind_of_cancelled_or_done_visits(people: People) -> None:
    cancelled, done = followed_person(people, full_name="Maria Bria"), followed_person(people, full_name="Ana Tefa")
    visit_in(cancelled, 3, state=FollowUpState.CANCELLED)
    visit_in(done, 3, state=FollowUpState.DONE, visited_on=today())

    assert visit_reminders_queue() == 0
    assert OutboxMessage.objects.count() == 0


def test_it_does_not_remind_a_person_whom_no_case_worker_follows(people: People) -> None:
    visit_in(reachable_person(people), 3)  # no case: nobody to send it in the name of, nobody to tell if it fails

    assert visit_reminders_queue() == 0


def test_it_queues_nothing_where_no_gateway_is_configured(people: People, settings: Any) -> None:
    settings.BANGKIT_MESSAGE_GATEWAY = ""
    visit_in(followed_person(people), 3)

    assert visit_reminders_queue() == 0


# --- what it says -----------------------------------------------------------------------------------------------


def test_the_text_names_nothing_sensitive_in_one_short_sms(people: People) -> None:
    person = followed_person(people)
    visit_in(person, 3)
    with translation.override("en"):  # a job run in English still writes to the person in Indonesian
        visit_reminders_queue()

    (message,) = messages_to(person)
    assert message.body == reminder_text(today() + timedelta(days=3))
    assert message.body.startswith("Bangkit: petugas Dinas Sosial akan menghubungi Anda sekitar ")
    for word in ("trafficking", "korban", "tppo", "perdagangan", "kpo", "bantuan"):
        assert word not in message.body.lower()
    assert sensitive_words_in(message.body) == []
    assert len(message.body) <= 160


def test_a_translation_that_names_something_sensitive_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders, "_", lambda text: "Bangkit: untuk korban TPPO, kunjungan %(day)s.")

    text = reminder_text(date(2026, 12, 12))

    assert text == reminders.REMINDER_TEXT % {"day": "12-12-2026"}


# --- the scheme's page (the intervals the visits follow) -----------------------------------------------------------


def test_the_scheme_page_says_when_its_recipients_are_visited(client: Any, people: People) -> None:
    client.force_login(people.kupang_supervisor)
    cash = cash_scheme(people)
    kit = cash_scheme(people, name="Paket usaha kue", kind=SchemeKind.IN_KIND, amount_per_person=None)
    once = cash_scheme(people, name="Bantuan sekali kunjungan", follow_up_months="1")
    never = cash_scheme(people, name="Bantuan tanpa kunjungan", follow_up_months="")

    def page(scheme: Any) -> str:
        return client.get(reverse("assistance:scheme_detail", args=[scheme.pk])).content.decode()

    assert "Kunjungan tindak lanjut" in page(cash)
    assert "3, 6 dan 12 bulan setelah dibayar" in page(cash)
    assert "3, 6 dan 12 bulan setelah diserahkan" in page(kit)
    assert "1 bulan setelah dibayar" in page(once)
    assert "tidak dijadwalkan" in page(never)
