"""The documents of an event as their users meet them: the attendance list printed for the venue, certificates
issued and printed, the event report on screen, in PDF and in XLSX — and who may have which."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangkit.accounts.testing import TEST_PASSWORD, People, local_today
from bangkit.core.testing.pdf import pdf_pages
from bangkit.programs import services
from bangkit.programs.choices import AttendanceStatus, WithdrawalReason
from bangkit.programs.models import Certificate, Enrolment, Event, EventSession, Module
from bangkit.programs.testing import make_event, planner
from bangkit.registry.models import Person
from bangkit.registry.testing import make_person, ntt_names

pytestmark = pytest.mark.django_db


def enrol_kupang(people: People, event: Event, names: list[str]) -> list[Enrolment]:
    persons = [
        make_person(people, "kupang", full_name=name, sex="M" if position % 3 == 0 else "F")
        for position, name in enumerate(names)
    ]
    result = services.enrol_people(actor=people.kupang_case_worker, event=event, people=persons)
    assert not result.refused
    return result.enrolled


def past_kupang_event(people: People, *, days: int = 1, **fields: Any) -> Event:
    start = local_today(people.kupang_case_worker) - timedelta(days=days + 5)
    return make_event(people, "kupang", start=start, days=days, **fields)


def mark_present(people: People, event: Event, enrolments: list[Enrolment]) -> None:
    for session in event.sessions.all():
        for enrolment in enrolments:
            services.attendance_mark(
                actor=people.kupang_case_worker, session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
            )


def certified_participants(people: People, names: list[str]) -> list[Certificate]:
    """A past Kupang event where everyone named came and was certified by the Kupang supervisor."""
    event = past_kupang_event(people)
    enrolments = enrol_kupang(people, event, names)
    mark_present(people, event, enrolments)
    return services.certificates_issue(actor=people.kupang_supervisor, event=event)


def login(client, user) -> None:
    assert client.login(email=user.email, password=TEST_PASSWORD)


# --- attendance list -----------------------------------------------------------------------------------------


class TestAttendanceList:
    def test_it_prints_250_participants_by_name_on_numbered_pages(self, client, people):
        event = past_kupang_event(people)
        names = ntt_names(250)
        enrol_kupang(people, event, names)
        url = reverse("programs:session_attendance_list_pdf", args=[event.sessions.get().pk])
        login(client, people.kupang_case_worker)

        # Its speed is measured by bench/programs_attendance_pdf.py, not here.
        response = client.get(url)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pages = pdf_pages(response.content)
        # A signature row is tall enough to sign in: about 25 to a page.
        assert 8 <= len(pages) <= 12
        for number, text in enumerate(pages, start=1):
            assert f"Halaman {number} dari {len(pages)}" in text
            assert "Tanda tangan" in text  # the header row is repeated on every page
        printed = "\n".join(pages)
        assert all(name in printed for name in names)
        in_order = sorted(names, key=str.casefold)
        positions = [printed.index(f"\n{name}\n") for name in in_order]
        assert positions == sorted(positions)
        assert "Jumlah peserta terdaftar\n250" in printed

    def test_its_header_tells_the_event_day_place_and_times_in_indonesian(self, client, people):
        event = make_event(people, "kupang", start=date(2019, 11, 13), title="Bimbingan Sosial WNI-M KPO")
        enrol_kupang(people, event, ["Yohanes Nahak", "Maria Goreti Bria"])
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:session_attendance_list_pdf", args=[event.sessions.get().pk]))

        (text,) = pdf_pages(response.content)
        for expected in (
            "DAFTAR HADIR PESERTA",
            "Bimbingan Sosial WNI-M KPO",
            "Bimbingan sosial (Bimsos)",
            "Direktorat RSTS & KPO",
            "Gereja GMIT Bethesda Tarus, Desa/Kel. Tarus, Kec. Kupang Tengah, Kabupaten Kupang",
            "Rabu, 13 November 2019",
            "08.00-16.00 WITA",
            "No\nNama\nDesa/Kelurahan\nL/P\nTanda tangan",
            "Halaman 1 dari 1",
            "Petugas penyelenggara,",
        ):
            assert expected in text
        assert text.index("Maria Goreti Bria") < text.index("Yohanes Nahak")
        assert "Laki-laki\n1\nPerempuan\n1" in text

    def test_it_lists_enrolled_participants_only_and_no_identifier(self, client, people):
        event = past_kupang_event(people, capacity=2)
        staying, leaving = enrol_kupang(people, event, ["Agustina Seran", "Petrus Tefa"])
        waiting = make_person(people, "kupang", full_name="Dominggus Sau")
        services.enrol(actor=people.kupang_case_worker, event=event, person=waiting)
        services.enrolment_withdraw(actor=people.kupang_case_worker, enrolment=leaving, reason=WithdrawalReason.ILLNESS)
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:session_attendance_list_pdf", args=[event.sessions.get().pk]))

        (text,) = pdf_pages(response.content)
        assert "Agustina Seran" in text
        assert "Petrus Tefa" not in text
        assert "Dominggus Sau" not in text  # still waiting: the seat freed after the event stays empty
        assert staying.person.nik not in text
        assert staying.person.nik.encode() not in response.content

    def test_printing_it_is_logged_and_never_cached(self, client, people):
        event = past_kupang_event(people)
        enrol_kupang(people, event, ["Agustina Seran"])
        session = event.sessions.get()
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:session_attendance_list_pdf", args=[session.pk]))

        assert "no-store" in response["Cache-Control"]
        access = LogEntry.objects.get(
            action=LogEntry.Action.ACCESS,
            content_type=ContentType.objects.get_for_model(EventSession),
            object_pk=str(session.pk),
        )
        assert access.actor == people.kupang_case_worker

    def test_it_needs_a_permission_on_participants(self, client, people):
        event = past_kupang_event(people)
        login(client, people.national_analyst)

        response = client.get(reverse("programs:session_attendance_list_pdf", args=[event.sessions.get().pk]))

        assert response.status_code == 403


# --- who sees what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "of", "method"),
    [
        ("programs:session_attendance_list_pdf", "session", "get"),
        ("programs:event_report", "event", "get"),
        ("programs:event_report_pdf", "event", "get"),
        ("programs:event_report_xlsx", "event", "get"),
        ("programs:event_certificates_pdf", "event", "get"),
        ("programs:certificates_issue", "event", "post"),
        ("programs:certificate_pdf", "certificate", "get"),
        ("programs:certificate_revoke", "certificate", "get"),
    ],
)
def test_an_indramayu_user_finds_no_document_of_the_kupang_event(client, people, url_name, of, method):
    (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
    event = certificate.enrolment.event
    target = {"session": event.sessions.get(), "event": event, "certificate": certificate}[of]
    login(client, people.indramayu_supervisor)

    response = getattr(client, method)(reverse(url_name, args=[target.pk]))

    assert response.status_code == 404
    assert Certificate.objects.filter(enrolment__event=event).count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, people):
    event = past_kupang_event(people)

    response = client.get(reverse("programs:event_report", args=[event.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- certificates ----------------------------------------------------------------------------------------------


class TestCertificates:
    def test_they_go_to_those_who_completed_once_the_last_day_is_over(self, client, people):
        event = past_kupang_event(people, days=2)
        came, half, absent = enrol_kupang(people, event, ["Agustina Seran", "Petrus Tefa", "Yuliana Kase"])
        first, second = event.sessions.order_by("date")
        mark_present(people, event, [came])
        services.attendance_mark(
            actor=people.kupang_case_worker, session=first, enrolment=half, status=AttendanceStatus.PRESENT
        )
        services.attendance_mark(
            actor=people.kupang_case_worker, session=second, enrolment=absent, status=AttendanceStatus.ABSENT
        )
        login(client, people.kupang_supervisor)

        response = client.post(reverse("programs:certificates_issue", args=[event.pk]), follow=True)

        assert "1 sertifikat diterbitkan." in response.content.decode()
        assert list(Certificate.objects.values_list("enrolment", flat=True)) == [came.pk]

    def test_they_are_refused_before_the_last_day(self, client, people):
        today = local_today(people.kupang_case_worker)
        event = make_event(people, "kupang", start=today - timedelta(days=1), days=3)
        (enrolment,) = enrol_kupang(people, event, ["Agustina Seran"])
        services.attendance_mark(
            actor=people.kupang_case_worker,
            session=event.sessions.order_by("date")[0],
            enrolment=enrolment,
            status=AttendanceStatus.PRESENT,
        )
        login(client, people.kupang_supervisor)

        response = client.post(reverse("programs:certificates_issue", args=[event.pk]), follow=True)

        assert "Sertifikat diterbitkan setelah hari terakhir kegiatan." in response.content.decode()
        assert not Certificate.objects.exists()

    def test_issuing_twice_issues_nothing_new(self, client, people):
        (certificate,) = certified_participants(people, ["Agustina Seran"])
        login(client, people.kupang_supervisor)

        response = client.post(
            reverse("programs:certificates_issue", args=[certificate.enrolment.event_id]), follow=True
        )

        assert "Tidak ada sertifikat baru" in response.content.decode()
        assert Certificate.objects.count() == 1

    @pytest.mark.parametrize(
        ("sent_back_to", "lands_on"), [("event page", "event page"), ("https://evil.invalid/", "report")]
    )
    def test_issuing_returns_to_the_page_of_this_site_it_came_from(self, client, people, sent_back_to, lands_on):
        event = past_kupang_event(people)
        pages = {
            "event page": reverse("programs:event_detail", args=[event.pk]),
            "report": reverse("programs:event_report", args=[event.pk]),
        }
        login(client, people.kupang_supervisor)

        response = client.post(
            reverse("programs:certificates_issue", args=[event.pk]), {"next": pages.get(sent_back_to, sent_back_to)}
        )

        assert response.status_code == 302
        assert response["Location"] == pages[lands_on]

    def test_a_case_worker_may_not_issue_them(self, client, people):
        event = past_kupang_event(people)
        login(client, people.kupang_case_worker)

        response = client.post(reverse("programs:certificates_issue", args=[event.pk]))

        assert response.status_code == 403

    def test_the_event_prints_one_landscape_page_per_valid_certificate(self, client, people):
        names = ["Maria Goreti Bria", "Yohanes Nahak", "Agustina Seran"]
        certificates = certified_participants(people, names)
        event = certificates[0].enrolment.event
        module = Module.objects.create(name="Pembuatan kue", default_hours=Decimal("2.5"))
        services.event_module_add(actor=planner(), event=event, module=module)
        revoked = next(item for item in certificates if item.enrolment.person.full_name == "Yohanes Nahak")
        services.certificate_revoke(actor=people.kupang_supervisor, certificate=revoked, reason="Salah orang")
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:event_certificates_pdf", args=[event.pk]))

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in response.content  # A4 landscape
        first, second = pdf_pages(response.content)
        assert "Agustina Seran" in first
        assert "Maria Goreti Bria" in second
        for page in (first, second):
            for expected in (
                "SERTIFIKAT",
                "diberikan kepada",
                "sebagai peserta",
                "Bimsos Kupang",
                "http://testserver/verify/",
            ):
                assert expected in page
            assert "Pembuatan kue (2,5 jam pelajaran)" in page
        code = next(item for item in certificates if item.enrolment.person.full_name == "Agustina Seran").code
        assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in first
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            content_type=ContentType.objects.get_for_model(Event),
            object_pk=str(event.pk),
        ).exists()

    def test_one_certificate_prints_alone(self, client, people):
        (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:certificate_pdf", args=[certificate.pk]))

        (page,) = pdf_pages(response.content)
        assert "Maria Goreti Bria" in page
        assert "DICABUT" not in page

    def test_a_long_organiser_name_wraps_in_the_signature_block(self, client, people):
        (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
        directorate = "Direktorat Rehabilitasi Sosial Tuna Sosial dan Korban Perdagangan Orang"
        organiser = certificate.enrolment.event.organiser
        organiser.name = directorate
        organiser.save()
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:certificate_pdf", args=[certificate.pk]))

        (page,) = pdf_pages(response.content)
        lines = page.splitlines()
        assert directorate not in lines  # drawn on one line it ran across the page's frame
        first = next(index for index, line in enumerate(lines) if line != directorate and directorate.startswith(line))
        assert f"{lines[first]} {lines[first + 1]}" == directorate

    def test_a_supervisor_revokes_one_with_a_reason(self, client, people):
        (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
        url = reverse("programs:certificate_revoke", args=[certificate.pk])
        login(client, people.kupang_supervisor)

        page = client.get(url)
        refused = client.post(url, {"reason": "  "})
        certificate.refresh_from_db()

        assert "Maria Goreti Bria" in page.content.decode()
        assert refused.status_code == 200
        assert 'class="invalid-feedback' in refused.content.decode()
        assert certificate.revoked_on is None

        revoked = client.post(url, {"reason": "Diterbitkan untuk orang yang salah"}, follow=True)
        certificate.refresh_from_db()

        assert certificate.revoked_on is not None
        assert certificate.revocation_reason == "Diterbitkan untuk orang yang salah"
        assert f"Sertifikat {certificate.code[:4]}-{certificate.code[4:8]}-{certificate.code[8:]} dicabut." in (
            revoked.content.decode()
        )
        reprinted = client.get(reverse("programs:certificate_pdf", args=[certificate.pk]))
        assert "DICABUT" in pdf_pages(reprinted.content)[0]

    def test_a_case_worker_may_not_revoke_one(self, client, people):
        (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
        login(client, people.kupang_case_worker)

        response = client.post(reverse("programs:certificate_revoke", args=[certificate.pk]), {"reason": "x"})

        assert response.status_code == 403
        certificate.refresh_from_db()
        assert certificate.revoked_on is None


# --- event report ----------------------------------------------------------------------------------------------


def _reported_event(people: People) -> Event:
    """A two-day event of four participants (two men) in which the first day was full and the second half empty,
    teaching a module whose name looks like a spreadsheet formula."""
    event = past_kupang_event(people, days=2)
    enrolments = enrol_kupang(people, event, ["Yohanes Nahak", "Maria Goreti Bria", "Agustina Seran", "Yuliana Kase"])
    first, second = event.sessions.order_by("date")
    for position, enrolment in enumerate(enrolments):
        services.attendance_mark(
            actor=people.kupang_case_worker, session=first, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )
        services.attendance_mark(
            actor=people.kupang_case_worker,
            session=second,
            enrolment=enrolment,
            status=AttendanceStatus.PRESENT if position < 2 else AttendanceStatus.ABSENT,
        )
    trap = Module.objects.create(name='=HYPERLINK("http://evil.invalid","kue")', default_hours=Decimal("3"))
    services.event_module_add(actor=planner(), event=event, module=trap, session=second)
    return event


class TestEventReport:
    def test_the_page_shows_the_figures_without_names(self, client, people):
        event = _reported_event(people)
        login(client, people.kupang_program_officer)

        response = client.get(reverse("programs:event_report", args=[event.pk]))

        page = response.content.decode()
        assert response.status_code == 200
        for expected in ("Peserta menurut jenis kelamin", "Perempuan", "Kehadiran per sesi", "100", "50", "Tarus"):
            assert expected in page
        assert not any(name in page for name in Person.objects.values_list("full_name", flat=True))
        assert reverse("programs:event_report_pdf", args=[event.pk]) in page
        assert reverse("programs:session_attendance_list_pdf", args=[event.sessions.order_by("date")[0].pk]) in page

    def test_the_pdf_holds_every_table(self, client, people):
        event = _reported_event(people)
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:event_report_pdf", args=[event.pk]))

        text = "\n".join(pdf_pages(response.content))
        for expected in (
            "LAPORAN KEGIATAN",
            "Peserta terdaftar\n4",
            "Laki-laki\n2",
            "Perempuan\n2",
            "Peserta menurut kelompok umur",
            "Tarus\n4",
            "Modul yang diberikan",
            "Halaman 1 dari",
        ):
            assert expected in text
        assert "Yohanes Nahak" not in text

    def test_the_xlsx_opens_with_a_sheet_per_table_and_no_live_formula(self, client, people):
        event = _reported_event(people)
        login(client, people.kupang_case_worker)

        response = client.get(reverse("programs:event_report_xlsx", args=[event.pk]))

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        assert workbook.sheet_names == [
            "Kegiatan",
            "Ringkasan",
            "Jenis kelamin",
            "Kelompok umur",
            "Desa-kelurahan",
            "Kehadiran",
            "Modul",
        ]
        rows = {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
        assert ["Peserta terdaftar", 4] in rows["Ringkasan"]
        assert ["Perempuan", 2] in rows["Jenis kelamin"]
        assert ["Tarus", 4] in rows["Desa-kelurahan"]
        assert [row[1:] for row in rows["Kehadiran"][1:]] == [[4, 0, 0, 0, 100], [2, 0, 2, 0, 50]]
        assert rows["Modul"][1][0] == '\'=HYPERLINK("http://evil.invalid","kue")'
        assert rows["Modul"][1][2] == 3
        assert not any(
            name in str(value)
            for sheet in rows.values()
            for row in sheet
            for value in row
            for name in Person.objects.values_list("full_name", flat=True)
        )

    def test_a_kupang_case_worker_sees_the_report_but_no_issue_button(self, client, people):
        event = _reported_event(people)
        login(client, people.kupang_case_worker)

        page = client.get(reverse("programs:event_report", args=[event.pk])).content.decode()

        assert reverse("programs:certificates_issue", args=[event.pk]) not in page

    def test_a_kupang_supervisor_gets_the_issue_button_once_the_event_is_over(self, client, people):
        event = _reported_event(people)
        login(client, people.kupang_supervisor)

        page = client.get(reverse("programs:event_report", args=[event.pk])).content.decode()

        assert reverse("programs:certificates_issue", args=[event.pk]) in page
