"""Taking attendance at the venue: one phone screen for the whole session where each tap marks one person and
only their row (and the totals) change, and the page that copies a signed paper list afterwards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from bangkit.accounts.testing import local_today
from bangkit.programs import services
from bangkit.programs.choices import AttendanceSource, AttendanceStatus
from bangkit.programs.models import Attendance, Enrolment, EventSession
from bangkit.programs.tests.test_views import enrol_new_people, event_at
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def held(people: Any) -> EventSession:
    """Today's session of a Kupang event with three participants."""
    event = event_at(people)
    enrol_new_people(people, event, 3)
    return event.sessions.get()


def _tap(client: Any, session: EventSession, enrolment: Enrolment, status: str, **headers: Any) -> Any:
    return client.post(
        reverse("programs:attendance_mark", args=[session.pk]),
        {"enrolment": enrolment.pk, "status": status},
        **headers,
    )


def _first(session: EventSession) -> Enrolment:
    return Enrolment.objects.filter(event_id=session.event_id).order_by("person__full_name").first()  # type: ignore[return-value]


def test_the_screen_lists_every_participant_with_three_buttons_and_the_search_script(client, people, held):
    client.force_login(people.kupang_case_worker)

    response = client.get(reverse("programs:session_attendance", args=[held.pk]))

    page = response.content.decode()
    assert page.count('class="list-group-item px-2 py-2 attendance-row"') == 3
    assert page.count('name="status" value="present"') == 3
    assert page.count('name="status" value="late"') == 3
    assert page.count('name="status" value="absent"') == 3
    assert 'data-search="peserta nomor 000 tarus"' in page
    assert 'id="attendance-search"' in page
    assert "bangkit/attendance.js" in page
    assert finders.find("bangkit/attendance.js")
    assert "Belum dicatat 3" in page


def test_a_tap_marks_the_person_and_answers_with_their_row_and_the_totals(client, people, held):
    enrolment = _first(held)
    client.force_login(people.kupang_case_worker)

    response = _tap(client, held, enrolment, "present", **HTMX)

    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(
        f'<li class="list-group-item px-2 py-2 attendance-row" id="enrolment-{enrolment.pk}"'
    )
    assert 'data-status="present"' in fragment
    assert 'value="present" class="btn btn-success" aria-pressed="true"' in fragment
    assert 'id="attendance-totals"' in fragment
    assert 'hx-swap-oob="true"' in fragment
    assert "Hadir 1" in fragment
    assert "Belum dicatat 2" in fragment
    mark = Attendance.objects.get(session=held, enrolment=enrolment)
    assert (mark.status, mark.source, mark.recorded_by) == (
        AttendanceStatus.PRESENT,
        AttendanceSource.PHONE,
        people.kupang_case_worker,
    )


def test_a_second_tap_corrects_the_mark(client, people, held):
    enrolment = _first(held)
    client.force_login(people.kupang_case_worker)

    _tap(client, held, enrolment, "present", **HTMX)
    response = _tap(client, held, enrolment, "late", **HTMX)

    assert 'data-status="late"' in response.content.decode()
    assert "Hadir 0" in response.content.decode()
    assert list(Attendance.objects.values_list("status", flat=True)) == [AttendanceStatus.LATE]


def test_marking_a_session_that_has_not_happened_is_refused_in_the_row(client, people):
    start = local_today(people.kupang_case_worker) + timedelta(days=3)
    event = event_at(people, start=start)
    enrol_new_people(people, event, 1)
    session = event.sessions.get()
    client.force_login(people.kupang_case_worker)

    screen = client.get(reverse("programs:session_attendance", args=[session.pk]))
    response = _tap(client, session, _first(session), "present", **HTMX)

    assert "Sesi ini belum berlangsung" in screen.content.decode()
    fragment = response.content.decode()
    assert response.status_code == 200
    assert f"Sesi tanggal {start:%d-%m-%Y} belum berlangsung" in fragment
    assert 'role="alert"' in fragment
    assert 'data-status=""' in fragment
    assert not Attendance.objects.exists()


def test_someone_who_withdrew_meanwhile_is_refused_in_the_row(client, people, held):
    enrolment = _first(held)
    services.enrolment_withdraw(actor=people.kupang_case_worker, enrolment=enrolment, reason="illness")
    client.force_login(people.kupang_case_worker)

    response = _tap(client, held, enrolment, "present", **HTMX)

    assert "Orang ini tidak terdaftar sebagai peserta (status: Mengundurkan diri)." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cancelled_event_shows_no_buttons_and_refuses_a_mark(client, people):
    event = event_at(people)
    enrol_new_people(people, event, 1)
    services.event_cancel(actor=people.kupang_program_officer, event=event)
    session = event.sessions.get()
    client.force_login(people.kupang_case_worker)

    screen = client.get(reverse("programs:session_attendance", args=[session.pk])).content.decode()
    response = _tap(client, session, _first(session), "present", **HTMX)

    assert "Kegiatan ini dibatalkan; kehadiran tidak dapat dicatat." in screen
    assert 'name="status"' not in screen
    assert "Kegiatan ini dibatalkan." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_status_that_is_not_one_of_the_three_is_refused_in_the_row(client, people, held):
    client.force_login(people.kupang_case_worker)

    response = _tap(client, held, _first(held), "maybe", **HTMX)

    assert "Pilih hadir, terlambat atau tidak hadir." in response.content.decode()
    assert not Attendance.objects.exists()


