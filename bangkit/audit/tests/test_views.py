from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.http import HttpRequest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
from bangkit.audit.display import EntryView
from bangkit.audit.history import VIEW_HISTORY, record_access
from bangkit.audit.tests.conftest import Cast
from bangkit.audit.tests.helpers import rename
from bangkit.core.registry import shell

pytestmark = pytest.mark.django_db

URL = "/audit/"


def rows(response: object) -> list[EntryView]:
    return response.context["rows"]  # type: ignore[attr-defined]


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/audit/")


def test_it_refuses_a_case_worker(client: Client, cast: Cast) -> None:
    client.force_login(cast.kupang_worker)

    assert client.get(URL).status_code == 403


def test_it_shows_an_auditor_who_changed_what_and_when(client: Client, cast: Cast) -> None:
    entry = rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker, request_id="req-rename-0042")
    client.force_login(cast.national_auditor)

    response = client.get(URL)

    assert response.status_code == 200
    assert rows(response)[0].entry == entry
    html = response.content.decode()
    assert "Kupang.Worker" in html
    assert "Diubah" in html
    assert "Organisasi" in html
    assert [(change.label, change.old_display, change.new_display) for change in rows(response)[0].changes] == [
        ("nama", "LKS Kupang", "LKS Kupang Baru")
    ]
    assert '<span class="text-muted">LKS Kupang</span>' in html
    assert "LKS Kupang Baru" in html
    assert "req-rename-0042" in html
    assert "WIB" in html  # shown in the zone of the user (Jakarta here), not UTC


def test_it_shows_a_national_auditor_every_entry(client: Client, cast: Cast) -> None:
    kupang = rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    indramayu = rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.indramayu_worker)
    client.force_login(cast.national_auditor)

    shown = {row.entry for row in rows(client.get(URL))}

    assert {kupang, indramayu} <= shown
    assert any(row.entry.actor is None for row in rows(client.get(URL)))  # system work too


def test_it_shows_a_regional_auditor_the_entries_about_records_of_their_jurisdiction_whoever_made_them(
    client: Client, cast: Cast
) -> None:
    by_national_officer = rename(cast.kupang, "LKS Kupang Baru", by=cast.national_auditor)
    rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.kupang_worker)
    client.force_login(cast.kupang_auditor)

    shown = [row.entry for row in rows(client.get(URL))]

    assert by_national_officer in shown
    organisations = rows(client.get(URL, {"record_type": "accounts.organisation"}))
    assert {row.entry.object_pk for row in organisations} == {str(cast.kupang.pk)}


def test_it_shows_a_record_that_moved_to_the_auditors_of_both_regions(client: Client, cast: Cast) -> None:
    cast.kupang_worker.organisation = cast.indramayu
    cast.kupang_worker.save()
    move = LogEntry.objects.get_for_object(cast.kupang_worker).latest()

    client.force_login(cast.kupang_auditor)
    assert move in [row.entry for row in rows(client.get(URL))]
    client.force_login(cast.national_auditor)
    assert move in [row.entry for row in rows(client.get(URL))]


def test_it_does_not_name_a_related_record_outside_the_readers_jurisdiction(client: Client, cast: Cast) -> None:
    cast.kupang_worker.organisation = cast.indramayu
    cast.kupang_worker.save()
    client.force_login(cast.kupang_auditor)

    change = rows(client.get(URL, {"record_type": "accounts.user", "action": "update"}))[0].changes[0]

    assert change.old_display == "LKS Kupang"
    assert "Dinsos Indramayu" not in change.new_display
    assert change.new_display == f"#{cast.indramayu.pk} (dihapus atau di luar yurisdiksi Anda)"


def test_it_records_that_a_password_changed_without_recording_the_hash(client: Client, cast: Cast) -> None:
    cast.kupang_worker.set_password("another-long-test-password")
    cast.kupang_worker.save()
    client.force_login(cast.national_auditor)

    response = client.get(URL, {"record_type": "accounts.user", "record_id": str(cast.kupang_worker.pk)})

    change = rows(response)[0].changes[0]
    assert (change.field, change.masked, change.new_display) == ("password", True, "(disamarkan)")
    assert "argon2" not in response.content.decode()
    assert "argon2" not in str(LogEntry.objects.get_for_object(cast.kupang_worker).latest().changes)


