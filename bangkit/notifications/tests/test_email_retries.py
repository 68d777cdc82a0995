"""A notification e-mail the mail server does not take is tried again after 10 and 20 minutes, three times in all; then
it stays failed, and the administrators of the recipient's region see it on "E-mail gagal terkirim"."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bangkit.notifications import services
from bangkit.notifications.models import Notification
from bangkit.notifications.tasks import email_due_notifications

EMAILED = "notifications.message_undelivered"


class MailServer:
    """Stands in for `send_mail`: refuses the first `failures` e-mails with `error`, then delivers into the outbox."""

    def __init__(self, mailoutbox: list[Any], failures: int, error: BaseException) -> None:
        self.mailoutbox, self.failures, self.error, self.calls = mailoutbox, failures, error, 0

    def __call__(self, subject: str, text: str, sender: Any, to: list[str]) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        self.mailoutbox.append((subject, to))
        return 1


@pytest.fixture
def mail_server(monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]) -> Any:
    def install(failures: int, error: BaseException | None = None) -> MailServer:
        server = MailServer(
            mailoutbox, failures, error or smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        )
        monkeypatch.setattr(services, "send_mail", server)
        return server

    return install


def _emailed(recipient: Any, **fields: Any) -> Notification:
    values = {"kind": EMAILED, "title": "Pesan #12 (SMS) tidak terkirim", "url": "/cases/", **fields}
    (notification,) = services.notify(recipients=[recipient], **values)
    return notification


def test_it_queues_the_email_of_an_emailed_kind_only(people: Any) -> None:
    emailed = _emailed(people.kupang_case_worker)
    in_app_only = _emailed(people.kupang_case_worker, kind="general")
    not_asked = _emailed(people.kupang_case_worker, email=False)
    assert (emailed.email_state, emailed.email_attempts) == ("queued", 0)
    assert in_app_only.email_state == not_asked.email_state == ""


def test_it_tries_a_failed_email_again_after_a_wait_and_then_sends_it(people: Any, mail_server: Any) -> None:
    server = mail_server(failures=1)
    notification = _emailed(people.kupang_case_worker)
    now = timezone.now()

    assert services.notification_email_send(notification, now=now) == "retry"

    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts, notification.emailed_at) == ("queued", 1, None)
    assert notification.email_error == "Server e-mail menolak atau tidak dapat dihubungi (SMTPServerDisconnected)."
    assert notification.email_not_before == now + timedelta(minutes=10)
    assert services.notifications_email_due(now=now + timedelta(minutes=9)).counts == {}
    assert services.notifications_email_due(now=now + timedelta(minutes=10)).counts == {"sent": 1}
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts, notification.email_error) == ("sent", 2, "")
    assert notification.emailed_at is not None
    assert server.calls == 2
    assert len(server.mailoutbox) == 1


def test_it_gives_up_after_the_third_attempt_at_growing_intervals(people: Any, mail_server: Any, caplog: Any) -> None:
    server = mail_server(failures=10)
    notification = _emailed(people.kupang_case_worker)
    start = timezone.now()
    outcomes, due_times = [], []
    moment = start
    for _ in range(3):
        with caplog.at_level(logging.WARNING):
            outcomes.append(services.notifications_email_due(now=moment).counts)
        notification.refresh_from_db()
        due_times.append(notification.email_not_before)
        moment = notification.email_not_before or moment

    assert outcomes == [{"retry": 1}, {"retry": 1}, {"failed": 1}]
    assert due_times[:2] == [start + timedelta(minutes=10), start + timedelta(minutes=30)]
    assert (notification.email_state, notification.email_attempts) == ("failed", 3)
    assert "SMTPServerDisconnected" in notification.email_error
    # Failed for good: no later run tries it again.
    assert services.notifications_email_due(now=start + timedelta(days=1)).counts == {}
    assert server.calls == 3
    assert "failed for good" in caplog.text


def test_the_bound_on_attempts_is_a_setting(people: Any, mail_server: Any, settings: Any) -> None:
    settings.BANGKIT_EMAIL_MAX_ATTEMPTS = 1
    mail_server(failures=1)
    notification = _emailed(people.kupang_case_worker)
    assert services.notification_email_send(notification) == "failed"


def test_it_keeps_the_address_out_of_the_error_and_the_log(people: Any, mail_server: Any, caplog: Any) -> None:
    address = people.kupang_case_worker.email
    mail_server(failures=1, error=smtplib.SMTPRecipientsRefused({address: (550, f"<{address}>: unknown".encode())}))
    notification = _emailed(people.kupang_case_worker)
    with caplog.at_level(logging.INFO):
        services.notification_email_send(notification)
    notification.refresh_from_db()
    assert notification.email_error == "Server e-mail menolak atau tidak dapat dihubungi (SMTPRecipientsRefused 550)."
    assert address not in caplog.text
    assert address not in notification.email_error


def test_it_sends_each_email_once_however_often_it_is_asked(people: Any, mail_server: Any) -> None:
    server = mail_server(failures=0)
    notification = _emailed(people.kupang_case_worker)
    stale = Notification.objects.select_related("recipient").get(pk=notification.pk)
    assert services.notifications_email([notification.pk]) == 1
    assert services.notification_email_send(stale) == ""
    assert services.notifications_email_due().counts == {}
    assert server.calls == 1


def test_it_skips_a_recipient_deactivated_before_the_email_went(people: Any, mail_server: Any) -> None:
    server = mail_server(failures=0)
    notification = _emailed(people.kupang_case_worker)
    people.kupang_case_worker.is_active = False
    people.kupang_case_worker.save()
    assert services.notifications_email_due().counts == {"skipped": 1}
    notification.refresh_from_db()
    assert notification.email_state == "skipped"
    assert server.calls == 0


def test_it_tries_again_an_email_whose_sender_was_lost(people: Any, mail_server: Any) -> None:
    server = mail_server(failures=0)
    notification = _emailed(people.kupang_case_worker)
    taken = timezone.now() - services.LOST_AFTER - timedelta(minutes=1)
    Notification.objects.filter(pk=notification.pk).update(
        email_state="sending", email_attempts=1, email_not_before=taken
    )
    now = timezone.now()
    assert services.notifications_email_due(now=now).counts == {"lost": 1}
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("queued", 1)
    assert notification.email_error == "Pengiriman e-mail terputus sebelum selesai."
    assert services.notifications_email_due(now=notification.email_not_before).counts == {"sent": 1}
    assert server.calls == 1


def test_the_command_cron_runs_retries_the_emails_too(people: Any, mail_server: Any) -> None:
    mail_server(failures=1)
    notification = _emailed(people.kupang_case_worker)
    services.notification_email_send(notification)
    Notification.objects.filter(pk=notification.pk).update(email_not_before=timezone.now())
    output = StringIO()
    call_command("send_due_messages", stdout=output)
    assert "e-mail sent: 1" in output.getvalue()
    assert email_due_notifications.call() == {}


# --- The administrators' page -------------------------------------------------------------------------------


def _failed(recipient: Any, **fields: Any) -> Notification:
    notification = _emailed(recipient, **fields)
    Notification.objects.filter(pk=notification.pk).update(
        email_state="failed", email_attempts=3, email_error="Server e-mail menolak atau tidak dapat dihubungi (X)."
    )
    return notification


def test_administrators_see_the_failed_emails_of_their_region_without_the_text(client: Any, people: Any) -> None:
    kupang = _failed(people.kupang_case_worker, title="Rahasia: konseling Maria")
    retrying = _emailed(people.kupang_supervisor)
    Notification.objects.filter(pk=retrying.pk).update(email_attempts=1, email_error="Server sibuk")
    _emailed(people.kupang_program_officer)  # queued, not tried yet: nothing to see
    indramayu = _failed(people.indramayu_case_worker)

    client.force_login(people.kupang_admin)
    response = client.get(reverse("notifications:email_failures"))

    assert response.status_code == 200
    assert [item.pk for item in response.context["object_list"]] == [retrying.pk, kupang.pk]
    page = response.content.decode()
    assert "Gagal" in page
    assert "Dicoba lagi" in page
    assert "Server e-mail menolak atau tidak dapat dihubungi (X)." in page
    assert "Rahasia" not in page
    assert reverse("accounts:user_detail", args=[people.kupang_case_worker.pk]) in page
    client.force_login(people.national_admin)
    listed = {item.pk for item in client.get(reverse("notifications:email_failures")).context["object_list"]}
    assert {kupang.pk, indramayu.pk} <= listed


def test_the_failed_emails_page_is_for_administrators_only(client: Any, people: Any) -> None:
    _failed(people.kupang_case_worker)
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("notifications:email_failures")).status_code == 403
    client.logout()
    response = client.get(reverse("notifications:email_failures"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_failed_emails_page_is_in_the_administrators_menu(client: Any, people: Any) -> None:
    def menu(user: Any) -> set[str]:
        client.force_login(user)
        response = client.get(reverse("home"))
        return {str(entry.label) for _, entries in response.context["nav_groups"] for entry in entries}

    assert "E-mail gagal terkirim" in menu(people.kupang_admin)
    assert "E-mail gagal terkirim" not in menu(people.kupang_case_worker)


def test_the_failed_emails_page_costs_the_same_queries_for_many(client: Any, people: Any) -> None:
    _failed(people.kupang_case_worker)
    client.force_login(people.kupang_admin)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:email_failures"))
    for user in (people.kupang_supervisor, people.kupang_program_officer, people.kupang_nobody) * 3:
        _failed(user)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notifications:email_failures"))
    assert len(response.context["object_list"]) == 10
    assert len(many) == len(one)
