"""In-app notifications: each user sees only their own, under the bell and on the list page, marks them read, and
gets an e-mail (a title and a link, never the body) when the kind says so."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from bangkit.core.registry import shell
from bangkit.notifications import services
from bangkit.notifications.kinds import KINDS, NotificationKind, add_kind
from bangkit.notifications.models import Notification
from bangkit.notifications.selectors import unread_count

CASES = "/cases/"
EMAILED = "notifications.message_undelivered"


def _notify(recipients: list[Any], **fields: Any) -> list[Notification]:
    values = {"kind": "general", "title": "Rujukan baru masuk", "url": CASES, **fields}
    return services.notify(recipients=recipients, **values)


# --- notify -------------------------------------------------------------------------------------------------


def test_it_notifies_each_active_recipient_once(people: Any) -> None:
    people.kupang_nobody.is_active = False
    people.kupang_nobody.save()
    created = _notify(
        [people.kupang_case_worker, people.kupang_supervisor, people.kupang_case_worker, people.kupang_nobody],
        body="Dari BP3MI Kupang.",
        region=people.regions["53.01"],
    )
    assert [notification.recipient for notification in created] == [people.kupang_case_worker, people.kupang_supervisor]
    stored = Notification.objects.get(recipient=people.kupang_supervisor)
    assert (stored.title, stored.body, stored.url, stored.region_id, stored.read_at) == (
        "Rujukan baru masuk",
        "Dari BP3MI Kupang.",
        CASES,
        "53.01",
        None,
    )


def test_it_writes_each_recipient_the_title_in_their_own_language(people: Any) -> None:
    people.kupang_supervisor.language = "en"
    people.kupang_supervisor.save()
    _notify(
        [people.kupang_case_worker, people.kupang_supervisor],
        title=format_lazy("{}: 2", gettext_lazy("Kasus")),
        body=gettext_lazy("Tersimpan."),
    )
    assert Notification.objects.get(recipient=people.kupang_case_worker).title == "Kasus: 2"
    english = Notification.objects.get(recipient=people.kupang_supervisor)
    assert (english.title, english.body) == ("Cases: 2", "Saved.")


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "nobody.registered_this"},
        {"url": "https://evil.example/cases/"},
        {"url": "//evil.example/"},
        {"url": "/no/such/page/"},
        {"url": "/registry/?nik=5301084107900001"},
        {"url": "/registry/?q=maria@example.org"},
        {"url": "/cases/\n"},
        {"title": "x" * 201},
        {"title": "   "},
        {"body": "x" * 2001},
    ],
)
def test_it_refuses_a_callers_mistake(people: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="notification"):
        _notify([people.kupang_case_worker], **fields)
    assert not Notification.objects.exists()


def test_it_keeps_a_link_with_a_query_to_a_page_of_the_site(people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker], url="/cases/12/?tab=tasks")
    assert notification.url == "/cases/12/?tab=tasks"


def test_it_lets_an_app_register_its_own_kind(people: Any) -> None:
    kind = NotificationKind("tests.visit_due", gettext_lazy("Kunjungan"), email=True, icon="house")
    add_kind(kind)
    try:
        add_kind(kind)  # registering it again (a second ready()) is harmless
        with pytest.raises(ValueError, match="registered twice"):
            add_kind(NotificationKind("tests.visit_due", "Lain"))
        assert _notify([people.kupang_case_worker], kind="tests.visit_due")[0].kind == "tests.visit_due"
    finally:
        del KINDS["tests.visit_due"]


# --- E-mail -------------------------------------------------------------------------------------------------


def test_it_emails_the_title_and_a_link_never_the_body(
    people: Any, settings: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    settings.BANGKIT_SITE_URL = "https://bangkit.example.id"
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people.kupang_case_worker], kind=EMAILED, body="Rahasia: konseling Maria.")
    (mail,) = mailoutbox
    assert mail.to == ["kupang.worker@test.id"]
    assert mail.subject == "[Bangkit] Rujukan baru masuk"
    assert "https://bangkit.example.id/cases/" in mail.body
    assert "Maria" not in mail.body
    assert Notification.objects.get().emailed_at is not None


def test_it_emails_only_when_the_kind_and_the_caller_say_so(
    people: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people.kupang_case_worker], kind="general")
        _notify([people.kupang_case_worker], kind=EMAILED, email=False)
    assert mailoutbox == []


def test_it_emails_each_notification_once(people: Any, mailoutbox: list[Any]) -> None:
    (notification,) = _notify([people.kupang_case_worker], kind=EMAILED)
    assert services.notifications_email([notification.pk]) == 1
    assert services.notifications_email([notification.pk]) == 0
    assert len(mailoutbox) == 1


def test_it_keeps_a_notification_for_another_try_when_the_mail_server_fails(
    people: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    (notification,) = _notify([people.kupang_case_worker], kind=EMAILED)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("kupang.worker@test.id: connection refused")

    monkeypatch.setattr(services, "send_mail", refuse)
    assert services.notifications_email([notification.pk]) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert (notification.email_state, notification.email_attempts) == ("queued", 1)
    assert "kupang.worker@test.id" not in caplog.text
    assert "kupang.worker@test.id" not in notification.email_error


def test_it_writes_the_email_in_the_recipients_language(people: Any, mailoutbox: list[Any]) -> None:
    people.kupang_case_worker.language = "en"
    people.kupang_case_worker.save()
    (notification,) = _notify([people.kupang_case_worker], kind=EMAILED, title=gettext_lazy("Kasus"))
    services.notifications_email([notification.pk])
    assert mailoutbox[0].subject == "[Bangkit] Cases"


# --- The bell -----------------------------------------------------------------------------------------------


def test_it_counts_unread_notifications_in_one_query(people: Any, django_assert_num_queries: Any) -> None:
    _notify([people.kupang_case_worker, people.kupang_supervisor])
    _notify([people.kupang_case_worker])
    services.notifications_mark_all_read(actor=people.kupang_supervisor)
    with django_assert_num_queries(1):
        assert unread_count(people.kupang_case_worker) == 2
    assert unread_count(people.kupang_supervisor) == 0


def test_it_shows_the_bell_in_the_top_bar_and_loads_its_count_after_the_page(client: Any, people: Any) -> None:
    assert any(item.badge_url_name == "notifications:bell" for item in shell.navbar)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications:bell")}"' in page
    assert f'href="{reverse("notifications:list")}"' in page


def test_the_bell_costs_one_count_whatever_the_number(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    with CaptureQueriesContext(connection) as none:
        assert "badge" not in client.get(reverse("notifications:bell")).content.decode()
    for _ in range(120):
        _notify([people.kupang_case_worker])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notifications:bell"))
    assert "99+" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The user, the COUNT, and the session saved on every request (SESSION_SAVE_EVERY_REQUEST: three statements).
    assert len(many) == len(none) == 5, [query["sql"] for query in many.captured_queries]
    counts = [query["sql"] for query in many.captured_queries if "COUNT" in query["sql"]]
    assert len(counts) == 1
    assert "notifications_notification" in counts[0]


def test_the_bell_sends_anonymous_visitors_to_sign_in(client: Any, db: None) -> None:
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- The list page ------------------------------------------------------------------------------------------


def test_it_lists_only_the_users_own_notifications_newest_first(client: Any, people: Any) -> None:
    _notify([people.kupang_case_worker], title="Pertama")
    _notify([people.kupang_case_worker], title="Kedua")
    _notify([people.kupang_supervisor], title="Punya orang lain")
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("notifications:list"))
    assert [item.title for item in response.context["object_list"]] == ["Kedua", "Pertama"]
    assert response.context["unread"] == 2
    assert "Punya orang lain" not in response.content.decode()


def test_it_lists_only_the_unread_on_request(client: Any, people: Any) -> None:
    first, second = (_notify([people.kupang_case_worker], title=title)[0] for title in ("Lama", "Baru"))
    services.notification_mark_read(actor=people.kupang_case_worker, notification=first)
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("notifications:list"), {"unread": "true"})
    assert [item.pk for item in response.context["object_list"]] == [second.pk]


def test_it_pages_the_list_with_a_fixed_number_of_queries(client: Any, people: Any) -> None:
    _notify([people.kupang_case_worker])
    client.force_login(people.kupang_case_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:list"))
    for _ in range(30):
        _notify([people.kupang_case_worker])
    with CaptureQueriesContext(connection) as full:
        response = client.get(reverse("notifications:list"))
    assert len(response.context["object_list"]) == 25
    assert response.context["is_paginated"]
    assert len(full) == len(one) == 8, [query["sql"] for query in full.captured_queries]


def test_it_sends_anonymous_visitors_of_the_list_to_sign_in(client: Any, db: None) -> None:
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_marks_one_read_and_goes_back_to_the_page_it_was_on(client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker])
    client.force_login(people.kupang_case_worker)
    back = reverse("notifications:list") + "?page=2"
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": back})
    assert response["Location"] == back
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    client.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_it_opens_the_page_a_notification_is_about(client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker], url="/cases/?open=true")
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == "/cases/?open=true"
    assert unread_count(people.kupang_case_worker) == 0


def test_it_never_goes_back_to_another_site(client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker])
    client.force_login(people.kupang_case_worker)
    for target in ("https://evil.example/notifications/", "//evil.example/", "/cases/"):
        response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": target})
        assert response["Location"] == reverse("notifications:list")


def test_it_hides_another_users_notification(client: Any, api_client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_supervisor])
    for user in (people.kupang_case_worker, people.national_auditor, people.national_admin):
        client.force_login(user)
        api_client.force_authenticate(user)
        assert client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"}).status_code == 404
        assert api_client.get(reverse("notification-detail", args=[notification.pk])).status_code == 404
        assert api_client.post(reverse("notification-read", args=[notification.pk])).status_code == 404
        assert notification.pk not in {
            item["id"] for item in api_client.get(reverse("notification-list")).json()["results"]
        }
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_marks_only_by_post(client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker])
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_marks_all_of_the_users_own_read(client: Any, people: Any) -> None:
    _notify([people.kupang_case_worker, people.kupang_supervisor])
    _notify([people.kupang_case_worker])
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 pemberitahuan ditandai sudah dibaca." in response.content.decode()
    assert unread_count(people.kupang_case_worker) == 0
    assert unread_count(people.kupang_supervisor) == 1


def test_the_service_refuses_to_mark_someone_elses_notification(people: Any) -> None:
    from bangkit.core.exceptions import ServiceError

    (notification,) = _notify([people.kupang_supervisor])
    with pytest.raises(ServiceError):
        services.notification_mark_read(actor=people.kupang_case_worker, notification=notification)


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_lists_the_callers_notifications_and_marks_them_read(api_client: Any, people: Any) -> None:
    first, second = (_notify([people.kupang_case_worker], title=title)[0] for title in ("Satu", "Dua"))
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("notification-list")).json()
    assert [item["title"] for item in body["results"]] == ["Dua", "Satu"]
    assert body["results"][0]["kind_label"] == "Pemberitahuan"
    response = api_client.post(reverse("notification-read", args=[first.pk]))
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    unread = api_client.get(reverse("notification-list"), {"unread": "true"}).json()["results"]
    assert [item["id"] for item in unread] == [second.pk]
    assert api_client.post(reverse("notification-read-all")).json() == {"marked": 1}
    assert api_client.post(reverse("notification-read-all")).json() == {"marked": 0}


def test_the_api_refuses_anonymous_callers(api_client: Any, people: Any) -> None:
    (notification,) = _notify([people.kupang_case_worker])
    assert api_client.get(reverse("notification-list")).status_code == 401
    assert api_client.get(reverse("notification-detail", args=[notification.pk])).status_code == 401
    assert api_client.post(reverse("notification-read", args=[notification.pk])).status_code == 401
    assert api_client.post(reverse("notification-read-all")).status_code == 401
    notification.refresh_from_db()
    assert notification.read_at is None
