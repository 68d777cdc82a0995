"""The outbox as case workers and supervisors see it: the list, a message's page, writing one from a person's page,
cancelling, and the same through the API. The number is always masked."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.urls import reverse

from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.testing import reachable_person
from bangkit.notifications.tests.test_access import make_message
from bangkit.registry.models import Consent
from bangkit.registry.tabs import PERSON_TABS

HTMX = {"HTTP_HX_REQUEST": "true"}
NUMBER = "6281234567890"


def test_it_lists_messages_with_the_number_masked(client: Any, people: Any) -> None:
    message = make_message(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("notifications:outbox_list")).content.decode()
    assert "*********7890" in page
    assert NUMBER not in page
    assert "kunjungan rumah" not in page  # the body is for the message's own page
    detail = client.get(message.get_absolute_url()).content.decode()
    assert "*********7890" in detail
    assert NUMBER not in detail
    assert "Besok pukul 10 kunjungan rumah." in detail


def test_it_filters_the_list(client: Any, people: Any) -> None:
    sent, queued = make_message(people), make_message(people)
    OutboxMessage.objects.filter(pk=sent.pk).update(state="sent", sent_at=sent.created_at)
    client.force_login(people.kupang_supervisor)
    listed = client.get(reverse("notifications:outbox_list"), {"state": "queued"}).context["object_list"]
    assert [message.pk for message in listed] == [queued.pk]
    listed = client.get(reverse("notifications:outbox_list"), {"person": sent.person_id}).context["object_list"]
    assert [message.pk for message in listed] == [sent.pk]


def test_it_logs_who_opened_a_message(client: Any, people: Any) -> None:
    message = make_message(people)
    client.force_login(people.kupang_supervisor)
    client.get(message.get_absolute_url())
    access = LogEntry.objects.get_for_object(message).filter(action=LogEntry.Action.ACCESS)
    assert [entry.actor for entry in access] == [people.kupang_supervisor]


def test_it_keeps_messages_from_analysts_and_program_officers(client: Any, people: Any) -> None:
    message = make_message(people)
    for user in (people.national_analyst, people.kupang_program_officer, people.kupang_admin):
        client.force_login(user)
        assert client.get(reverse("notifications:outbox_list")).status_code == 403
        assert client.get(message.get_absolute_url()).status_code == 403
        assert client.get(reverse("notifications:person_messages", args=[message.person_id])).status_code == 403


def test_it_lets_an_auditor_read_but_not_write(client: Any, people: Any) -> None:
    message = make_message(people)
    client.force_login(people.national_auditor)
    page = client.get(message.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["can_cancel"]
    assert client.get(reverse("notifications:message_new", args=[message.person_id])).status_code == 403


def test_it_writes_a_message_from_the_persons_page(client: Any, people: Any) -> None:
    person = reachable_person(people, whatsapp=True)
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("notifications:person_messages", args=[person.pk]), **HTMX)
    assert reverse("notifications:message_new", args=[person.pk]) in tab.content.decode()
    assert "<html" not in tab.content.decode()
    form = client.get(reverse("notifications:message_new", args=[person.pk]))
    assert form.status_code == 200
    response = client.post(
        reverse("notifications:message_new", args=[person.pk]),
        {"purpose": "event", "channel": "", "body": "Pelatihan UEP mulai Senin pukul 09.00."},
    )
    message = OutboxMessage.objects.get()
    assert response["Location"] == message.get_absolute_url()
    assert (message.channel, message.created_by) == ("whatsapp", people.kupang_case_worker)
    page = client.get(reverse("notifications:person_messages", args=[person.pk])).content.decode()
    assert "<html" in page
    assert message.get_absolute_url() in page


def test_it_shows_a_refusal_on_the_form_and_queues_nothing(client: Any, people: Any) -> None:
    person = reachable_person(people)
    Consent.objects.filter(person=person).delete()
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("notifications:message_new", args=[person.pk]), {"purpose": "event", "body": "Halo"})
    assert response.status_code == 200
    assert "persetujuan manajemen kasus" in str(response.context["form"].non_field_errors())
    response = client.post(
        reverse("notifications:message_new", args=[reachable_person(people).pk]),
        {"purpose": "event", "channel": "whatsapp", "body": "Halo"},
    )
    assert response.context["form"].errors["channel"]
    assert not OutboxMessage.objects.exists()


def test_it_hides_people_of_another_jurisdiction(client: Any, people: Any) -> None:
    person = reachable_person(people, "indramayu")
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("notifications:person_messages", args=[person.pk])).status_code == 404
    assert client.get(reverse("notifications:message_new", args=[person.pk])).status_code == 404
    response = client.post(reverse("notifications:message_new", args=[person.pk]), {"purpose": "event", "body": "x"})
    assert response.status_code == 404
    assert not OutboxMessage.objects.exists()


def test_it_cancels_through_the_page(client: Any, people: Any) -> None:
    message = make_message(people)
    client.force_login(people.kupang_case_worker)
    assert client.get(message.get_absolute_url()).context["can_cancel"]
    response = client.post(reverse("notifications:outbox_cancel", args=[message.pk]), follow=True)
    assert "Pesan dibatalkan." in response.content.decode()
    message.refresh_from_db()
    assert message.state == "cancelled"
    response = client.post(reverse("notifications:outbox_cancel", args=[message.pk]), follow=True)
    assert "tidak dapat dibatalkan lagi" in response.content.decode()


def test_it_adds_a_messages_tab_to_the_persons_page(client: Any, people: Any) -> None:
    tab = next(tab for tab in PERSON_TABS if tab.key == "messages")
    assert (tab.url_name, tab.permission) == ("notifications:person_messages", "notifications.view_outboxmessage")
    person = reachable_person(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("notifications:person_messages", args=[person.pk]) in page


def test_it_offers_the_outbox_in_the_menu_of_case_workers_and_supervisors_only(client: Any, people: Any) -> None:
    def menu(user: Any) -> set[str]:
        client.force_login(user)
        response = client.get(reverse("home"))
        return {str(entry.label) for _, entries in response.context["nav_groups"] for entry in entries}

    assert "Pesan ke orang" in menu(people.kupang_case_worker)
    assert "Pesan ke orang" in menu(people.kupang_supervisor)
    assert "Pesan ke orang" not in menu(people.national_analyst)


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_queues_a_message(api_client: Any, people: Any) -> None:
    person = reachable_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post(
        reverse("outbox-message-list"),
        {"person": person.pk, "purpose": "follow_up", "body": "Apa kabar? Kami akan berkunjung Kamis."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["channel"], body["phone"]) == ("queued", "sms", "*********7890")
    assert NUMBER not in response.content.decode()
    assert api_client.get(reverse("outbox-message-detail", args=[body["id"]])).json()["phone"] == "*********7890"


def test_the_api_explains_a_refusal(api_client: Any, people: Any) -> None:
    person = reachable_person(people)
    Consent.objects.filter(person=person).delete()
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post(
        reverse("outbox-message-list"), {"person": person.pk, "purpose": "event", "body": "Halo"}, format="json"
    )
    assert response.status_code == 400
    assert "persetujuan manajemen kasus" in response.json()["message"]
    other = reachable_person(people, "indramayu")
    response = api_client.post(
        reverse("outbox-message-list"), {"person": other.pk, "purpose": "event", "body": "Halo"}, format="json"
    )
    assert response.status_code == 400
    assert "person" in response.json()["errors"]
    assert not OutboxMessage.objects.exists()


def test_the_api_cancels_a_queued_message(api_client: Any, people: Any) -> None:
    message = make_message(people)
    api_client.force_authenticate(people.kupang_supervisor)
    response = api_client.post(reverse("outbox-message-cancel", args=[message.pk]))
    assert response.json()["state"] == "cancelled"
    assert api_client.post(reverse("outbox-message-cancel", args=[message.pk])).status_code == 400
    api_client.force_authenticate(people.national_auditor)
    assert api_client.post(reverse("outbox-message-cancel", args=[message.pk])).status_code == 403
    other = make_message(people, "indramayu")
    api_client.force_authenticate(people.kupang_supervisor)
    assert api_client.post(reverse("outbox-message-cancel", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.state == "queued"
