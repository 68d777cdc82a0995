"""The program and event pages as their users meet them: who sees what, which buttons show, enrolling from the
participants page, and query counts that do not grow with the participants."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import People, local_today, make_user
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.programs import services
from bangkit.programs.choices import AttendanceStatus, EnrolmentState
from bangkit.programs.models import Attendance, Certificate, Enrolment, Event, EventSession, Module, Program
from bangkit.programs.testing import EVENT_PLACES, make_event, make_program, planner
from bangkit.regions.models import Region, RegionLevel
from bangkit.registry.models import Person
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

CASE_WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def program_of(people: People, place: str = "kupang", year: int | None = None) -> Program:
    """The place's program of the year, made once."""
    year = year or local_today(people.kupang_case_worker).year
    organiser = getattr(people.orgs, EVENT_PLACES[place][3])
    existing = Program.objects.filter(organisation=organiser, year=year, region_id=EVENT_PLACES[place][0]).first()
    return existing or make_program(people, place, year=year)


def event_at(people: People, place: str = "kupang", *, start: date | None = None, **fields: Any) -> Event:
    """An event at the place's seed village, starting today (where the case worker works) unless told."""
    start = start or local_today(people.kupang_case_worker)
    return make_event(people, place, program=program_of(people, place, start.year), start=start, **fields)


def enrol_new_people(people: People, event: Event, count: int, place: str = "kupang") -> list[Person]:
    """`count` new people of the place, enrolled in `event` by the place's case worker."""
    newcomers = [make_person(people, place, full_name=f"Peserta Nomor {index:03d}") for index in range(count)]
    services.enrol_people(actor=getattr(people, CASE_WORKERS[place]), event=event, people=newcomers)
    return newcomers


def _another_village(people: People) -> Region:
    return Region.objects.create(
        code="53.01.08.1001", name="Noelbaki", level=RegionLevel.VILLAGE, parent=people.regions["53.01.08"]
    )


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- generated authorization tests ---------------------------------------------------------------------------


class TestProgramPages(ScopedModelTests):
    model = Program
    permitted_user = "kupang_case_worker"
    writer_user = "kupang_program_officer"
    reader_user = "kupang_case_worker"  # reads programs, plans none
    list_url = "programs:program_list"
    detail_url = "programs:program_detail"
    edit_url = "programs:program_edit"
    api_list_url = "program-list"
    api_detail_url = "program-detail"
    api_writes = {"patch"}
    list_queries = 8

    def make(self, people: Any, place: str) -> Program:
        regency = "53.01" if place == "kupang" else "32.12"
        count = Program.objects.count()
        return make_program(people, place, region=people.regions[regency], name=f"Program {place} {count}")

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"name": f"{obj.name} (diubah)"}


class TestEventPages(ScopedModelTests):
    model = Event
    permitted_user = "kupang_case_worker"
    writer_user = "kupang_program_officer"
    reader_user = "kupang_case_worker"  # sees events, changes none
    list_url = "programs:event_list"
    detail_url = "programs:event_detail"
    edit_url = "programs:event_edit"
    action_urls = {"programs:event_cancel": None}
    api_list_url = "event-list"
    api_detail_url = "event-detail"
    api_writes = {"patch"}
    list_queries = 8

    def make(self, people: Any, place: str) -> Event:
        return event_at(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"title": f"{obj.title} (diubah)"}


class TestEnrolmentPages(ScopedModelTests):
    model = Enrolment
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"  # reads everything, withdraws no one
    edit_url = "programs:enrolment_withdraw"
    api_list_url = "enrolment-list"
    api_detail_url = "enrolment-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Enrolment:
        event = event_at(people, place)
        person = make_person(people, place)
        return services.enrol(actor=getattr(people, CASE_WORKERS[place]), event=event, person=person)

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"reason": "illness", "note": ""}


class TestEventSessionPages(ScopedModelTests):
    model = EventSession
    permitted_user = "kupang_case_worker"
    detail_url = "programs:session_attendance"
    edit_url = None  # a session's attendance is written through the pages below, the session itself by no page
    action_urls = {"programs:attendance_mark": None, "programs:session_attendance_paper": None}
    api_list_url = "eventsession-list"
    api_detail_url = "eventsession-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> EventSession:
        return event_at(people, place).sessions.get()


