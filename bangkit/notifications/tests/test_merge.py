"""When a supervisor merges two records of one person, the duplicate's messages follow it to the record kept: a
reminder still waiting goes out to the person instead of being held back as "merged"."""

from __future__ import annotations

from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from bangkit.notifications import services
from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.testing import FakeGateway, reachable_person
from bangkit.registry.services.duplicates import duplicate_pair_merge, record_duplicate_candidates
from bangkit.registry.testing import make_person

BORN = date(1988, 3, 2)


def _twins(people: Any) -> tuple[Any, Any, Any]:
    """Two records of Yohanes Nahak, the second one reachable by SMS, and their open pair."""
    kept = make_person(people, full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    duplicate = reachable_person(people, full_name="Johanes Nahak", sex="M", birth_date=BORN)
    [pair] = record_duplicate_candidates(person=duplicate)
    return kept, duplicate, pair


def _queue(people: Any, person: Any) -> OutboxMessage:
    return services.message_person(
        actor=people.kupang_case_worker, person=person, body="Besok pukul 10 kunjungan rumah.", purpose="appointment"
    )


def test_a_waiting_message_of_the_merged_record_goes_to_the_record_kept(
    people: Any, gateway: type[FakeGateway]
) -> None:
    kept, duplicate, pair = _twins(people)
    waiting = _queue(people, duplicate)

    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=kept)

    waiting.refresh_from_db()
    assert waiting.person == kept
    # The kept record now holds the duplicate's number and consent: the reminder goes, it is not held back.
    assert services.outbox_send(waiting.pk) == "sent"
    assert gateway.sent == [(waiting.pk, "sms", "6281234567890", "Besok pukul 10 kunjungan rumah.")]
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(OutboxMessage), object_pk=str(waiting.pk)
    )
    assert any("person" in entry.changes_dict for entry in history)  # the move is in the message's history


def test_the_messages_already_sent_are_listed_on_the_record_kept(
    client: Any, people: Any, gateway: type[FakeGateway]
) -> None:
    kept, duplicate, pair = _twins(people)
    sent = _queue(people, duplicate)
    assert services.outbox_send(sent.pk) == "sent"

    duplicate_pair_merge(actor=people.kupang_supervisor, pair=pair, survivor=kept)

    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("notifications:person_messages", args=[kept.pk]))
    assert [message.pk for message in tab.context["outbox"]] == [sent.pk]
    assert not OutboxMessage.objects.filter(person=duplicate).exists()