def test_it_filters_by_user(client: Client, cast: Cast) -> None:
    rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    indramayu = rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.indramayu_worker)
    client.force_login(cast.national_auditor)

    assert [row.entry for row in rows(client.get(URL, {"actor": cast.indramayu_worker.pk}))] == [indramayu]


def test_it_filters_by_record(client: Client, cast: Cast) -> None:
    rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.indramayu_worker)
    client.force_login(cast.national_auditor)

    response = client.get(URL, {"record_type": "accounts.organisation", "record_id": str(cast.kupang.pk)})

    assert [(row.action, row.entry.object_pk) for row in rows(response)] == [
        ("update", str(cast.kupang.pk)),
        ("create", str(cast.kupang.pk)),
    ]


def test_it_filters_by_action_and_request_id(client: Client, cast: Cast) -> None:
    rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker, request_id="req-first-0001")
    second = rename(cast.kupang, "LKS Kupang Lagi", by=cast.kupang_worker, request_id="req-second-0002")
    access = record_access(cast.kupang_worker, cast.kupang)
    client.force_login(cast.national_auditor)

    assert [row.entry for row in rows(client.get(URL, {"action": "access"}))] == [access]
    assert [row.entry for row in rows(client.get(URL, {"request_id": "req-second-0002"}))] == [second]


def test_it_filters_by_calendar_days_in_the_users_zone(client: Client, cast: Cast) -> None:
    late = rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    early = rename(cast.kupang, "LKS Kupang Lagi", by=cast.kupang_worker)
    # 10 January 23:30 and 11 January 00:30 in Jakarta (WIB, UTC+7): the same UTC day.
    LogEntry.objects.filter(pk=late.pk).update(timestamp=dt.datetime(2025, 1, 10, 16, 30, tzinfo=dt.UTC))
    LogEntry.objects.filter(pk=early.pk).update(timestamp=dt.datetime(2025, 1, 10, 17, 30, tzinfo=dt.UTC))
    client.force_login(cast.national_auditor)

    on_the_10th = rows(client.get(URL, {"date_from": "2025-01-10", "date_to": "2025-01-10"}))
    from_the_11th = rows(client.get(URL, {"date_from": "2025-01-11", "actor": str(cast.kupang_worker.pk)}))

    assert [row.entry for row in on_the_10th] == [late]
    assert [row.entry for row in from_the_11th][-1] == early
    assert late not in [row.entry for row in from_the_11th]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "31-31-2025"}, "Tanggal tidak valid"),
        ({"actor": "999999"}, "Pengguna tidak ditemukan"),
        ({"actor": "abc"}, "Pengguna tidak ditemukan"),
        ({"record_type": "accounts.password"}, "Jenis data tidak dikenal"),
        ({"action": "steal"}, "Tindakan tidak dikenal"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "Tanggal akhir tidak boleh sebelum tanggal awal"),
    ],
)
def test_it_explains_bad_filter_input_and_lists_nothing(
    client: Client, cast: Cast, query: dict[str, str], message: str
) -> None:
    client.force_login(cast.national_auditor)

    response = client.get(URL, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert rows(response) == []


def test_it_does_not_let_a_regional_auditor_filter_by_a_user_outside_their_jurisdiction(
    client: Client, cast: Cast
) -> None:
    rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.indramayu_worker)
    client.force_login(cast.kupang_auditor)

    response = client.get(URL, {"actor": cast.indramayu_worker.pk})

    assert "Pengguna tidak ditemukan atau di luar yurisdiksi Anda." in response.content.decode()
    assert rows(response) == []


def test_it_shows_masked_values_as_masked(client: Client, cast: Cast) -> None:
    cast.kupang_worker.phone = "081234567890"
    cast.kupang_worker.save()
    client.force_login(cast.national_auditor)

    response = client.get(URL, {"record_type": "accounts.user", "record_id": str(cast.kupang_worker.pk)})

    assert "(disamarkan)" in response.content.decode()
    assert "67890" not in response.content.decode()


