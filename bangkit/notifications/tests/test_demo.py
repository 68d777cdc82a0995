"""`manage.py load_demo` gives the Kupang case worker and supervisor notifications, some read and some not, and the
outbox SMS and WhatsApp reminders to Kupang people who consented, in every state, so that the pages are not empty."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from bangkit.accounts.roles import Role
from bangkit.notifications.demo import DEMO_MESSAGES
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.services import CONTACT_CONSENT
from bangkit.programs.tests.test_demo import create_demo_places, demo_user, load_demo
from bangkit.registry.models import Phone
from bangkit.registry.selectors.consents import valid_consents


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        create_demo_places()
        yield load_demo()
        transaction.set_rollback(True)


def test_the_kupang_case_workers_outbox_holds_messages_in_every_state(demo: str, db: None, client: Any) -> None:
    worker = demo_user("lks-rpk", Role.CASE_WORKER)
    bodies = {spec.body for spec in DEMO_MESSAGES}
    messages = [
        message
        for message in OutboxMessage.objects.filter(created_by=worker).select_related("person")
        if message.body in bodies  # other demos may message people too
    ]

    assert f"[notifications] {len(DEMO_MESSAGES)} demo messages to Kupang people ({len(DEMO_MESSAGES)} new)" in demo
    assert Counter(message.state for message in messages) == {"sent": 2, "queued": 2, "failed": 1, "suppressed": 1}
    assert {message.channel for message in messages} == {"sms", "whatsapp"}
    for message in messages:
        assert message.person.region_id.startswith("53.01")
        assert valid_consents(person=message.person, purpose=CONTACT_CONSENT)
        own = Phone.objects.filter(person=message.person, label="own").filter_exact(number=message.phone).exists()
        # Every message went to a number of the person's own, but the one held back because it was not.
        assert own == (message.state != "suppressed")
    retrying = next(message for message in messages if message.state == "queued" and message.attempts)
    assert retrying.last_error
    client.force_login(worker)
    listed = client.get(reverse("notifications:outbox_list")).context["object_list"]
    assert {message.pk for message in messages} <= {message.pk for message in listed}


def test_the_kupang_users_have_read_and_unread_notifications(demo: str, db: None, client: Any) -> None:
    for organisation, role in (("dinsos-kupang", Role.SUPERVISOR), ("lks-rpk", Role.CASE_WORKER)):
        user = demo_user(organisation, role)
        own = Notification.objects.filter(recipient=user)
        assert own.filter(read_at__isnull=True).exists()
        assert own.filter(read_at__isnull=False).exists()
        client.force_login(user)
        assert client.get(reverse("notifications:list")).context["object_list"]
    worker = demo_user("lks-rpk", Role.CASE_WORKER)
    undelivered = Notification.objects.filter(recipient=worker, kind="notifications.message_undelivered")
    assert undelivered.count() == 2
    assert not undelivered.exclude(email_state="").exists()  # the demo e-mails nobody


def test_loading_again_adds_nothing(demo: str, db: None) -> None:
    before = (OutboxMessage.objects.count(), Notification.objects.count())

    again = load_demo()

    assert f"[notifications] {len(DEMO_MESSAGES)} demo messages to Kupang people (0 new)" in again
    assert "demo notifications (0 new)" in again
    assert (OutboxMessage.objects.count(), Notification.objects.count()) == before