class TestModulePages(ScopedModelTests):
    model = Module
    permitted_user = "kupang_case_worker"
    writer_user = "kupang_program_officer"
    reader_user = "kupang_case_worker"  # reads the catalogue, changes none
    list_url = "programs:module_list"
    edit_url = "programs:module_edit"
    api_list_url = "module-list"
    api_detail_url = "module-detail"
    api_writes = {"patch"}
    list_queries = 7

    def make(self, people: Any, place: str) -> Module:
        return Module.objects.create(name=f"Modul {place} {Module.objects.count()}")

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"name": f"{obj.name} (diubah)"}


def _attended(people: People, place: str) -> Attendance:
    """A participant of yesterday's event of the place, marked present."""
    event = event_at(people, place, start=local_today(people.kupang_case_worker) - timedelta(days=1))
    worker = getattr(people, CASE_WORKERS[place])
    enrolment = services.enrol(actor=worker, event=event, person=make_person(people, place))
    return services.attendance_mark(
        actor=worker, session=event.sessions.get(), enrolment=enrolment, status=AttendanceStatus.PRESENT
    )


class TestAttendanceRecords(ScopedModelTests):
    model = Attendance
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"  # reads every attendance, marks none
    edit_url = None  # marked through the session's pages (TestEventSessionPages)
    api_list_url = "attendance-list"
    api_detail_url = "attendance-detail"
    api_writes = {"patch"}

    def make(self, people: Any, place: str) -> Attendance:
        return _attended(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"status": AttendanceStatus.LATE}


class TestCertificates(ScopedModelTests):
    model = Certificate
    permitted_user = "kupang_case_worker"
    writer_user = "kupang_supervisor"
    reader_user = "kupang_case_worker"  # prints certificates, revokes none
    detail_url = "programs:certificate_pdf"
    edit_url = None
    action_urls = {"programs:certificate_revoke": None}
    api_list_url = "certificate-list"
    api_detail_url = "certificate-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Certificate:
        attendance = _attended(people, place)
        supervisor = people.kupang_supervisor if place == "kupang" else people.indramayu_supervisor
        (certificate,) = services.certificates_issue(actor=supervisor, event=attendance.session.event)
        return certificate


# --- who sees what ---------------------------------------------------------------------------------------------


def test_a_kupang_case_worker_sees_the_kupang_event_and_its_participants(client, people):
    event = event_at(people, title="Bimsos WNI-M KPO Kupang")
    enrol_new_people(people, event, 2)
    client.force_login(people.kupang_case_worker)

    listed = client.get(reverse("programs:event_list"))
    detail = client.get(reverse("programs:event_detail", args=[event.pk]))
    participants = client.get(reverse("programs:event_participants", args=[event.pk]))

    assert "Bimsos WNI-M KPO Kupang" in listed.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Gereja GMIT Bethesda Tarus" in page
    assert "Tarus, Kupang Tengah" in page
    assert "2 dari 250 kursi terisi" in page
    assert participants.status_code == 200
    assert participants.content.decode().count("Peserta Nomor") == 2


def test_an_indramayu_case_worker_finds_nothing_of_the_kupang_event(client, people):
    event = event_at(people)
    enrol_new_people(people, event, 1)
    client.force_login(people.indramayu_case_worker)

    listed = client.get(reverse("programs:event_list"))

    assert event not in listed.context["object_list"]
    for url_name, pk in (
        ("programs:event_detail", event.pk),
        ("programs:event_participants", event.pk),
        ("programs:session_attendance", event.sessions.get().pk),
        ("programs:session_attendance_paper", event.sessions.get().pk),
    ):
        assert client.get(reverse(url_name, args=[pk])).status_code == 404, url_name


def test_pages_with_names_are_not_kept_by_the_browser(client, people):
    event = event_at(people)
    client.force_login(people.kupang_case_worker)

    for url in (
        reverse("programs:event_participants", args=[event.pk]),
        reverse("programs:session_attendance", args=[event.sessions.get().pk]),
    ):
        assert client.get(url)["Cache-Control"].startswith("no-store"), url


