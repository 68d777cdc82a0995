"""The programs API runs the same services as the pages, inside the caller's jurisdictions, with the shared error
shape: plan an event, enrol people (over capacity onto the waiting list), take attendance, certify."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from bangkit.accounts.testing import People, local_today
from bangkit.programs import services
from bangkit.programs.models import Attendance, Enrolment, Event, Module
from bangkit.programs.testing import make_event, make_program, planner
from bangkit.regions.models import Region, RegionLevel
from bangkit.registry.models import Person
from bangkit.registry.testing import make_person

TARUS = "53.01.08.1007"


def _today(people: People) -> date:
    return local_today(people.kupang_case_worker)


@pytest.fixture
def event(people: People) -> Event:
    """Yesterday, today and tomorrow at Gereja GMIT Bethesda Tarus, for people of Kabupaten Kupang."""
    return make_event(people, start=_today(people) - timedelta(days=1), days=3)


def _past_event(people: People, **fields: Any) -> Event:
    return make_event(people, start=_today(people) - timedelta(days=2), **fields)


def _enrol(people: People, event: Event, *persons: Person) -> list[Enrolment]:
    result = services.enrol_people(actor=people.kupang_case_worker, event=event, people=persons)
    return [*result.enrolled, *result.waitlisted]


def _post(api_client: Any, name: str, body: dict[str, Any], *args: Any) -> Any:
    return api_client.post(reverse(name, args=args), body, format="json")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors"}
    return body


def test_it_shows_a_kupang_case_worker_the_kupang_event_and_its_participants(
    api_client: Any, people: People, event: Event
) -> None:
    maria = make_person(people, "kupang", full_name="Maria Goreti Bria", sex="F")
    yohanes = make_person(people, "kupang", full_name="Yohanes Nahak", sex="M")
    _enrol(people, event, maria, yohanes)
    api_client.force_authenticate(people.kupang_case_worker)

    listed = api_client.get(reverse("event-list"), {"upcoming": "true"}).json()["results"]
    assert [(item["id"], item["enrolled"], item["free_seats"]) for item in listed] == [(event.pk, 2, 248)]

    shown = api_client.get(reverse("event-detail", args=[event.pk])).json()
    assert shown["venue_name"] == "Gereja GMIT Bethesda Tarus"
    assert shown["region_name"] == "Tarus"
    assert len(shown["sessions"]) == 3
    assert "belum ikut kegiatan lain dalam program" in " ".join(shown["eligibility_rules"])

    participants = api_client.get(reverse("enrolment-list"), {"event": event.pk}).json()["results"]
    assert [(item["person_name"], item["person_sex"], item["person_village"]) for item in participants] == [
        ("Maria Goreti Bria", "F", "Tarus"),
        ("Yohanes Nahak", "M", "Tarus"),
    ]
    assert not {"nik", "phone", "phones", "birth_date"} & set(participants[0])


def test_it_filters_events_by_kind_program_dates_place_and_whether_they_are_ahead(
    api_client: Any, people: People, event: Event
) -> None:
    today = _today(people)
    start = today - timedelta(days=20)
    prevention = make_program(people, year=start.year, name="Pencegahan TPPO di Desa")
    past = make_event(people, program=prevention, start=start, title="Sosialisasi Migrasi Aman", kind="prevention")
    api_client.force_authenticate(people.kupang_case_worker)

    def found(**query: Any) -> list[int]:
        response = api_client.get(reverse("event-list"), query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert found() == [event.pk, past.pk]
    assert found(kind="prevention") == [past.pk]
    assert found(program=prevention.pk) == [past.pk]
    assert found(program=prevention.pk + 1000) == []
    assert found(date_from=today.isoformat()) == [event.pk]
    assert found(date_to=(today - timedelta(days=10)).isoformat()) == [past.pk]
    assert found(region="53.01.08") == [event.pk, past.pk]
    assert found(region="53.01.0") == []
    assert found(upcoming="true") == [event.pk]
    assert found(upcoming="false") == [past.pk]


def test_it_answers_404_to_an_indramayu_case_worker_for_everything_of_the_kupang_event(
    api_client: Any, people: People
) -> None:
    past = _past_event(people)
    enrolment = _enrol(people, past, make_person(people, "kupang"))[0]
    attendance = services.attendance_mark(
        actor=people.kupang_case_worker, session=past.sessions.get(), enrolment=enrolment, status="present"
    )
    (certificate,) = services.certificates_issue(actor=people.kupang_supervisor, event=past)
    api_client.force_authenticate(people.indramayu_case_worker)

    for name, pk in [
        ("event-detail", past.pk),
        ("event-report", past.pk),
        ("event-completion", past.pk),
        ("enrolment-detail", enrolment.pk),
        ("attendance-detail", attendance.pk),
        ("certificate-detail", certificate.pk),
    ]:
        _error(api_client.get(reverse(name, args=[pk])), 404)
    _error(_post(api_client, "event-enrol", {"people": [enrolment.person_id]}, past.pk), 404)
    _error(_post(api_client, "enrolment-withdraw", {"reason": "personal"}, enrolment.pk), 404)
    _error(api_client.patch(reverse("attendance-detail", args=[attendance.pk]), {"status": "absent"}), 404)
    for name in ["event-list", "enrolment-list", "attendance-list", "certificate-list", "eventsession-list"]:
        response = api_client.get(reverse(name))
        assert response.status_code == 200
        assert response.json()["results"] == [], name
    assert Attendance.objects.get(pk=attendance.pk).status == "present"


def test_it_lets_a_program_officer_open_a_program_and_grow_the_module_catalogue(
    api_client: Any, people: People
) -> None:
    body = {
        "name": "Pelatihan UEP Kabupaten Kupang",
        "year": 2026,
        "organisation": people.orgs.kupang_dinsos.pk,
        "region": "53.01",
        "target_people": 20,
        "budget": 150_000_000,
    }
    api_client.force_authenticate(people.kupang_case_worker)
    _error(_post(api_client, "program-list", body), 403)
    _error(_post(api_client, "module-list", {"name": "Literasi keuangan"}), 403)

    api_client.force_authenticate(people.kupang_program_officer)
    body_elsewhere = _error(_post(api_client, "program-list", {**body, "region": "32.12"}), 400)
    assert body_elsewhere["errors"]["region"] == ["Wilayah ini di luar yurisdiksi Anda."]
    response = _post(api_client, "program-list", body)
    assert response.status_code == 201, response.json()
    assert (response.json()["region_name"], response.json()["partners"]) == ("Kabupaten Kupang", [])
    url = reverse("program-detail", args=[response.json()["id"]])
    response = api_client.patch(url, {"objectives": "Usaha ekonomi produktif"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["objectives"] == "Usaha ekonomi produktif"

    response = _post(api_client, "module-list", {"name": "Literasi keuangan", "default_hours": "1.5"})
    assert response.status_code == 201, response.json()
    assert _error(_post(api_client, "module-list", {"name": "Literasi keuangan"}), 400)["errors"]["name"]
    response = api_client.patch(reverse("module-detail", args=[response.json()["id"]]), {"is_active": False})
    assert response.status_code == 200
    assert [
        item["name"] for item in api_client.get(reverse("module-list"), {"is_active": "true"}).json()["results"]
    ] == []


def test_it_lets_a_program_officer_plan_an_event_and_forbids_a_case_worker(api_client: Any, people: People) -> None:
    first_day = _today(people) + timedelta(days=30)
    program = make_program(people, year=first_day.year)
    body = {
        "program": program.pk,
        "kind": "skills_training",
        "title": "Pelatihan Keterampilan UEP",
        "venue_name": "Aula Kantor Desa Tarus",
        "region": TARUS,
        "start_date": first_day.isoformat(),
        "end_date": (first_day + timedelta(days=1)).isoformat(),
        "daily_start": "08:00",
        "daily_end": "15:00",
        "organiser": people.orgs.kupang_dinsos.pk,
        "capacity": 20,
        "participant_region": "53.01",
    }
    api_client.force_authenticate(people.kupang_case_worker)
    _error(_post(api_client, "event-list", body), 403)
    assert not Event.objects.exists()

    api_client.force_authenticate(people.kupang_program_officer)
    response = _post(api_client, "event-list", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [session["date"] for session in created["sessions"]] == [
        first_day.isoformat(),
        (first_day + timedelta(days=1)).isoformat(),
    ]
    assert created["free_seats"] == 20
    module = Module.objects.create(name="Pembuatan kue kering kekinian")
    response = _post(api_client, "event-add-module", {"module": module.pk}, created["id"])
    assert response.status_code == 201, response.json()
    assert response.json()["hours"] == "2.0"
    response = api_client.patch(reverse("event-detail", args=[created["id"]]), {"capacity": 25}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["capacity"] == 25
    assert response.json()["modules"][0]["module_name"] == "Pembuatan kue kering kekinian"


def test_it_puts_people_over_capacity_on_the_waiting_list(api_client: Any, people: People) -> None:
    event = make_event(people, start=_today(people) + timedelta(days=7), capacity=2)
    first, second, third, fourth = (make_person(people, "kupang") for _ in range(4))
    api_client.force_authenticate(people.kupang_case_worker)

    response = _post(api_client, "event-enrol", {"people": [first.pk, second.pk, third.pk, first.pk]}, event.pk)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [item["person"] for item in body["enrolled"]] == [first.pk, second.pk]
    assert [(item["person"], item["state"]) for item in body["waitlisted"]] == [(third.pk, "waitlisted")]
    assert body["refused"] == [{"person": first.pk, "reason": "Sudah terdaftar pada kegiatan ini."}]
    response = _post(api_client, "enrolment-list", {"event": event.pk, "person": fourth.pk})
    assert response.status_code == 201
    assert response.json()["state"] == "waitlisted"

    first_enrolment = body["enrolled"][0]["id"]
    response = _post(api_client, "enrolment-withdraw", {"reason": "illness", "note": "Dirawat"}, first_enrolment)
    assert response.status_code == 200, response.json()
    assert response.json()["withdrawn"]["state"] == "withdrawn"
    assert response.json()["promoted"]["person"] == third.pk
    waiting = api_client.get(reverse("enrolment-list"), {"event": event.pk, "state": "waitlisted"}).json()
    assert [item["person"] for item in waiting["results"]] == [fourth.pk]


def test_it_refuses_people_outside_the_participant_region_with_the_reason(api_client: Any, people: People) -> None:
    noelbaki = Region.objects.create(
        code="53.01.08.1008", name="Noelbaki", level=RegionLevel.VILLAGE, parent=people.regions["53.01.08"]
    )
    event = make_event(people, start=_today(people) + timedelta(days=7), participant_region=people.regions[TARUS])
    neighbour = make_person(people, "kupang", full_name="Agustina Sole", region=noelbaki)
    stranger = make_person(people, "indramayu", full_name="Siti Aminah")
    resident = make_person(people, "kupang")
    api_client.force_authenticate(people.kupang_case_worker)

    response = _post(api_client, "event-enrol", {"people": [neighbour.pk, stranger.pk, resident.pk]}, event.pk)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [item["person"] for item in body["enrolled"]] == [resident.pk]
    assert [item["person"] for item in body["refused"]] == [neighbour.pk, stranger.pk]
    assert body["refused"][0]["reason"].startswith("Tidak tinggal di Tarus")
    assert body["refused"][1] == {
        "person": stranger.pk,
        "reason": "Orang ini tidak ditemukan atau di luar yurisdiksi Anda.",
    }
    assert "Siti" not in response.content.decode()

    body = _error(_post(api_client, "enrolment-list", {"event": event.pk, "person": neighbour.pk}), 400)
    assert body["errors"]["person"][0].startswith("Tidak tinggal di Tarus")
    assert not Enrolment.objects.filter(person__in=[neighbour, stranger]).exists()


def test_it_refuses_a_second_mark_for_the_same_session_and_corrects_the_first(
    api_client: Any, people: People, event: Event
) -> None:
    enrolment = _enrol(people, event, make_person(people, "kupang"))[0]
    yesterday = event.sessions.order_by("date").first()
    assert yesterday is not None
    api_client.force_authenticate(people.kupang_case_worker)
    mark = {"session": yesterday.pk, "enrolment": enrolment.pk, "status": "present"}

    response = _post(api_client, "attendance-list", mark)
    assert response.status_code == 201, response.json()
    attendance_id = response.json()["id"]
    body = _error(_post(api_client, "attendance-list", {**mark, "status": "absent"}), 400)
    assert body["errors"]["enrolment"] == [
        "Kehadiran orang ini pada sesi ini sudah tercatat (Hadir); ubah catatan yang ada."
    ]
    assert Attendance.objects.get(pk=attendance_id).status == "present"

    response = api_client.patch(reverse("attendance-detail", args=[attendance_id]), {"status": "late"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "late"
    listed = api_client.get(reverse("attendance-list"), {"session": yesterday.pk}).json()["results"]
    assert [(item["id"], item["status"]) for item in listed] == [(attendance_id, "late")]


def test_it_refuses_attendance_for_someone_not_enrolled(api_client: Any, people: People, event: Event) -> None:
    other_event = make_event(
        people, program=event.program, start=event.start_date, title="Sosialisasi Migrasi Aman", kind="prevention"
    )
    outsider = _enrol(people, other_event, make_person(people, "kupang"))[0]
    services.event_save(actor=planner(), program=event.program, event=event, capacity=1)
    _seated, waiting = _enrol(people, event, make_person(people, "kupang"), make_person(people, "kupang"))
    assert waiting.state == "waitlisted"
    session = event.sessions.order_by("date").first()
    assert session is not None
    api_client.force_authenticate(people.kupang_case_worker)

    body = _error(
        _post(api_client, "attendance-list", {"session": session.pk, "enrolment": waiting.pk, "status": "present"}),
        400,
    )
    assert body["errors"]["enrolment"] == ["Orang ini tidak terdaftar sebagai peserta (status: Daftar tunggu)."]
    body = _error(
        _post(api_client, "attendance-list", {"session": session.pk, "enrolment": outsider.pk, "status": "present"}),
        400,
    )
    assert body["errors"]["enrolment"] == ["Orang ini bukan peserta kegiatan ini."]
    assert not Attendance.objects.exists()


def test_it_refuses_attendance_in_a_session_that_has_not_begun(api_client: Any, people: People, event: Event) -> None:
    enrolment = _enrol(people, event, make_person(people, "kupang"))[0]
    tomorrow = event.sessions.order_by("date").last()
    assert tomorrow is not None
    api_client.force_authenticate(people.kupang_case_worker)

    body = _error(
        _post(api_client, "attendance-list", {"session": tomorrow.pk, "enrolment": enrolment.pk, "status": "present"}),
        400,
    )
    assert body["errors"]["session"] == [
        f"Sesi tanggal {tomorrow.date:%d-%m-%Y} belum berlangsung; kehadiran dicatat pada hari itu atau sesudahnya."
    ]
    assert not Attendance.objects.exists()


def test_it_certifies_those_who_completed_and_reports_without_names(api_client: Any, people: People) -> None:
    past = _past_event(people)
    came, stayed_home = _enrol(
        people, past, make_person(people, "kupang", full_name="Maria Goreti Bria"), make_person(people, "kupang")
    )
    session = past.sessions.get()
    services.attendance_mark(actor=people.kupang_case_worker, session=session, enrolment=came, status="present")
    services.attendance_mark(actor=people.kupang_case_worker, session=session, enrolment=stayed_home, status="absent")

    api_client.force_authenticate(people.kupang_case_worker)
    completion = api_client.get(reverse("event-completion", args=[past.pk])).json()
    assert [(row["enrolment"], row["percent"], row["completed"]) for row in completion] == [
        (came.pk, 100, True),
        (stayed_home.pk, 0, False),
    ]
    body = _error(_post(api_client, "event-issue-certificates", {}, past.pk), 403)
    assert body["message"] == "Anda tidak berwenang menerbitkan sertifikat."

    api_client.force_authenticate(people.kupang_supervisor)
    response = _post(api_client, "event-issue-certificates", {}, past.pk)
    assert response.status_code == 200, response.json()
    (certificate,) = response.json()
    assert (certificate["enrolment"], certificate["revoked"]) == (came.pk, False)
    assert len(certificate["code"]) == services.CODE_LENGTH
    assert _post(api_client, "event-issue-certificates", {}, past.pk).json() == []

    report = api_client.get(reverse("event-report", args=[past.pk])).json()
    assert (report["participants"], report["completed"], report["certified"]) == (2, 1, 1)
    assert report["by_sex"] == [{"label": "Perempuan", "count": 2}]
    assert report["by_village"] == [{"label": "Tarus", "count": 2}]
    assert [(row["present"], row["absent"], row["rate"]) for row in report["sessions"]] == [(1, 1, 50)]
    assert "Maria" not in str(report)

    body = _error(_post(api_client, "certificate-revoke", {"reason": " "}, certificate["id"]), 400)
    assert body["errors"]["reason"]
    response = _post(api_client, "certificate-revoke", {"reason": "Salah nama"}, certificate["id"])
    assert response.status_code == 200, response.json()
    assert response.json()["revoked"] is True
    revoked = api_client.get(reverse("certificate-list"), {"event": past.pk, "revoked": "true"}).json()["results"]
    assert [item["id"] for item in revoked] == [certificate["id"]]


def test_it_refuses_a_step_the_service_refuses_with_its_reason(api_client: Any, people: People, event: Event) -> None:
    enrolment = _enrol(people, event, make_person(people, "kupang"))[0]
    services.attendance_mark(
        actor=people.kupang_case_worker,
        session=event.sessions.order_by("date").first(),  # type: ignore[arg-type]
        enrolment=enrolment,
        status="present",
    )
    api_client.force_authenticate(people.kupang_program_officer)
    body = _error(_post(api_client, "event-cancel", {}, event.pk), 400)
    assert body["message"] == "Kehadiran sudah dicatat: kegiatan yang sudah berjalan tidak dapat dibatalkan."
    assert Event.objects.get(pk=event.pk).cancelled_on is None


def test_it_adds_program_partners_and_event_facilitators(api_client: Any, people: People, event: Event) -> None:
    regency_program = make_program(people, name="UEP Kabupaten Kupang", region=people.regions["53.01"])
    api_client.force_authenticate(people.kupang_program_officer)
    body = {"organisation": people.orgs.kupang_lks.pk, "role": "co_organiser"}
    assert _post(api_client, "program-add-partner", body, regency_program.pk).status_code == 201
    program = api_client.get(reverse("program-detail", args=[regency_program.pk])).json()
    assert [(item["organisation_name"], item["role"]) for item in program["partners"]] == [
        ("LKS Rumah Perempuan Kupang", "co_organiser")
    ]
    body = _error(_post(api_client, "program-add-partner", body, regency_program.pk), 400)
    assert body["message"] == "Organisasi ini sudah tercatat dengan peran itu."
    # The NTT program is the province's: a Kupang officer reads it and plans its Kupang events, but may not change it.
    partner = {"organisation": people.orgs.kupang_lks.pk, "role": "funder"}
    refused = _error(_post(api_client, "program-add-partner", partner, event.program_id), 403)
    assert refused["message"] == "Anda tidak berwenang mengubah program ini."
    assert not event.program.partners.filter(role="funder").exists()

    body = {"organisation": people.orgs.kupang_lks.pk, "role": "venue"}
    assert _post(api_client, "event-add-partner", body, event.pk).status_code == 201
    response = _post(api_client, "event-add-facilitator", {"name": "Pdt. Yakob Tefa", "role": "speaker"}, event.pk)
    assert response.status_code == 201, response.json()
    day = event.start_date.isoformat()
    session = {"date": day, "starts_at": "17:00", "ends_at": "19:00", "title": "Sesi sore"}
    assert _post(api_client, "event-add-session", session, event.pk).status_code == 201
    shown = api_client.get(reverse("event-detail", args=[event.pk])).json()
    assert [item["name"] for item in shown["facilitators"]] == ["Pdt. Yakob Tefa"]
    assert len(shown["sessions"]) == 4

    api_client.force_authenticate(people.kupang_case_worker)
    body = _error(_post(api_client, "event-add-partner", body, event.pk), 403)
    assert body["message"] == "Anda tidak berwenang melakukan ini pada kegiatan ini."


LISTS = ["program-list", "event-list", "eventsession-list", "enrolment-list", "attendance-list", "certificate-list"]


@pytest.mark.parametrize("name", LISTS)
def test_it_lists_with_as_many_queries_for_many_rows_as_for_one(name: str, api_client: Any, people: People) -> None:
    def one_of_each() -> None:
        made = Event.objects.count()
        start = _today(people) - timedelta(days=2)
        program = make_program(people, year=start.year, name=f"Program {made}", region=people.regions["53.01"])
        services.program_partner_add(
            actor=planner(), program=program, organisation=people.orgs.kupang_lks, role="co_organiser"
        )
        past = make_event(people, program=program, start=start)
        services.event_partner_add(actor=planner(), event=past, organisation=people.orgs.kupang_lks, role="venue")
        enrolment = _enrol(people, past, make_person(people, "kupang"))[0]
        services.attendance_mark(
            actor=people.kupang_case_worker, session=past.sessions.get(), enrolment=enrolment, status="present"
        )
        services.certificates_issue(actor=people.kupang_supervisor, event=past)

    one_of_each()
    api_client.force_authenticate(people.kupang_supervisor)
    with CaptureQueriesContext(connection) as one:
        assert len(api_client.get(reverse(name)).json()["results"]) >= 1
    one_of_each()
    one_of_each()
    with CaptureQueriesContext(connection) as several:
        assert len(api_client.get(reverse(name)).json()["results"]) >= 2
    assert len(several) == len(one), [query["sql"] for query in several.captured_queries]


def test_it_documents_the_programs_api_in_the_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in [
        "/api/v1/programs/",
        "/api/v1/events/{id}/enrol/",
        "/api/v1/events/{id}/issue-certificates/",
        "/api/v1/enrolments/{id}/withdraw/",
        "/api/v1/attendance/{id}/",
        "/api/v1/certificates/{id}/revoke/",
        "/api/v1/modules/",
    ]:
        assert path in paths, path
    refused = schema["components"]["schemas"]["Refusal"]["properties"]
    assert set(refused) == {"person", "reason"}
