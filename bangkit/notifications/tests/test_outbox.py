"""Messages to people: who may be messaged and on which number, quiet hours, sending with bounded retries, and
what happens when a message cannot go."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.notifications import services
from bangkit.notifications.gateways import ConsoleGateway, GatewayError
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.notifications.testing import FakeGateway, reachable_person
from bangkit.notifications.tests.test_access import make_message
from bangkit.registry.choices import ConsentPurpose
from bangkit.registry.models import Consent, Phone
from bangkit.registry.testing import make_person

WITA = ZoneInfo("Asia/Makassar")
BODY = "Besok pukul 10 kunjungan rumah."


def _queue(people: Any, **fields: Any) -> OutboxMessage:
    values = {"body": BODY, "purpose": "appointment", **fields}
    person = values.pop("person", None) or reachable_person(people)
    return services.message_person(actor=people.kupang_case_worker, person=person, **values)


def _refusal(people: Any, **fields: Any) -> ServiceError:
    queued = OutboxMessage.objects.count()
    with pytest.raises(ServiceError) as refused:
        _queue(people, **fields)
    assert OutboxMessage.objects.count() == queued
    return refused.value


# --- Queuing ------------------------------------------------------------------------------------------------


def test_it_sends_a_queued_message_once_the_work_is_saved(
    people: Any, gateway: type[FakeGateway], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(people)
    message.refresh_from_db()
    assert (message.state, message.channel, message.attempts) == ("sent", "sms", 1)
    assert message.sent_at is not None
    assert message.gateway_message_id == "fake-1"
    assert gateway.sent == [(message.pk, "sms", "6281234567890", BODY)]


def test_it_uses_whatsapp_when_the_persons_number_is_marked_whatsapp(people: Any) -> None:
    person = reachable_person(people, whatsapp=True)
    Phone.objects.create(person=person, number="0813 1111 2222", label="own")
    assert _queue(people, person=person).channel == "whatsapp"
    assert _queue(people, person=person, channel="sms").phone == "6281234567890"


def test_it_prefers_the_whatsapp_number_among_the_persons_own(people: Any) -> None:
    person = reachable_person(people)
    Phone.objects.create(person=person, number="0813-1111-2222", label="own", is_whatsapp=True)
    message = _queue(people, person=person)
    assert (message.channel, message.phone) == ("whatsapp", "6281311112222")


def test_it_refuses_whatsapp_without_a_whatsapp_number(people: Any) -> None:
    error = _refusal(people, channel="whatsapp")
    assert (error.message, error.field) == ("Tidak ada nomor milik orang ini yang ditandai WhatsApp.", "channel")


def test_it_refuses_a_person_without_consent_to_be_contacted(people: Any) -> None:
    person = reachable_person(people)
    Consent.objects.filter(person=person).update(withdrawn_on=date(2024, 6, 1))
    assert "persetujuan manajemen kasus" in _refusal(people, person=person).message


def test_it_refuses_a_consent_for_another_purpose_or_one_that_has_expired(people: Any) -> None:
    person = reachable_person(people)
    Consent.objects.filter(person=person).update(purpose=ConsentPurpose.STATISTICS)
    Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.CASE_MANAGEMENT,
        signed_on=date(2023, 1, 1),
        valid_until=date(2023, 12, 31),
        recorded_by=people.kupang_case_worker,
    )
    assert "persetujuan manajemen kasus" in _refusal(people, person=person).message


def test_it_refuses_a_person_without_a_number(people: Any) -> None:
    person = reachable_person(people)
    Phone.objects.filter(person=person).delete()
    assert _refusal(people, person=person).message == "Orang ini belum punya nomor telepon yang tercatat."


def test_it_never_messages_a_family_members_or_neighbours_phone(people: Any) -> None:
    person = reachable_person(people)
    Phone.objects.filter(person=person).update(label="family")
    Phone.objects.create(person=person, number="0813 9999 0000", label="neighbour", is_whatsapp=True)
    assert "nomor keluarga atau tetangga" in _refusal(people, person=person).message


def test_it_refuses_a_number_too_short_to_dial(people: Any) -> None:
    assert _refusal(people, person=reachable_person(people, number="0812")).field == "channel"


def test_it_refuses_a_person_recorded_as_deceased_or_merged(people: Any) -> None:
    deceased = reachable_person(people, deceased_on=date(2024, 5, 1))
    assert _refusal(people, person=deceased).message == "Orang ini tercatat sudah meninggal."
    kept = make_person(people)
    merged = reachable_person(people, merged_into=kept)
    assert "digabung" in _refusal(people, person=merged).message


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "   "}, "body"),
        ({"body": "x" * 321}, "body"),
        ({"purpose": "gossip"}, "purpose"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_it_refuses_bad_input_on_its_field(people: Any, fields: dict[str, Any], field: str) -> None:
    assert _refusal(people, **fields).field == field


def test_it_allows_a_longer_whatsapp_message(people: Any) -> None:
    person = reachable_person(people, whatsapp=True)
    assert len(_queue(people, person=person, body="x" * 1000).body) == 1000
    assert _refusal(people, person=person, body="x" * 1001).field == "body"


def test_it_refuses_people_outside_the_jurisdiction_and_roles_without_the_permission(people: Any) -> None:
    person = reachable_person(people, "indramayu")
    with pytest.raises(OutOfJurisdiction):
        services.message_person(actor=people.kupang_case_worker, person=person, body=BODY, purpose="event")
    kupang_person = reachable_person(people)
    for user in (people.kupang_program_officer, people.national_analyst, people.national_auditor):
        with pytest.raises(ServiceError):
            services.message_person(actor=user, person=kupang_person, body=BODY, purpose="event")
    assert OutboxMessage.objects.count() == 0


def test_it_refuses_to_queue_where_no_gateway_is_configured(people: Any, settings: Any) -> None:
    settings.BANGKIT_MESSAGE_GATEWAY = ""
    assert _refusal(people).message == "Pengiriman SMS/WhatsApp belum diaktifkan di instalasi ini."


def test_it_keeps_the_number_and_the_body_out_of_the_history(people: Any, django_capture_on_commit_callbacks: Any):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(people)
    entries = LogEntry.objects.get_for_object(message).order_by("id")
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.UPDATE,
    ]
    text = " ".join(str(entry.changes) for entry in entries)
    assert "6281234567890" not in text
    assert "kunjungan" not in text
    assert entries[0].changes_dict["phone"] == ["None", "******"]
    assert entries[2].changes_dict["state"] == ["sending", "sent"]


# --- Quiet hours --------------------------------------------------------------------------------------------


def test_it_holds_a_message_queued_at_night_until_seven_in_the_persons_zone(
    people: Any, settings: Any, clock: Any, gateway: type[FakeGateway], django_capture_on_commit_callbacks: Any
) -> None:
    settings.BANGKIT_MESSAGE_QUIET_HOURS = "21:00-07:00"
    clock.set(datetime(2099, 3, 4, 22, 15, tzinfo=WITA))
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(people)
    message.refresh_from_db()
    assert message.state == "queued"
    assert message.not_before == datetime(2099, 3, 5, 7, 0, tzinfo=WITA)
    assert gateway.sent == []
    assert services.outbox_send_due(now=datetime(2099, 3, 5, 6, 59, tzinfo=WITA)).counts == {}
    assert gateway.sent == []
    assert services.outbox_send_due(now=datetime(2099, 3, 5, 7, 0, tzinfo=WITA)).counts == {"sent": 1}
    assert [sent[0] for sent in gateway.sent] == [message.pk]


def test_it_postpones_a_due_message_the_sender_reaches_only_at_night(
    people: Any, settings: Any, gateway: type[FakeGateway]
) -> None:
    message = _queue(people)
    settings.BANGKIT_MESSAGE_QUIET_HOURS = "21:00-07:00"
    late = datetime(2099, 3, 4, 23, 30, tzinfo=WITA)
    assert services.outbox_send_due(now=late).counts == {"postponed": 1}
    message.refresh_from_db()
    assert (message.state, message.not_before, message.attempts) == ("queued", datetime(2099, 3, 5, 7, tzinfo=WITA), 0)
    assert gateway.sent == []


# --- Sending ------------------------------------------------------------------------------------------------


def test_it_tries_again_later_after_a_passing_failure(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    gateway.failures = [GatewayError("Gateway sibuk (503)")]
    now = timezone.now()
    assert services.outbox_send_due(now=now).counts == {"retry": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "Gateway sibuk (503)")
    assert message.not_before == now + services.RETRY_DELAY
    assert services.outbox_send_due(now=now + timedelta(minutes=4)).counts == {}
    assert services.outbox_send_due(now=now + timedelta(minutes=5)).counts == {"sent": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")


def test_it_gives_up_after_the_last_attempt_and_tells_who_queued_it(
    people: Any, settings: Any, gateway: type[FakeGateway]
) -> None:
    settings.BANGKIT_MESSAGE_MAX_ATTEMPTS = 3
    message = _queue(people)
    gateway.failures = [GatewayError("Gateway sibuk")] * 3
    now = timezone.now()
    outcomes = [services.outbox_send(message.pk, now=now + timedelta(hours=hour)) for hour in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 3)
    notification = Notification.objects.get(recipient=people.kupang_case_worker)
    assert notification.kind == "notifications.message_undelivered"
    assert notification.url == message.get_absolute_url()
    assert notification.title == f"Pesan #{message.pk} (SMS) tidak terkirim"
    assert gateway.sent == []


def test_it_does_not_retry_what_the_gateway_refuses_for_good(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    gateway.failures = [GatewayError("Nomor tidak terdaftar", permanent=True)]
    assert services.outbox_send(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("failed", 1, "Nomor tidak terdaftar")


def test_it_survives_a_broken_gateway_without_logging_the_number_or_the_text(
    people: Any, gateway: type[FakeGateway], caplog: Any
) -> None:
    message = _queue(people)
    gateway.failures = [RuntimeError(f"cannot reach 6281234567890 with {BODY}")]
    with caplog.at_level(logging.INFO):
        assert services.outbox_send(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error == "Galat pada gateway (RuntimeError)."
    assert "6281234567890" not in caplog.text
    assert "kunjungan" not in caplog.text


def test_it_holds_back_a_message_whose_consent_was_withdrawn_meanwhile(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    Consent.objects.filter(person=message.person).update(withdrawn_on=timezone.localdate() - timedelta(days=1))
    assert services.outbox_send(message.pk) == "suppressed"
    message.refresh_from_db()
    assert message.state == "suppressed"
    assert message.last_error == "Persetujuan manajemen kasus orang ini tidak berlaku lagi."
    assert Notification.objects.filter(recipient=people.kupang_case_worker).count() == 1
    assert gateway.sent == []


def test_it_holds_back_a_message_to_a_number_no_longer_the_persons(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    Phone.objects.filter(person=message.person).update(label="family")
    assert services.outbox_send(message.pk) == "suppressed"
    assert gateway.sent == []


def test_it_holds_back_a_message_to_someone_who_died_meanwhile(people: Any) -> None:
    message = _queue(people)
    type(message.person).objects.filter(pk=message.person.pk).update(deceased_on=date(2025, 1, 1))
    assert services.outbox_send(message.pk) == "suppressed"


def test_it_sends_each_message_once_however_often_it_is_asked(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    assert services.outbox_send(message.pk) == "sent"
    assert services.outbox_send(message.pk) == ""
    assert services.outbox_send_due().counts == {}
    assert len(gateway.sent) == 1


def test_a_sender_holding_a_stale_copy_cannot_take_the_message(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    stale = OutboxMessage.objects.select_related("person").get(pk=message.pk)
    gateway.failures = [GatewayError("sibuk")]
    services.outbox_send(message.pk)  # tried once: queued again, with one attempt
    OutboxMessage.objects.filter(pk=message.pk).update(not_before=timezone.now())
    assert not services._change(stale, "queued", "sending", attempts=1)


def test_it_fails_a_message_lost_while_being_sent_without_sending_it_again(
    people: Any, gateway: type[FakeGateway]
) -> None:
    message = _queue(people)
    OutboxMessage.objects.filter(pk=message.pk).update(state="sending", attempts=1)
    assert services.outbox_send_due().counts == {}
    later = timezone.now() + services.LOST_AFTER + timedelta(minutes=1)
    assert services.outbox_send_due(now=later).counts == {"lost": 1}
    message.refresh_from_db()
    assert message.state == "failed"
    assert "tidak dicoba lagi" in message.last_error
    assert gateway.sent == []


def test_it_leaves_the_queue_alone_where_no_gateway_is_configured(
    people: Any, settings: Any, gateway: type[FakeGateway]
) -> None:
    message = _queue(people)
    settings.BANGKIT_MESSAGE_GATEWAY = ""
    assert services.outbox_send_due().counts == {}
    message.refresh_from_db()
    assert message.state == "queued"


def test_it_sends_from_the_command_that_cron_runs(people: Any, gateway: type[FakeGateway]) -> None:
    _queue(people)
    _queue(people)
    output = StringIO()
    call_command("send_due_messages", stdout=output)
    assert "sent: 2" in output.getvalue()
    assert len(gateway.sent) == 2
    output = StringIO()
    call_command("send_due_messages", stdout=output)
    assert "nothing to send" in output.getvalue()


def test_the_console_gateway_logs_the_message_id_only(people: Any, caplog: Any) -> None:
    message = _queue(people)
    with caplog.at_level(logging.INFO, logger="bangkit.notifications.gateways"):
        assert ConsoleGateway().send(message) == f"console-{message.pk}"
    assert str(message.pk) in caplog.text
    assert "6281234567890" not in caplog.text
    assert "kunjungan" not in caplog.text


# --- Cancelling ---------------------------------------------------------------------------------------------


def test_it_cancels_a_message_still_waiting(people: Any, gateway: type[FakeGateway]) -> None:
    message = _queue(people)
    services.outbox_message_cancel(actor=people.kupang_supervisor, message=message)
    message.refresh_from_db()
    assert message.state == "cancelled"
    assert services.outbox_send_due().counts == {}
    assert gateway.sent == []
    entry = LogEntry.objects.get_for_object(message).latest("id")
    assert (entry.actor, entry.changes_dict["state"]) == (people.kupang_supervisor, ["queued", "cancelled"])


def test_it_refuses_to_cancel_a_message_already_sent(people: Any) -> None:
    message = _queue(people)
    services.outbox_send(message.pk)
    message = OutboxMessage.objects.get(pk=message.pk)
    with pytest.raises(ServiceError, match="tidak dapat dibatalkan lagi"):
        services.outbox_message_cancel(actor=people.kupang_case_worker, message=message)


def test_it_refuses_to_cancel_outside_the_jurisdiction(people: Any) -> None:
    message = make_message(people, "indramayu")
    with pytest.raises(OutOfJurisdiction):
        services.outbox_message_cancel(actor=people.kupang_case_worker, message=message)
    message.refresh_from_db()
    assert message.state == "queued"


# --- Two senders at once ------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_eight_simultaneous_senders_each_message_is_sent_exactly_once(settings: Any) -> None:
    from bangkit.accounts.testing import create_people

    people = create_people()
    messages = [_queue(people) for _ in range(6)]
    FakeGateway.delay = threading.Event()  # every send waits a moment, so that the senders overlap
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            services.outbox_send_due()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(8)]
    for thread in threads:
        thread.start()
    threading.Timer(0.5, FakeGateway.delay.set).start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(sent[0] for sent in FakeGateway.sent) == sorted(message.pk for message in messages)
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}