def test_a_case_worker_sees_no_planning_buttons_that_a_program_officer_sees(client, people):
    event = event_at(people)
    planning = [
        reverse("programs:event_edit", args=[event.pk]),
        reverse("programs:event_cancel", args=[event.pk]),
        reverse("programs:event_session_add", args=[event.pk]),
        reverse("programs:event_module_add", args=[event.pk]),
        reverse("programs:event_partner_add", args=[event.pk]),
        reverse("programs:event_facilitator_add", args=[event.pk]),
    ]
    session = event.sessions.get()
    attendance = reverse("programs:session_attendance", args=[session.pk])

    client.force_login(people.kupang_case_worker)
    as_case_worker = client.get(reverse("programs:event_detail", args=[event.pk])).content.decode()
    list_as_case_worker = client.get(reverse("programs:event_list")).content.decode()
    client.force_login(people.kupang_program_officer)
    as_officer = client.get(reverse("programs:event_detail", args=[event.pk])).content.decode()
    list_as_officer = client.get(reverse("programs:event_list")).content.decode()

    for url in planning:
        assert url not in as_case_worker, url
        assert url in as_officer, url
    assert attendance in as_case_worker
    assert reverse("programs:event_add") not in list_as_case_worker
    assert reverse("programs:event_add") in list_as_officer


def test_an_auditor_reads_the_event_without_any_button_to_change_it(client, people):
    event = event_at(people)
    client.force_login(people.national_auditor)

    page = client.get(reverse("programs:event_detail", args=[event.pk])).content.decode()

    assert reverse("programs:event_edit", args=[event.pk]) not in page
    assert reverse("programs:session_attendance_paper", args=[event.sessions.get().pk]) not in page
    assert reverse("programs:event_participants", args=[event.pk]) in page


def test_the_event_page_shows_sessions_modules_partners_facilitators_and_rules(client, people):
    event = event_at(people, days=2, require_open_case=True)
    first, second = event.sessions.order_by("date")
    services.event_module_add(
        actor=planner(), event=event, module=Module.objects.create(name="Pembuatan kue", default_hours=Decimal("3"))
    )
    services.event_module_add(
        actor=planner(),
        event=event,
        module=Module.objects.create(name="Strategi pemasaran", default_hours=Decimal("2")),
        session=second,
    )
    services.event_partner_add(actor=planner(), event=event, organisation=people.orgs.kupang_lks, role="co_organiser")
    services.event_facilitator_add(actor=planner(), event=event, name="Ibu Yuliana Ndolu", role="trainer")
    client.force_login(people.kupang_case_worker)

    page = client.get(reverse("programs:event_detail", args=[event.pk])).content.decode()

    assert "Pembuatan kue — 3,0 jp" in page
    assert "(5,0 jam pelajaran)" in page
    assert "Strategi pemasaran" in page
    assert "LKS Rumah Perempuan Kupang" in page
    assert "Penyelenggara bersama" in page
    assert "Ibu Yuliana Ndolu" in page
    assert "tinggal di Kabupaten Kupang" in page
    assert "punya kasus yang masih aktif" in page
    assert reverse("programs:session_attendance", args=[first.pk]) in page
    assert reverse("programs:session_attendance", args=[second.pk]) in page
    assert reverse("programs:session_attendance_list_pdf", args=[first.pk]) in page
    assert reverse("programs:event_report", args=[event.pk]) in page


def test_only_a_supervisor_is_offered_to_issue_certificates_once_the_event_is_over(client, people):
    over = event_at(people, start=local_today(people.kupang_case_worker) - timedelta(days=3))
    running = event_at(people)
    issue = reverse("programs:certificates_issue", args=[over.pk])

    client.force_login(people.kupang_supervisor)
    as_supervisor = client.get(reverse("programs:event_detail", args=[over.pk])).content.decode()
    still_running = client.get(reverse("programs:event_detail", args=[running.pk])).content.decode()
    client.force_login(people.kupang_case_worker)
    as_case_worker = client.get(reverse("programs:event_detail", args=[over.pk])).content.decode()

    assert issue in as_supervisor
    assert reverse("programs:certificates_issue", args=[running.pk]) not in still_running
    assert issue not in as_case_worker