def test_without_javascript_a_tap_goes_back_to_the_screen_at_the_row(client, people, held):
    enrolment = _first(held)
    client.force_login(people.kupang_case_worker)

    response = _tap(client, held, enrolment, "absent")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('programs:session_attendance', args=[held.pk])}#enrolment-{enrolment.pk}"
    assert Attendance.objects.get().status == AttendanceStatus.ABSENT


def test_a_tap_after_the_session_expired_sends_the_whole_page_to_sign_in_and_back(client, people, held):
    screen = reverse("programs:session_attendance", args=[held.pk])

    response = _tap(client, held, _first(held), "present", HTTP_HX_CURRENT_URL=f"http://testserver{screen}", **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={screen.replace('/', '%2F')}"
    assert not Attendance.objects.exists()


def test_the_screen_says_when_a_tap_did_not_reach_the_server(client, people, held):
    client.force_login(people.kupang_case_worker)

    page = client.get(reverse("programs:session_attendance", args=[held.pk])).content.decode()

    assert 'data-unsaved-message="Belum tersimpan: tidak ada sambungan ke server.' in page
    assert "hx-request='{\"timeout\": 20000}'" in page
    with open(finders.find("bangkit/attendance.js"), encoding="utf-8") as script_file:  # type: ignore[arg-type]
        script = script_file.read()
    assert 'addEventListener("htmx:sendError", showUnsaved)' in script


def test_an_indramayu_case_worker_can_neither_open_nor_mark_the_kupang_session(client, people, held):
    client.force_login(people.indramayu_case_worker)

    screen = client.get(reverse("programs:session_attendance", args=[held.pk]))
    response = _tap(client, held, _first(held), "present", **HTMX)

    assert screen.status_code == 404
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_participant_of_another_event_is_not_found_in_this_session(client, people, held):
    other = event_at(people, title="Kegiatan lain")
    stranger = services.enrol(actor=people.kupang_case_worker, event=other, person=make_person(people))
    client.force_login(people.kupang_case_worker)

    assert _tap(client, held, stranger, "present", **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_an_auditor_reads_the_screen_without_buttons(client, people, held):
    services.attendance_mark(
        actor=people.kupang_case_worker, session=held, enrolment=_first(held), status=AttendanceStatus.LATE
    )
    client.force_login(people.national_auditor)

    page = client.get(reverse("programs:session_attendance", args=[held.pk])).content.decode()

    assert page.count("py-2 attendance-row") == 3
    assert 'name="status"' not in page
    assert "Terlambat 1" in page
    assert _tap(client, held, _first(held), "present", **HTMX).status_code == 403


def test_the_paper_list_records_everyone_absent_unless_marked(client, people, held):
    first, second, third = Enrolment.objects.filter(event_id=held.event_id).order_by("person__full_name")
    client.force_login(people.kupang_case_worker)
    url = reverse("programs:session_attendance_paper", args=[held.pk])

    form = client.get(url)
    response = client.post(
        url, {f"status_{first.pk}": "present", f"status_{second.pk}": "late", f"status_{third.pk}": "absent"}
    )

    assert form.status_code == 200
    assert form.content.decode().count('<option value="absent" selected>') == 3
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:session_attendance", args=[held.pk])
    marks = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert marks == {first.pk: "present", second.pk: "late", third.pk: "absent"}
    assert set(Attendance.objects.values_list("source", flat=True)) == {AttendanceSource.PAPER}
    followed = client.get(response["Location"])
    assert "Kehadiran 3 peserta dicatat dari daftar hadir kertas." in followed.content.decode()


def test_the_paper_list_shows_what_was_marked_by_phone_and_corrects_it(client, people, held):
    first = _first(held)
    services.attendance_mark(
        actor=people.kupang_case_worker, session=held, enrolment=first, status=AttendanceStatus.PRESENT
    )
    client.force_login(people.kupang_case_worker)
    url = reverse("programs:session_attendance_paper", args=[held.pk])

    shown = client.get(url).context["form"]
    data = {name: field.initial for name, field in shown.fields.items()}
    data[f"status_{first.pk}"] = "late"
    client.post(url, data)

    assert shown.fields[f"status_{first.pk}"].initial == AttendanceStatus.PRESENT
    assert Attendance.objects.get(enrolment=first).status == AttendanceStatus.LATE
    assert Attendance.objects.count() == 3


def test_a_paper_list_for_a_session_that_has_not_happened_writes_nothing(client, people):
    event = event_at(people, start=local_today(people.kupang_case_worker) + timedelta(days=2))
    enrol_new_people(people, event, 2)
    session = event.sessions.get()
    client.force_login(people.kupang_case_worker)
    url = reverse("programs:session_attendance_paper", args=[session.pk])

    response = client.post(url, {f"status_{pk}": "absent" for pk in event.enrolments.values_list("pk", flat=True)})

    assert response.status_code == 200
    assert f"Sesi tanggal {event.start_date:%d-%m-%Y} belum berlangsung" in str(response.context["form"].errors)
    assert not Attendance.objects.exists()