def test_it_names_related_records_instead_of_their_ids(client: Client, cast: Cast) -> None:
    user = cast.kupang_worker
    user.organisation = cast.indramayu
    user.save()
    client.force_login(cast.national_auditor)

    change = rows(client.get(URL, {"record_type": "accounts.user", "action": "update"}))[0].changes[0]

    assert (change.field, change.old_display, change.new_display) == ("organisation", "LKS Kupang", "Dinsos Indramayu")


def test_it_pages_through_the_log_newest_first(client: Client, cast: Cast) -> None:
    for _ in range(60):
        record_access(cast.kupang_worker, cast.kupang)
    client.force_login(cast.kupang_auditor)

    first = client.get(URL, {"action": "access"})
    second = client.get(URL, {"action": "access", "after": first.context["next_cursor"]})

    assert len(rows(first)) == 50
    assert len(rows(second)) == 10
    assert second.context["next_cursor"] == ""
    newest_first = LogEntry.objects.filter(actor=cast.kupang_worker).order_by("-timestamp", "-id")
    assert [row.entry.pk for row in rows(first) + rows(second)] == list(newest_first.values_list("pk", flat=True))


def test_it_explains_a_broken_page_link(client: Client, cast: Cast) -> None:
    client.force_login(cast.national_auditor)

    response = client.get(URL, {"after": "yesterday"})

    assert "Tautan halaman ini tidak valid" in response.content.decode()


def _make_entries(cast: Cast, numbers: range) -> None:
    """Entries of every shape the page resolves: changes with related records, masked values, accesses."""
    for number in numbers:
        organisation = Organisation.objects.create(
            name=f"LKS {number}", kind=OrganisationKind.LKS, region=cast.kupang.region
        )
        user = User.objects.create_user(
            email=f"user{number}@test.id",
            password="a-long-test-password",
            full_name=f"User {number}",
            organisation=organisation,
            phone="0812",
        )
        user.organisation = cast.kupang
        user.save()
        Grant.objects.create(user=user, role="case_worker", region=cast.kupang.region)
        rename(organisation, f"LKS {number} Baru", by=user)
        record_access(user, organisation)


def _queries_for_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_it_lists_a_page_in_a_fixed_number_of_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(cast.national_auditor)
    _make_entries(cast, range(2))
    few = _queries_for_page(client)
    _make_entries(cast, range(2, 12))

    # user, grants, the page, one per related model (users, organisations, regions), the user filter's choices,
    # the session save (three with its savepoint)
    with django_assert_max_num_queries(10):
        many = _queries_for_page(client)

    assert len(rows(client.get(URL))) == 50
    assert many == few


def test_it_puts_the_log_in_the_administration_menu_for_holders_of_the_permission(cast: Cast) -> None:
    entry = next(entry for entry in shell.menu if entry.url_name == "audit:log")

    assert entry.permission == VIEW_HISTORY
    assert str(entry.group) == "Administrasi"
    assert cast.kupang_auditor.has_perm(entry.permission)
    assert not cast.kupang_worker.has_perm(entry.permission)


def _request_by(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_renders_the_history_of_one_record_for_auditors_only(cast: Cast) -> None:
    rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    record_access(cast.kupang_worker, cast.kupang)
    template = Template("{% load audit_tags %}{% record_history organisation %}")

    for_auditor = template.render(Context({"request": _request_by(cast.national_auditor), "organisation": cast.kupang}))
    for_worker = template.render(Context({"request": _request_by(cast.kupang_worker), "organisation": cast.kupang}))

    assert "Riwayat perubahan" in for_auditor
    assert "LKS Kupang Baru" in for_auditor
    assert for_auditor.count('<li class="list-group-item') == 2  # creation and rename; the view is in the full log
    assert f"record_type=accounts.organisation&amp;record_id={cast.kupang.pk}" in for_auditor
    assert for_worker.strip() == ""