def test_certificates_issued_from_the_event_page_are_printed_and_revoked_from_the_participants_page(client, people):
    attendance = _attended(people, "kupang")
    event = attendance.session.event
    event_page = reverse("programs:event_detail", args=[event.pk])
    participants = reverse("programs:event_participants", args=[event.pk])
    client.force_login(people.kupang_supervisor)

    issued = client.post(reverse("programs:certificates_issue", args=[event.pk]), {"next": event_page})
    certificate = Certificate.objects.get(enrolment=attendance.enrolment)
    as_supervisor = client.get(participants).content.decode()
    client.force_login(people.kupang_case_worker)
    as_case_worker = client.get(participants).content.decode()

    assert issued["Location"] == event_page
    assert reverse("programs:certificate_pdf", args=[certificate.pk]) in as_supervisor
    assert reverse("programs:certificate_revoke", args=[certificate.pk]) in as_supervisor
    assert reverse("programs:certificate_pdf", args=[certificate.pk]) in as_case_worker
    assert reverse("programs:certificate_revoke", args=[certificate.pk]) not in as_case_worker


def test_the_program_page_shows_the_budget_in_rupiah_and_participants_against_the_target(client, people):
    program = make_program(people, region=people.regions["53.01"], budget=900_000, target_people=20)
    event = make_event(people, program=program, start=local_today(people.kupang_case_worker))
    enrol_new_people(people, event, 3)
    client.force_login(people.kupang_program_officer)

    page = client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()

    assert "Rp 900.000" in page
    assert "3 dari target 20 orang" in page
    assert event.title in page
    assert reverse("programs:program_partner_add", args=[program.pk]) in page
    assert f"{reverse('programs:event_add')}?program={program.pk}" in page


def test_the_program_list_filters_by_year_and_name(client, people):
    make_program(people, region=people.regions["53.01"], year=2019, name="Bimsos WNI-M KPO 2019")
    make_program(people, region=people.regions["53.01"], year=2020, name="Pelatihan UEP 2020")
    client.force_login(people.kupang_case_worker)

    by_year = client.get(reverse("programs:program_list"), {"year": 2019})
    by_name = client.get(reverse("programs:program_list"), {"q": "uep"})

    assert [program.name for program in by_year.context["object_list"]] == ["Bimsos WNI-M KPO 2019"]
    assert [program.name for program in by_name.context["object_list"]] == ["Pelatihan UEP 2020"]


# --- the event list and calendar --------------------------------------------------------------------------------


def test_a_regency_reads_its_provinces_program_with_only_its_own_events(client, people):
    program = make_program(people, name="Bimbingan Sosial dan Bantuan Stimulan WNI-M KPO, NTT")
    ours = make_event(people, program=program, title="Bimsos Kabupaten Kupang")
    theirs = make_event(people, program=program, title="Bimsos Kota Kupang", region=people.regions["53.71.01"])
    client.force_login(people.kupang_case_worker)

    listed = client.get(reverse("programs:program_list"))
    page = client.get(reverse("programs:program_detail", args=[program.pk]))
    event_page = client.get(ours.get_absolute_url()).content.decode()

    assert program in listed.context["object_list"]
    assert page.status_code == 200
    assert [event.pk for event in page.context["events"]] == [ours.pk]
    assert theirs.title not in page.content.decode()
    assert f'href="{program.get_absolute_url()}"' in event_page
    assert client.get(reverse("programs:program_edit", args=[program.pk])).status_code == 403
    client.force_login(people.kupang_program_officer)  # changes Kupang's programs, not the province's
    assert client.get(reverse("programs:program_edit", args=[program.pk])).status_code == 404
    client.force_login(people.indramayu_case_worker)
    assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 404


def test_the_event_list_shows_upcoming_events_unless_past_ones_are_asked_for(client, people):
    today = local_today(people.kupang_case_worker)
    past = event_at(people, start=today - timedelta(days=30), title="Yang sudah lewat")
    coming = event_at(people, start=today + timedelta(days=3), title="Yang akan datang")
    client.force_login(people.kupang_case_worker)

    default = client.get(reverse("programs:event_list"))
    with_past = client.get(reverse("programs:event_list"), {"past": "on"})

    assert list(default.context["object_list"]) == [coming]
    assert set(with_past.context["object_list"]) == {past, coming}


