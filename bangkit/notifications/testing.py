"""Test helpers: a gateway that keeps what it is given, and a person who may be messaged."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any, ClassVar

from bangkit.accounts.testing import People
from bangkit.notifications.models import OutboxMessage
from bangkit.registry.choices import ConsentPurpose
from bangkit.registry.models import Consent, Person, Phone
from bangkit.registry.testing import make_person

FAKE_GATEWAY = "bangkit.notifications.testing.FakeGateway"


class FakeGateway:
    """Keeps every message it is given in `sent` (id, channel, number, body); `failures` are raised first, one per
    send, in order. Class-level, so that a test sees what any instance did; `reset()` between tests."""

    sent: ClassVar[list[tuple[int, str, str, str]]] = []
    failures: ClassVar[list[BaseException]] = []
    delay: ClassVar[threading.Event | None] = None  # when set, each send waits on it (concurrency tests)
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.failures, cls.delay = [], [], None

    def send(self, message: OutboxMessage) -> str:
        if self.delay is not None:
            self.delay.wait(timeout=5)
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.sent.append((message.pk, message.channel, message.phone, message.body))
            return f"fake-{len(self.sent)}"


def reachable_person(
    people: People, place: str = "kupang", *, number: str = "0812-3456-7890", whatsapp: bool = False, **fields: Any
) -> Person:
    """A person with a number of their own and a case-management consent in force: one who may be messaged."""
    person = make_person(people, place, **fields)
    Phone.objects.create(person=person, number=number, label="own", is_whatsapp=whatsapp)
    Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.CASE_MANAGEMENT,
        signed_on=date(2024, 1, 1),
        recorded_by=people.kupang_case_worker if place == "kupang" else people.indramayu_case_worker,
    )
    return person
