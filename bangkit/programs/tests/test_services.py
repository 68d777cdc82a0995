"""The rules of planning, enrolment, attendance and certificates, as the services apply them to every caller."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from bangkit.accounts.testing import local_today
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.programs import selectors, services
from bangkit.programs.choices import AttendanceSource, AttendanceStatus, EnrolmentState, WithdrawalReason
from bangkit.programs.models import Attendance, Certificate, Enrolment, EventSession, Module
from bangkit.programs.testing import make_event, make_program, planner
from bangkit.regions.models import Region, RegionLevel
from bangkit.registry.signals import person_merged
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db


def _past_event(people, place="kupang", *, days=1, **fields):
    start = local_today(people.kupang_case_worker) - timedelta(days=days + 3)
    return make_event(people, place, start=start, days=days, **fields)


def _another_village(people):
    """A village of Kabupaten Kupang outside Kelurahan Tarus."""
    return Region.objects.create(
        code="53.01.08.1001", name="Noelbaki", level=RegionLevel.VILLAGE, parent=people.regions["53.01.08"]
    )


def _module(name="Pembuatan kue", hours="3.0"):
    return Module.objects.create(name=name, default_hours=Decimal(hours))


class TestPlanning:
    def test_it_gives_a_two_day_event_one_session_per_day_at_the_daily_times(self, people):
        event = make_event(people, "indramayu", start=date(2018, 4, 9), days=2)

        sessions = list(event.sessions.order_by("date"))
        assert [session.date for session in sessions] == [date(2018, 4, 9), date(2018, 4, 10)]
        assert {(session.starts_at, session.ends_at) for session in sessions} == {(time(8), time(16))}

    def test_it_moves_the_sessions_with_the_dates(self, people):
        event = make_event(people, start=date(2019, 11, 13), days=2)

        services.event_save(
            actor=planner(),
            program=event.program,
            event=event,
            start_date=date(2019, 11, 14),
            end_date=date(2019, 11, 15),
        )

        assert sorted(event.sessions.values_list("date", flat=True)) == [date(2019, 11, 14), date(2019, 11, 15)]

    def test_it_refuses_to_drop_a_day_whose_attendance_was_taken(self, people):
        event = _past_event(people, days=2)
        person = make_person(people)
        enrolment = services.enrol(actor=people.kupang_case_worker, event=event, person=person)
        first = event.sessions.order_by("date").first()
        services.attendance_mark(
            actor=people.kupang_case_worker, session=first, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )

        with pytest.raises(ServiceError, match="Kehadiran sudah dicatat"):
            services.event_save(
                actor=planner(), program=event.program, event=event, start_date=event.end_date, end_date=event.end_date
            )
        assert event.sessions.count() == 2

    def test_it_refuses_a_venue_outside_the_program_region(self, people):
        program = make_program(people, "kupang")

        with pytest.raises(ServiceError, match="di dalam wilayah program") as refused:
            make_event(people, "indramayu", program=program, start=date(program.year, 6, 1))
        assert refused.value.field == "region"

    def test_it_refuses_an_event_outside_the_program_year(self, people):
        program = make_program(people, year=2019)

        with pytest.raises(ServiceError, match="tahun anggaran program"):
            make_event(people, program=program, start=date(2020, 1, 6))

    def test_it_refuses_an_end_before_the_start_with_the_constraint_message(self, people):
        program = make_program(people, year=2019)

        with pytest.raises(Exception, match="Tanggal selesai tidak boleh sebelum tanggal mulai"):
            make_event(people, program=program, start=date(2019, 11, 13), end_date=date(2019, 11, 12))

    def test_a_program_officer_of_kupang_cannot_plan_in_indramayu(self, people):
        program = make_program(people, "indramayu", year=2018)

        with pytest.raises(OutOfJurisdiction):
            services.event_save(
                actor=people.kupang_program_officer,
                program=program,
                kind="skills_training",
                title="UEP",
                venue_name="RSBM Tunas Mandiri",
                region=people.regions["32.12.04.2013"],
                start_date=date(2018, 4, 9),
                end_date=date(2018, 4, 10),
                daily_start=time(8),
                daily_end=time(15),
                organiser=people.orgs.indramayu_dinsos,
                capacity=20,
            )

    def test_a_module_is_taught_in_the_first_session_for_its_usual_hours(self, people):
        event = make_event(people, start=date(2019, 11, 13))

        taught = services.event_module_add(actor=planner(), event=event, module=_module(hours="2.5"))

        assert taught.session == event.sessions.get()
        assert taught.hours == Decimal("2.5")

    def test_a_session_outside_the_event_dates_is_refused(self, people):
        event = make_event(people, start=date(2019, 11, 13))

        with pytest.raises(ServiceError, match="Tanggal sesi harus di antara 13-11-2019 dan 13-11-2019"):
            services.event_session_add(
                actor=planner(), event=event, on=date(2019, 11, 14), starts_at=time(8), ends_at=time(12)
            )


class TestEnrolment:
    def test_over_capacity_people_go_to_the_waiting_list_in_order(self, people):
        event = make_event(people, capacity=2)
        first, second, third, fourth = (make_person(people) for _ in range(4))

        result = services.enrol_people(
            actor=people.kupang_case_worker, event=event, people=[first, second, third, fourth]
        )

        assert [enrolment.person for enrolment in result.enrolled] == [first, second]
        assert [enrolment.person for enrolment in result.waitlisted] == [third, fourth]

    def test_a_withdrawal_gives_the_seat_to_the_first_waiting(self, people):
        event = make_event(people, capacity=1)
        seated, waiting = make_person(people), make_person(people)
        result = services.enrol_people(actor=people.kupang_case_worker, event=event, people=[seated, waiting])

        promoted = services.enrolment_withdraw(
            actor=people.kupang_case_worker, enrolment=result.enrolled[0], reason=WithdrawalReason.ILLNESS
        )

        assert promoted is not None
        assert promoted.person == waiting
        assert Enrolment.objects.get(person=waiting).state == EnrolmentState.ENROLLED
        withdrawn = Enrolment.objects.get(person=seated)
        assert withdrawn.state == EnrolmentState.WITHDRAWN
        assert withdrawn.withdrawn_on == local_today(people.kupang_case_worker)

    def test_each_refused_person_gets_the_rule_they_fail_and_the_others_are_enrolled(self, people):
        event = make_event(people, participant_region=people.regions["53.01.08.1007"])
        other_event = make_event(people, program=event.program, start=event.start_date, title="Bimsos kedua")
        eligible = make_person(people)
        outside = make_person(people, region=_another_village(people))
        deceased = make_person(people, deceased_on=date(2020, 1, 1))
        repeat = make_person(people)
        services.enrol(actor=people.kupang_case_worker, event=other_event, person=repeat)

        result = services.enrol_people(
            actor=people.kupang_case_worker, event=event, people=[eligible, outside, deceased, repeat, eligible]
        )

        assert [enrolment.person for enrolment in result.enrolled] == [eligible]
        assert [(person, reason[:40]) for person, reason in result.refused] == [
            (outside, "Tidak tinggal di Tarus."),
            (deceased, "Orang ini tercatat sudah meninggal."),
            (repeat, "Sudah ikut kegiatan lain dalam program y"),
            (eligible, "Sudah terdaftar pada kegiatan ini."),
        ]

    def test_a_person_out_of_the_enrolling_users_jurisdiction_is_refused_without_their_data(self, people):
        event = make_event(people, participant_region=None)
        stranger = make_person(people, "indramayu")

        with pytest.raises(ServiceError) as refused:
            services.enrol(actor=people.kupang_case_worker, event=event, person=stranger)

        assert refused.value.message == "Orang ini tidak ditemukan atau di luar yurisdiksi Anda."

    def test_an_open_case_is_required_when_the_event_says_so(self, people):
        from bangkit.cases.services.cases import case_open

        event = make_event(people, require_open_case=True)
        without_case, with_case = make_person(people), make_person(people)
        case_open(actor=people.kupang_case_worker, person=with_case, category="kpo", referral_source="lks")

        result = services.enrol_people(actor=people.kupang_case_worker, event=event, people=[without_case, with_case])

        assert [enrolment.person for enrolment in result.enrolled] == [with_case]
        assert result.refused == [(without_case, "Tidak punya kasus yang masih aktif.")]
        assert list(selectors.eligible_people(actor=people.kupang_case_worker, event=event)) == []

    def test_the_eligible_list_leaves_out_who_is_enrolled_or_lives_elsewhere(self, people):
        event = make_event(people, participant_region=people.regions["53.01.08.1007"])
        enrolled, free = make_person(people), make_person(people)
        make_person(people, region=_another_village(people))
        services.enrol(actor=people.kupang_case_worker, event=event, person=enrolled)

        assert list(selectors.eligible_people(actor=people.kupang_case_worker, event=event)) == [free]

    def test_a_cancelled_event_takes_no_one(self, people):
        event = make_event(people)
        services.event_cancel(actor=planner(), event=event)

        with pytest.raises(ServiceError, match="dibatalkan"):
            services.enrol(actor=people.kupang_case_worker, event=event, person=make_person(people))

    def test_the_database_refuses_a_second_enrolment_of_the_same_person(self, people):
        event = make_event(people)
        person = make_person(people)
        services.enrol(actor=people.kupang_case_worker, event=event, person=person)

        with pytest.raises(IntegrityError), transaction.atomic():
            Enrolment.objects.create(event=event, person=person, enrolled_by=people.kupang_case_worker)

    def test_an_indramayu_case_worker_cannot_enrol_in_the_kupang_event(self, people):
        event = make_event(people)

        with pytest.raises(OutOfJurisdiction):
            services.enrol(actor=people.indramayu_case_worker, event=event, person=make_person(people))


class TestAttendance:
    @pytest.fixture
    def held(self, people):
        event = _past_event(people, days=2)
        person = make_person(people)
        enrolment = services.enrol(actor=people.kupang_case_worker, event=event, person=person)
        return event, enrolment

    def test_a_mark_is_recorded_and_corrected_in_place(self, people, held):
        event, enrolment = held
        session = event.sessions.order_by("date").first()

        services.attendance_mark(
            actor=people.kupang_case_worker, session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )
        services.attendance_mark(
            actor=people.kupang_case_worker, session=session, enrolment=enrolment, status=AttendanceStatus.LATE
        )

        mark = Attendance.objects.get()
        assert (mark.status, mark.source) == (AttendanceStatus.LATE, AttendanceSource.PHONE)

    def test_a_second_mark_for_the_same_session_is_refused_when_no_change_is_asked(self, people, held):
        event, enrolment = held
        session = event.sessions.first()
        services.attendance_mark(
            actor=people.kupang_case_worker, session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )

        with pytest.raises(ServiceError, match=r"sudah tercatat \(Hadir\)"):
            services.attendance_mark(
                actor=people.kupang_case_worker,
                session=session,
                enrolment=enrolment,
                status=AttendanceStatus.ABSENT,
                allow_change=False,
            )

    def test_someone_not_enrolled_cannot_be_marked(self, people, held):
        event, _enrolment = held
        other_event = _past_event(people, program=event.program, title="Bimsos lain", allow_repeat_in_program=True)
        stranger = services.enrol(actor=people.kupang_case_worker, event=other_event, person=make_person(people))

        with pytest.raises(ServiceError, match="bukan peserta kegiatan ini"):
            services.attendance_mark(
                actor=people.kupang_case_worker,
                session=event.sessions.first(),
                enrolment=stranger,
                status=AttendanceStatus.PRESENT,
            )

    def test_someone_on_the_waiting_list_cannot_be_marked(self, people):
        event = _past_event(people, capacity=1)
        result = services.enrol_people(
            actor=people.kupang_case_worker, event=event, people=[make_person(people), make_person(people)]
        )

        with pytest.raises(ServiceError, match="tidak terdaftar sebagai peserta"):
            services.attendance_mark(
                actor=people.kupang_case_worker,
                session=event.sessions.first(),
                enrolment=result.waitlisted[0],
                status=AttendanceStatus.PRESENT,
            )

    def test_a_session_that_has_not_happened_yet_cannot_be_marked(self, people):
        event = make_event(people, start=local_today(people.kupang_case_worker) + timedelta(days=2))
        enrolment = services.enrol(actor=people.kupang_case_worker, event=event, person=make_person(people))

        with pytest.raises(ServiceError, match="belum berlangsung"):
            services.attendance_mark(
                actor=people.kupang_case_worker,
                session=event.sessions.get(),
                enrolment=enrolment,
                status=AttendanceStatus.PRESENT,
            )

    def test_a_user_outside_the_jurisdiction_cannot_mark(self, people, held):
        event, enrolment = held

        with pytest.raises(OutOfJurisdiction):
            services.attendance_mark(
                actor=people.indramayu_case_worker,
                session=event.sessions.first(),
                enrolment=enrolment,
                status=AttendanceStatus.PRESENT,
            )
        assert not Attendance.objects.exists()

    def test_a_paper_list_marks_everyone_and_the_unmarked_absent(self, people, held):
        event, enrolment = held
        other = services.enrol(actor=people.kupang_case_worker, event=event, person=make_person(people))
        session = event.sessions.first()

        written = services.attendance_from_paper(
            actor=people.kupang_case_worker, session=session, marks={enrolment.pk: AttendanceStatus.PRESENT}
        )

        assert written == 2
        assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
            enrolment.pk: AttendanceStatus.PRESENT,
            other.pk: AttendanceStatus.ABSENT,
        }
        assert set(Attendance.objects.values_list("source", flat=True)) == {AttendanceSource.PAPER}

    def test_a_paper_list_with_a_stranger_writes_nothing(self, people, held):
        event, enrolment = held

        with pytest.raises(ServiceError, match="bukan peserta"):
            services.attendance_from_paper(
                actor=people.kupang_case_worker,
                session=event.sessions.first(),
                marks={enrolment.pk: AttendanceStatus.PRESENT, 999_999: AttendanceStatus.PRESENT},
            )
        assert not Attendance.objects.exists()

    def test_an_event_with_attendance_cannot_be_cancelled(self, people, held):
        event, enrolment = held
        services.attendance_mark(
            actor=people.kupang_case_worker,
            session=event.sessions.first(),
            enrolment=enrolment,
            status=AttendanceStatus.PRESENT,
        )

        with pytest.raises(ServiceError, match="tidak dapat dibatalkan"):
            services.event_cancel(actor=planner(), event=event)


class TestCompletionAndCertificates:
    @pytest.fixture
    def training(self, people):
        """Two days: 3 hours of cake making on the first, 1 hour of marketing on the second; pass mark 75%."""
        event = _past_event(people, "kupang", days=2, completion_percent=75)
        first, second = event.sessions.order_by("date")
        services.event_module_add(actor=planner(), event=event, module=_module(), session=first)
        services.event_module_add(
            actor=planner(), event=event, module=_module("Strategi pemasaran", "1.0"), session=second
        )
        both, first_only, second_only = (
            services.enrol(actor=people.kupang_case_worker, event=event, person=make_person(people, full_name=name))
            for name in ("Maria Goreti Lake", "Yosefina Bria", "Adriana Seran")
        )
        for enrolment, session in ((both, first), (both, second), (first_only, first), (second_only, second)):
            services.attendance_mark(
                actor=people.kupang_case_worker, session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
            )
        return event, both, first_only, second_only

    def test_completion_counts_the_module_hours_of_the_sessions_attended(self, training):
        event, both, first_only, second_only = training

        progress = selectors.completion(event)

        assert [
            (progress[item.pk].percent, progress[item.pk].completed) for item in (both, first_only, second_only)
        ] == [
            (100, True),
            (75, True),
            (25, False),
        ]

    def test_certificates_go_to_those_who_completed_once(self, people, training):
        event, both, first_only, _second_only = training

        issued = services.certificates_issue(actor=people.kupang_supervisor, event=event)
        again = services.certificates_issue(actor=people.kupang_supervisor, event=event)

        assert {certificate.enrolment_id for certificate in issued} == {both.pk, first_only.pk}
        assert again == []
        assert all(len(certificate.code) == services.CODE_LENGTH for certificate in issued)

    def test_a_case_worker_may_not_issue_certificates(self, people, training):
        event, *_rest = training

        with pytest.raises(services.NotPermitted, match="menerbitkan sertifikat"):
            services.certificates_issue(actor=people.kupang_case_worker, event=event)

    def test_certificates_wait_for_the_last_day(self, people):
        event = make_event(people, start=local_today(people.kupang_supervisor), days=2)

        with pytest.raises(ServiceError, match="setelah hari terakhir"):
            services.certificates_issue(actor=people.kupang_supervisor, event=event)

    def test_the_public_check_says_only_initials_and_the_event(self, people, training):
        event, both, *_rest = training
        certificate = services.certificates_issue(actor=people.kupang_supervisor, event=event)[0]
        typed = "-".join(certificate.code[index : index + 4] for index in (0, 4, 8)).lower()

        check = selectors.certificate_check(services.normalise_certificate_code(typed))

        assert check is not None
        assert check.valid
        assert check.initials == ("M.G.L." if certificate.enrolment_id == both.pk else "Y.B.")
        assert check.event_title == event.title
        assert selectors.certificate_check("0000000000XX") is None

    def test_a_revoked_certificate_checks_as_revoked_and_needs_a_reason(self, people, training):
        event, *_rest = training
        certificate = services.certificates_issue(actor=people.kupang_supervisor, event=event)[0]

        with pytest.raises(ServiceError, match="alasan"):
            services.certificate_revoke(actor=people.kupang_supervisor, certificate=certificate, reason=" ")
        services.certificate_revoke(actor=people.kupang_supervisor, certificate=certificate, reason="Salah nama")

        check = selectors.certificate_check(certificate.code)
        assert check is not None
        assert (check.revoked, check.valid) == (True, False)

    def test_a_certified_participant_cannot_withdraw(self, people, training):
        event, both, *_rest = training
        services.certificates_issue(actor=people.kupang_supervisor, event=event)

        with pytest.raises(ServiceError, match="cabut sertifikatnya dulu"):
            services.enrolment_withdraw(actor=people.kupang_case_worker, enrolment=both, reason=WithdrawalReason.WORK)
        assert Certificate.objects.filter(enrolment=both).exists()


class TestReport:
    def test_it_counts_by_sex_age_band_village_and_session(self, people):
        event = _past_event(people, days=2)
        woman = make_person(people, sex="F", birth_date=event.start_date.replace(year=event.start_date.year - 25))
        man = make_person(people, sex="M", birth_date=event.start_date.replace(year=event.start_date.year - 40))
        enrolments = services.enrol_people(actor=people.kupang_case_worker, event=event, people=[woman, man]).enrolled
        first = event.sessions.order_by("date").first()
        services.attendance_mark(
            actor=people.kupang_case_worker, session=first, enrolment=enrolments[0], status=AttendanceStatus.PRESENT
        )

        report = selectors.event_report(event)

        assert report.participants == 2
        assert dict(report.by_age_band) == {"24-26": 1, "39-47": 1}
        assert sum(count for _sex, count in report.by_sex) == 2
        assert report.by_village == [("Tarus", 2)]
        assert [(row.present, row.unmarked, row.rate) for row in report.sessions] == [(1, 1, 50), (0, 2, 0)]


class TestPersonMerge:
    def test_the_duplicates_enrolments_follow_the_kept_record(self, people):
        event = make_event(people)
        other_event = make_event(people, title="Pelatihan UEP", allow_repeat_in_program=True, program=event.program)
        kept, duplicate = make_person(people), make_person(people)
        services.enrol(actor=people.kupang_case_worker, event=event, person=duplicate)
        services.enrol(actor=people.kupang_case_worker, event=other_event, person=duplicate)
        services.enrol(actor=people.kupang_case_worker, event=other_event, person=kept)

        person_merged.send(sender=None, survivor=kept, duplicate=duplicate, actor=people.kupang_supervisor)

        assert Enrolment.objects.get(event=event, state=EnrolmentState.ENROLLED).person == kept
        stale = Enrolment.objects.get(event=other_event, person=duplicate)
        assert stale.state == EnrolmentState.WITHDRAWN
        assert stale.withdrawal_reason == WithdrawalReason.ENTERED_BY_MISTAKE


def test_sessions_are_unique_per_start_time(people):
    event = make_event(people, start=date(2019, 11, 13))

    with pytest.raises(ServiceError, match="Sudah ada sesi yang mulai"):
        services.event_session_add(
            actor=planner(), event=event, on=date(2019, 11, 13), starts_at=time(8), ends_at=time(12)
        )
    assert EventSession.objects.filter(event=event).count() == 1


def test_enrolling_a_list_writes_each_enrolments_history_where_the_event_is(people):
    from auditlog.models import LogEntry

    from bangkit.audit.models import EntryScope

    event = make_event(people, capacity=1)
    result = services.enrol_people(
        actor=people.kupang_case_worker, event=event, people=[make_person(people), make_person(people)]
    )

    entries = LogEntry.objects.filter(content_type__model="enrolment").order_by("object_id")
    enrolments = [*result.enrolled, *result.waitlisted]
    assert [entry.object_id for entry in entries] == [enrolment.pk for enrolment in enrolments]
    assert {entry.actor for entry in entries} == {people.kupang_case_worker}
    assert entries[1].changes_dict["state"] == ["None", EnrolmentState.WAITLISTED]
    assert set(EntryScope.objects.filter(entry__in=entries).values_list("region_id", flat=True)) == {event.region_id}