def test_an_empty_list_of_upcoming_events_offers_the_past_ones(client, people):
    today = local_today(people.kupang_case_worker)
    past = event_at(people, start=today - timedelta(days=30), title="Yang sudah lewat")
    client.force_login(people.kupang_case_worker)

    empty = client.get(reverse("programs:event_list"), {"q": "lewat"}).content.decode()
    offered = client.get(reverse("programs:event_list"), {"q": "lewat", "past": "true"})

    assert 'href="?q=lewat&amp;past=true">Tampilkan juga kegiatan yang sudah lewat</a>' in empty
    assert list(offered.context["object_list"]) == [past]
    assert "Tampilkan juga kegiatan yang sudah lewat" not in offered.content.decode()


def test_the_event_list_filters_by_kind(client, people):
    today = local_today(people.kupang_case_worker)
    training = event_at(people, start=today, kind="skills_training", title="Pelatihan UEP")
    event_at(people, start=today, title="Bimsos")
    client.force_login(people.kupang_case_worker)

    response = client.get(reverse("programs:event_list"), {"kind": "skills_training"})

    assert list(response.context["object_list"]) == [training]


def test_the_event_list_filters_by_the_region_of_the_venue_and_what_lies_within_it(client, people):
    event = event_at(people, title="Bimsos di Tarus")
    client.force_login(people.kupang_case_worker)

    district = client.get(reverse("programs:event_list"), {"region": event.region.parent_id})
    another_district = client.get(reverse("programs:event_list"), {"region": "53.01.09"})

    assert list(district.context["object_list"]) == [event]
    assert list(another_district.context["object_list"]) == []


def test_the_calendar_shows_a_past_event_on_its_day(client, people):
    program = make_program(people, year=2019)
    event = make_event(people, program=program, start=date(2019, 11, 13), title="Bimsos Tarus 13 November")
    client.force_login(people.kupang_case_worker)

    response = client.get(reverse("programs:event_list"), {"view": "calendar", "month": "2019-11"})

    assert response.status_code == 200
    days = {cell.day: cell.events for week in response.context["weeks"] for cell in week}
    assert days[date(2019, 11, 13)] == [event]
    assert days[date(2019, 11, 14)] == []
    page = response.content.decode()
    assert "November 2019" in page
    assert "?view=calendar&amp;month=2019-12" in page


def test_a_malformed_month_shows_this_month(client, people):
    client.force_login(people.kupang_case_worker)

    response = client.get(reverse("programs:event_list"), {"view": "calendar", "month": "2019-13"})

    assert response.context["month"] == local_today(people.kupang_case_worker).replace(day=1)


# --- planning --------------------------------------------------------------------------------------------------


def _event_form(people: People, program: Program, **changes: Any) -> dict[str, Any]:
    day = local_today(people.kupang_program_officer) + timedelta(days=7)
    if day.year != program.year:
        day = date(program.year, 12, 1)
    return {
        "program": program.pk,
        "kind": "social_guidance",
        "title": "Bimsos Tarus",
        "venue_name": "Gereja GMIT Bethesda Tarus",
        "region": "53.01.08.1007",
        "start_date": day.isoformat(),
        "end_date": (day + timedelta(days=1)).isoformat(),
        "daily_start": "08:00",
        "daily_end": "15:30",
        "organiser": people.orgs.kupang_dinsos.pk,
        "capacity": 250,
        "participant_region": "53.01",
        "completion_percent": 80,
        **changes,
    }


def test_a_kupang_program_officer_adds_an_event_of_the_province_program_with_a_session_a_day(client, people):
    program = program_of(people)  # the NTT program, which a Kupang officer does not see
    client.force_login(people.kupang_program_officer)

    form = client.get(reverse("programs:event_add"), {"program": program.pk})
    response = client.post(reverse("programs:event_add"), _event_form(people, program))

    assert form.context["form"].initial["program"] == program.pk
    event = Event.objects.get(title="Bimsos Tarus")
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.sessions.count() == 2


