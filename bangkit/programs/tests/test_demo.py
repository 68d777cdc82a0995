"""`manage.py load_demo` reproduces the two seed events (Kupang 2019, Indramayu 2018) and Indramayu's 2017 cohort."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from bangkit.accounts.demo import demo_email
from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.core.testing.regions import create_seed_regions
from bangkit.programs.choices import AttendanceSource, EnrolmentState, EventKind, PartnerRole
from bangkit.programs.demo import DEMO_EVENTS, INDRAMAYU_2017, INDRAMAYU_2018, KUPANG_2019, DemoEvent, load_demo_event
from bangkit.programs.models import (
    Attendance,
    Certificate,
    Enrolment,
    Event,
    EventFacilitator,
    EventModule,
    EventPartner,
    EventSession,
    Module,
    Program,
    ProgramPartner,
)
from bangkit.programs.selectors import event_report
from bangkit.regions.loading import read_region_data
from bangkit.regions.models import Region
from bangkit.regions.nik import parse_nik
from bangkit.registry.demo import DEMO_PEOPLE
from bangkit.registry.models import DuplicatePair, Person


def create_demo_places() -> None:
    """The seed regions and the districts and villages the generated participants live in, with their real names
    (the whole country's 83,762 villages would take the test suite too long)."""
    create_seed_regions()
    needed = {spec.village for spec in DEMO_EVENTS}
    for spec in DEMO_EVENTS:
        for synthetic in spec.cohort.people(spec.start):
            needed |= {synthetic.district_code, synthetic.village_code}
    for rows in read_region_data().values():  # provinces first, so that every parent is there before its children
        for row in rows:
            if row.code in needed:
                Region.objects.update_or_create(
                    code=row.code, defaults={"name": row.name, "level": row.level, "parent_id": row.parent_id}
                )


def load_demo() -> str:
    """Runs the command as `make run` does; the duplicate checks run once each loader's transaction commits."""
    output = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", stdout=output)
    return output.getvalue()


def demo_user(slug: str, role: str) -> User:
    return User.objects.get(email=demo_email(slug, role))


def event_of(spec: DemoEvent) -> Event:
    return Event.objects.select_related("program", "program__organisation", "organiser").get(title=spec.title)


def participants(event: Event) -> list[Person]:
    return [
        enrolment.person
        for enrolment in Enrolment.objects.filter(event=event, state=EnrolmentState.ENROLLED).select_related(
            "person__region", "person__organisation"
        )
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for the module (it takes seconds) in a transaction rolled back at the end; each test
    runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        create_demo_places()
        yield load_demo()
        transaction.set_rollback(True)


def test_it_reproduces_the_kupang_event_of_13_november_2019(demo: str, db: None) -> None:
    event = event_of(KUPANG_2019)

    assert "[programs] Kupang 2019: " in demo
    assert "250 participants (250 newly registered), 250 certificates" in demo
    assert event.program.name == "Bimbingan Sosial dan Bantuan Stimulan WNI-M KPO 2019, NTT"
    assert (event.program.year, event.program.region_id, event.program.target_people) == (2019, "53", 250)
    assert event.program.organisation.short_name == "Direktorat RSTS & KPO"
    assert event.kind == EventKind.SOCIAL_GUIDANCE
    assert (event.start_date, event.end_date) == (date(2019, 11, 13), date(2019, 11, 13))
    assert event.start_date.strftime("%A") == "Wednesday"
    assert (event.venue_name, event.region_id, event.participant_region_id) == (
        "Gereja GMIT Bethesda Tarus",
        "53.01.08.1007",
        "53.01",
    )
    assert event.organiser.short_name == "Direktorat RSTS & KPO"
    partners = {
        (partner.organisation.short_name, partner.role)
        for partner in EventPartner.objects.filter(event=event).select_related("organisation")
    }
    assert partners == {
        ("Rumah Perempuan Kupang", PartnerRole.CO_ORGANISER),
        ("Dinsos Provinsi NTT", PartnerRole.CO_ORGANISER),
        ("Dinsos Kabupaten Kupang", PartnerRole.CO_ORGANISER),
    }
    assert {partner.organisation.short_name for partner in ProgramPartner.objects.filter(program=event.program)} == {
        "Rumah Perempuan Kupang",
        "Dinsos Provinsi NTT",
        "Dinsos Kabupaten Kupang",
    }
    taught = {(row.module.name, row.hours) for row in EventModule.objects.filter(event=event).select_related("module")}
    assert taught == {
        ("Pembuatan kue", Decimal("2.0")),
        ("Pengolahan pangan", Decimal("2.0")),
        ("Memulai usaha", Decimal("1.5")),
        ("Strategi pemasaran", Decimal("1.5")),
    }
    assert event.capacity == 250
    assert event.sessions.count() == 1


def test_it_gives_kupang_250_participants_living_in_kabupaten_kupang_all_present_and_certified(
    demo: str, db: None
) -> None:
    event = event_of(KUPANG_2019)
    people = participants(event)
    report = event_report(event)

    assert len(people) == 250
    assert all(person.region_id.startswith("53.01.") and person.region.level == 4 for person in people)
    assert len({person.region_id for person in people}) > 50  # from all over the regency, not one village
    for person in people:
        info = parse_nik(person.nik or "")
        assert (info.district_code, info.birth_date, info.sex) == (
            person.region_id.rsplit(".", 1)[0],
            person.birth_date,
            person.sex,
        )
        assert person.registered_on < event.start_date
    assert {person.organisation.short_name for person in people} == {"Rumah Perempuan Kupang"}
    # About two thirds women, as among the returnees in the seed reports.
    assert 140 < sum(person.sex == "F" for person in people) < 200
    (session,) = report.sessions
    assert (session.present, session.late, session.absent, session.unmarked) == (244, 6, 0, 0)
    assert report.participants == report.completed == report.certified == 250
    assert set(Attendance.objects.filter(session__event=event).values_list("source", flat=True)) == {
        AttendanceSource.PAPER
    }
    certificate = Certificate.objects.filter(enrolment__event=event).select_related("issued_by").first()
    assert certificate is not None
    assert certificate.issued_on == date(2019, 11, 13)
    assert certificate.issued_by == demo_user("dinsos-kupang", Role.SUPERVISOR)


def test_it_reproduces_the_indramayu_training_of_9_and_10_april_2018(demo: str, db: None) -> None:
    event = event_of(INDRAMAYU_2018)
    people = participants(event)
    report = event_report(event)

    assert "[programs] Indramayu 2018: " in demo
    assert event.program.organisation.short_name == "Dinsos Kabupaten Indramayu"
    assert "Bidang Rehabilitasi Sosial" in event.program.objectives
    assert (event.program.year, event.program.region_id) == (2018, "32.12")
    assert event.kind == EventKind.SKILLS_TRAINING
    assert (event.start_date, event.end_date) == (date(2018, 4, 9), date(2018, 4, 10))
    assert [session.date.strftime("%A") for session in EventSession.objects.filter(event=event)] == [
        "Monday",
        "Tuesday",
    ]
    assert (event.venue_name, event.region_id, event.participant_region_id) == (
        "RSBM Tunas Mandiri",
        "32.12.04.2013",
        "32.12.04",
    )
    assert event.organiser.short_name == "Dinsos Kabupaten Indramayu"
    assert {row.module.name for row in report.modules} == {"Kue kering kekinian"}
    assert [row.session.date for row in report.modules] == [date(2018, 4, 9), date(2018, 4, 10)]
    assert len(people) == event.capacity == 20
    assert all(person.region_id.startswith("32.12.04.") for person in people)
    assert [(row.present + row.late, row.absent, row.unmarked) for row in report.sessions] == [(20, 0, 0), (20, 0, 0)]
    assert report.certified == 20
    assert EventFacilitator.objects.get(event=event).name == "Atu Ika Putri"


def test_it_counts_70_people_rehabilitated_in_indramayu_in_2017_20_in_2018_and_90_in_all(demo: str, db: None) -> None:
    indramayu = Enrolment.objects.filter(
        event__region__code__startswith="32.12.", state=EnrolmentState.ENROLLED
    ).values_list("person_id", flat=True)

    def rehabilitated(year: int | None = None) -> int:
        enrolments = indramayu.filter(event__start_date__year=year) if year else indramayu
        return len(set(enrolments))

    assert (rehabilitated(2017), rehabilitated(2018), rehabilitated()) == (70, 20, 90)
    cohort_2017 = event_of(INDRAMAYU_2017)
    assert all(person.region_id.startswith("32.12.") for person in participants(cohort_2017))
    assert (cohort_2017.program.year, cohort_2017.venue_name, cohort_2017.participant_region_id) == (
        2017,
        "RSBM Tunas Mandiri",
        "32.12",
    )
    # Two missed the second day: half the hours, no certificate.
    assert event_report(cohort_2017).certified == 68


def test_it_fills_the_module_catalogue(demo: str, db: None) -> None:
    assert "[programs] 7 demo modules (7 new)" in demo
    assert set(Module.objects.values_list("name", "default_hours")) == {
        ("Pembuatan kue", Decimal("2.0")),
        ("Pengolahan pangan", Decimal("2.0")),
        ("Memulai usaha", Decimal("1.5")),
        ("Strategi pemasaran", Decimal("1.5")),
        ("Kue kering kekinian", Decimal("5.0")),
        ("Literasi keuangan", Decimal("2.0")),
        ("Migrasi aman", Decimal("2.0")),
    }


def test_it_works_each_event_as_the_demo_users_who_would_have(demo: str, db: None) -> None:
    kupang = event_of(KUPANG_2019)
    worker = demo_user("lks-rpk", Role.CASE_WORKER)
    person = participants(kupang)[0]

    assert LogEntry.objects.get_for_object(kupang).get(action=LogEntry.Action.CREATE).actor == demo_user(
        "rsts", Role.PROGRAM_OFFICER
    )
    assert LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE).actor == worker
    assert set(Enrolment.objects.filter(event=kupang).values_list("enrolled_by", flat=True)) == {worker.pk}
    assert set(Attendance.objects.filter(session__event=kupang).values_list("recorded_by", flat=True)) == {worker.pk}
    assert set(Certificate.objects.filter(enrolment__event=kupang).values_list("issued_by", flat=True)) == {
        demo_user("dinsos-kupang", Role.SUPERVISOR).pk
    }
    training = event_of(INDRAMAYU_2018)
    assert {person.organisation.short_name for person in participants(training)} == {"RSBM Tunas Mandiri"}
    assert LogEntry.objects.get_for_object(training).get(action=LogEntry.Action.CREATE).actor == demo_user(
        "dinsos-indramayu", Role.PROGRAM_OFFICER
    )
    # Generated people, none of them one of the registry's written-out demo people.
    assert not {(spec.full_name, spec.birth_date) for spec in DEMO_PEOPLE} & {
        (person.full_name, person.birth_date) for person in Person.objects.filter(enrolments__isnull=False)
    }


def test_it_adds_nothing_when_loaded_again(demo: str, db: None) -> None:
    models = (
        Module,
        Program,
        ProgramPartner,
        Event,
        EventPartner,
        EventFacilitator,
        EventSession,
        EventModule,
        Enrolment,
        Attendance,
        Certificate,
        Person,
        DuplicatePair,
        LogEntry,
    )
    counts = [model.objects.count() for model in models]

    output = load_demo()

    assert "[programs] 7 demo modules (0 new)" in output
    for label in ("Kupang 2019", "Indramayu 2018", "Indramayu 2017"):
        assert f"[programs] {label}: already there" in output
    assert [model.objects.count() for model in models] == counts


def test_it_shows_the_kupang_event_to_the_kupang_case_worker_and_not_to_indramayu(
    demo: str, db: None, client: Any
) -> None:
    kupang_worker = demo_user("lks-rpk", Role.CASE_WORKER)
    indramayu_worker = demo_user("dinsos-indramayu", Role.CASE_WORKER)
    kupang = event_of(KUPANG_2019)

    seed_events = Event.objects.exclude(kind=EventKind.PREVENTION)  # the demo's prevention sessions are there too
    assert set(seed_events.restrict(kupang_worker).values_list("title", flat=True)) == {KUPANG_2019.title}
    assert set(seed_events.restrict(indramayu_worker).values_list("title", flat=True)) == {
        INDRAMAYU_2017.title,
        INDRAMAYU_2018.title,
    }
    assert Enrolment.objects.restrict(kupang_worker).filter(event=kupang).count() == 250
    assert not Enrolment.objects.restrict(indramayu_worker).filter(event=kupang).exists()
    detail = reverse("programs:event_detail", args=[kupang.pk])
    client.force_login(kupang_worker)
    assert client.get(detail).status_code == 200
    client.force_login(indramayu_worker)
    assert client.get(detail).status_code == 404


def test_it_leaves_an_event_out_when_the_villages_of_its_participants_are_not_loaded(demo: str, db: None) -> None:
    # Kabupaten Timor Tengah Selatan: none of its villages is loaded here.
    elsewhere = replace(
        KUPANG_2019, title="Bimbingan Sosial di Soe", cohort=replace(KUPANG_2019.cohort, region="53.02")
    )
    people = Person.objects.count()

    line = load_demo_event(elsewhere)

    assert line.startswith("Kupang 2019: left out (")
    assert "run load_regions" in line
    assert not Event.objects.filter(title="Bimbingan Sosial di Soe").exists()
    assert Person.objects.count() == people