def test_a_venue_outside_the_officers_jurisdiction_is_refused_on_the_form(client, people):
    program = program_of(people)
    client.force_login(people.kupang_program_officer)

    response = client.post(reverse("programs:event_add"), _event_form(people, program, region="53.71.01"))

    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert not Event.objects.exists()


def test_an_end_before_the_start_is_shown_on_the_form(client, people):
    program = program_of(people)
    data = _event_form(people, program)
    data["end_date"] = (date.fromisoformat(data["start_date"]) - timedelta(days=1)).isoformat()
    client.force_login(people.kupang_program_officer)

    response = client.post(reverse("programs:event_add"), data)

    assert response.status_code == 200
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()


def test_an_event_is_cancelled_after_confirmation(client, people):
    event = event_at(people, start=local_today(people.kupang_case_worker) + timedelta(days=5))
    client.force_login(people.kupang_program_officer)

    confirmation = client.get(reverse("programs:event_cancel", args=[event.pk]))
    response = client.post(reverse("programs:event_cancel", args=[event.pk]), follow=True)

    assert "akan dibatalkan" in confirmation.content.decode()
    event.refresh_from_db()
    assert event.cancelled_on is not None
    assert "Kegiatan dibatalkan." in _messages(response)


def test_a_module_is_added_with_its_usual_hours_and_a_session_on_a_day_of_the_event(client, people):
    event = event_at(people, days=2)
    second = event.sessions.order_by("date")[1]
    module = Module.objects.create(name="Literasi keuangan", default_hours=Decimal("2.5"))
    client.force_login(people.kupang_program_officer)

    client.post(reverse("programs:event_module_add", args=[event.pk]), {"module": module.pk, "session": second.pk})
    refused = client.post(
        reverse("programs:event_session_add", args=[event.pk]),
        {"date": (event.end_date + timedelta(days=1)).isoformat(), "starts_at": "13:00", "ends_at": "15:00"},
    )
    added = client.post(
        reverse("programs:event_session_add", args=[event.pk]),
        {"date": event.start_date.isoformat(), "starts_at": "17:00", "ends_at": "19:00", "title": "Sore"},
    )

    taught = event.modules.get()
    assert (taught.session, taught.hours) == (second, Decimal("2.5"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["date"]
    assert added.status_code == 302
    assert event.sessions.filter(title="Sore").exists()


def test_a_case_worker_cannot_open_the_planning_forms(client, people):
    event = event_at(people)
    client.force_login(people.kupang_case_worker)

    for url_name in ("event_session_add", "event_module_add", "event_partner_add", "event_facilitator_add"):
        assert client.get(reverse(f"programs:{url_name}", args=[event.pk])).status_code == 403, url_name


def test_a_partner_and_a_facilitator_are_added_to_the_event(client, people):
    event = event_at(people)
    client.force_login(people.kupang_program_officer)

    client.post(
        reverse("programs:event_partner_add", args=[event.pk]),
        {"organisation": people.orgs.kupang_lks.pk, "role": "co_organiser"},
    )
    twice = client.post(
        reverse("programs:event_partner_add", args=[event.pk]),
        {"organisation": people.orgs.kupang_lks.pk, "role": "co_organiser"},
    )
    client.post(
        reverse("programs:event_facilitator_add", args=[event.pk]),
        {"name": "Yohana Bani", "role": "speaker", "organisation": ""},
    )

    assert event.partners.count() == 1
    assert "Organisasi ini sudah tercatat dengan peran itu." in twice.content.decode()
    assert event.facilitators.get().name == "Yohana Bani"


def test_a_program_officer_adds_a_program_partner(client, people):
    program = make_program(people, region=people.regions["53.01"])
    client.force_login(people.kupang_program_officer)

    response = client.post(
        reverse("programs:program_partner_add", args=[program.pk]),
        {"organisation": people.orgs.kupang_lks.pk, "role": "trainer"},
    )

    assert response.status_code == 302
    assert program.partners.get().organisation == people.orgs.kupang_lks


def test_a_program_is_added_in_the_officers_regency(client, people):
    client.force_login(people.kupang_program_officer)

    response = client.post(
        reverse("programs:program_add"),
        {
            "name": "Pelatihan UEP Kabupaten Kupang",
            "year": local_today(people.kupang_program_officer).year,
            "organisation": people.orgs.kupang_dinsos.pk,
            "region": "53.01",
            "objectives": "Usaha ekonomi produktif",
            "target_people": 20,
            "budget": 18_000_000,
        },
    )

    program = Program.objects.get(name="Pelatihan UEP Kabupaten Kupang")
    assert response["Location"] == program.get_absolute_url()
    assert program.budget == 18_000_000


# --- the module catalogue -------------------------------------------------------------------------------------


def test_a_program_officer_adds_and_changes_a_module_and_a_case_worker_only_reads(client, people):
    client.force_login(people.kupang_program_officer)
    client.post(
        reverse("programs:module_add"),
        {"name": "Kue kering kekinian", "description": "", "default_hours": "4", "is_active": "on"},
    )
    module = Module.objects.get(name="Kue kering kekinian")
    duplicate = client.post(reverse("programs:module_add"), {"name": "Kue kering kekinian", "default_hours": "2"})
    client.post(reverse("programs:module_edit", args=[module.pk]), {"name": module.name, "default_hours": "5"})

    module.refresh_from_db()
    assert module.default_hours == Decimal("5")
    assert not module.is_active
    assert duplicate.status_code == 200
    assert duplicate.context["form"].errors["name"]

    client.force_login(people.kupang_case_worker)
    listed = client.get(reverse("programs:module_list"))
    assert "Kue kering kekinian" in listed.content.decode()
    assert reverse("programs:module_add") not in listed.content.decode()
    assert client.get(reverse("programs:module_add")).status_code == 403
    assert client.get(reverse("programs:module_edit", args=[module.pk])).status_code == 403


def test_the_module_pages_send_anonymous_users_to_login(client, people):
    for url in (reverse("programs:module_list"), reverse("programs:module_add")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


# --- enrolment -------------------------------------------------------------------------------------------------


def test_the_search_finds_eligible_people_by_the_start_of_their_names(client, people):
    event = event_at(people)
    make_person(people, full_name="Maria Goreti Bria")
    make_person(people, full_name="Yohanes Nahak", sex="M")
    make_person(people, "indramayu", full_name="Maria Ulfah")
    client.force_login(people.kupang_case_worker)

    response = client.get(reverse("programs:event_participants", args=[event.pk]), {"q": "bria mar"})

    assert [person.full_name for person in response.context["found"]] == ["Maria Goreti Bria"]


def test_enrolling_several_people_reports_seats_waiting_list_and_refusals(client, people):
    event = event_at(people, capacity=2, participant_region=people.regions["53.01.08.1007"])
    seated = [make_person(people, full_name=f"Duduk {index}") for index in range(2)]
    waiting = make_person(people, full_name="Menunggu Satu")
    elsewhere = make_person(people, full_name="Dari Noelbaki", region=_another_village(people))
    client.force_login(people.kupang_case_worker)

    response = client.post(
        reverse("programs:event_participants", args=[event.pk]),
        {"person": [person.pk for person in [*seated, waiting, elsewhere]], "q": "duduk"},
        follow=True,
    )

    messages = _messages(response)
    assert "2 orang terdaftar sebagai peserta." in messages
    assert "1 orang masuk daftar tunggu karena kapasitas penuh." in messages
    assert "Dari Noelbaki tidak didaftarkan: Tidak tinggal di Tarus." in messages
    assert response.redirect_chain[-1][0].endswith("?q=duduk")
    states = dict(Enrolment.objects.filter(event=event).values_list("person__full_name", "state"))
    assert states == {"Duduk 0": "enrolled", "Duduk 1": "enrolled", "Menunggu Satu": "waitlisted"}
    assert [enrolment.person for enrolment in response.context["waiting"]] == [waiting]


def test_someone_the_user_cannot_see_is_not_named_back(client, people):
    event = event_at(people)
    stranger = make_person(people, "indramayu", full_name="Siti Rahayu")
    client.force_login(people.kupang_case_worker)

    response = client.post(
        reverse("programs:event_participants", args=[event.pk]), {"person": [stranger.pk]}, follow=True
    )

    page = response.content.decode()
    assert "1 orang tidak ditemukan atau di luar yurisdiksi Anda." in page
    assert "Siti Rahayu" not in page
    assert not Enrolment.objects.exists()


def test_an_auditor_sees_the_participants_but_cannot_enrol(client, people):
    event = event_at(people)
    person = make_person(people)
    client.force_login(people.national_auditor)

    page = client.get(reverse("programs:event_participants", args=[event.pk]), {"q": "maria"})
    client.post(reverse("programs:event_participants", args=[event.pk]), {"person": [person.pk]})

    assert page.status_code == 200
    assert "Daftarkan peserta" not in page.content.decode()
    assert not Enrolment.objects.exists()


def test_a_withdrawal_gives_the_seat_to_the_first_on_the_waiting_list(client, people):
    event = event_at(people, capacity=1)
    seated, first_waiting, second_waiting = (
        make_person(people, full_name=name) for name in ("Ana Seran", "Benedikta Tefa", "Clara Nenobais")
    )
    for person in (seated, first_waiting, second_waiting):
        services.enrol(actor=people.kupang_case_worker, event=event, person=person)
    enrolment = Enrolment.objects.get(person=seated)
    client.force_login(people.kupang_case_worker)

    form = client.get(reverse("programs:enrolment_withdraw", args=[enrolment.pk]))
    response = client.post(
        reverse("programs:enrolment_withdraw", args=[enrolment.pk]),
        {"reason": "work", "note": "Bekerja di Kupang"},
        follow=True,
    )

    assert "Ana Seran" in form.content.decode()
    assert "Ana Seran dicatat mengundurkan diri." in _messages(response)
    assert "Benedikta Tefa dari daftar tunggu kini menjadi peserta." in _messages(response)
    assert Enrolment.objects.get(person=first_waiting).state == EnrolmentState.ENROLLED
    page = response.content.decode()
    assert "Bekerja / pindah kerja" in page
    assert "Bekerja di Kupang" in page


# --- query counts ------------------------------------------------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [("programs:event_detail", 12), ("programs:event_participants", 7), ("programs:session_attendance", 9)],
)
def test_the_event_pages_take_as_many_queries_with_30_participants_as_with_3(client, people, url_name, expected):
    event = event_at(people, days=2)
    services.event_module_add(actor=planner(), event=event, module=Module.objects.create(name="Pemasaran"))
    services.event_partner_add(actor=planner(), event=event, organisation=people.orgs.kupang_lks, role="venue")
    enrol_new_people(people, event, 3)
    pk = event.sessions.order_by("date")[0].pk if url_name == "programs:session_attendance" else event.pk
    url = reverse(url_name, args=[pk])
    client.force_login(people.kupang_case_worker)

    with_three = _queries(client, url)
    enrol_new_people(people, event, 27)
    with_thirty = _queries(client, url)

    assert with_three == with_thirty == expected


def test_the_event_list_takes_as_many_queries_with_many_events_and_participants(client, people):
    first = event_at(people)
    enrol_new_people(people, first, 3)
    client.force_login(people.kupang_case_worker)
    url = reverse("programs:event_list")

    with_one = _queries(client, url)
    for _ in range(4):
        enrol_new_people(people, event_at(people), 10)
    with_five = _queries(client, url)

    assert with_one == with_five == 8


def test_the_calendar_takes_a_fixed_number_of_queries(client, people):
    event_at(people)
    client.force_login(people.kupang_case_worker)
    url = f"{reverse('programs:event_list')}?view=calendar"

    with_one = _queries(client, url)
    for _ in range(4):
        enrol_new_people(people, event_at(people), 5)

    assert _queries(client, url) == with_one


def test_an_indramayu_program_officer_plans_only_in_indramayu(client, people):
    officer = make_user(
        "indramayu.programme@test.id", people.orgs.indramayu_dinsos, (Role.PROGRAM_OFFICER, people.regions["32.12"])
    )
    kupang_event = event_at(people)
    client.force_login(officer)

    assert client.get(reverse("programs:event_edit", args=[kupang_event.pk])).status_code == 404
    assert client.get(reverse("programs:event_session_add", args=[kupang_event.pk])).status_code == 404
