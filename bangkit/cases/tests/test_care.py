"""The work inside a case: assessments and SRQ-20, referrals and consent, encrypted notes, tasks, the PDF."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import local_today
from bangkit.cases.choices import SRQ20_QUESTIONS
from bangkit.cases.models import Assessment, CaseNote, Referral, Task
from bangkit.cases.screening import srq20_flagged, srq20_score
from bangkit.cases.services import care
from bangkit.cases.services.care import Checked
from bangkit.cases.testing import make_case
from bangkit.core.exceptions import ServiceError
from bangkit.registry.models import Consent

HTMX = {"HTTP_HX_REQUEST": "true"}


def _answers(*yes: int) -> list[bool]:
    return [number in yes for number in range(1, len(SRQ20_QUESTIONS) + 1)]


# --- SRQ-20 and assessments ------------------------------------------------------------------------------------


def test_it_scores_srq20_as_the_number_of_yes_answers() -> None:
    assert srq20_score([]) is None
    assert srq20_score(_answers()) == 0
    assert srq20_score(_answers(1, 2, 3, 4, 5)) == 5
    assert not srq20_flagged(_answers(1, 2, 3, 4, 5))
    assert srq20_flagged(_answers(1, 2, 3, 4, 5, 6))
    assert srq20_flagged(_answers(17))


def test_it_flags_a_high_srq20_score_with_a_task_and_a_warning(client: Any, people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    assessment = care.assessment_record(actor=worker, case=case, srq20_answers=_answers(1, 2, 3, 5, 9, 10, 11))
    assert assessment.srq20_score == 7
    task = Task.objects.get(case=case)
    assert "Rujuk ke layanan kesehatan jiwa" in task.title
    assert task.assigned_to == worker
    assert task.due_on == timezone.localdate() + timedelta(days=7)
    client.force_login(worker)
    assert "rujukan ke layanan kesehatan jiwa" in client.get(case.get_absolute_url()).content.decode()


def test_it_flags_thoughts_of_ending_life_whatever_the_score_for_today(people: Any) -> None:
    case = make_case(people)
    assessment = care.assessment_record(actor=people.kupang_supervisor, case=case, srq20_answers=_answers(17))
    assert assessment.srq20_score == 1
    task = Task.objects.get(case=case)
    assert task.due_on == timezone.localdate()
    assert task.assigned_to == people.kupang_case_worker  # the case's worker, not whoever assessed


def test_it_gives_no_task_below_the_cut_off(client: Any, people: Any) -> None:
    case = make_case(people)
    care.assessment_record(actor=people.kupang_case_worker, case=case, srq20_answers=_answers(1, 2, 3, 4, 5))
    assert not Task.objects.exists()
    client.force_login(people.kupang_case_worker)
    assert "rujukan ke layanan kesehatan jiwa" not in client.get(case.get_absolute_url()).content.decode()


def test_it_refuses_an_incomplete_srq20_and_saves_nothing(client: Any, people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        care.assessment_record(actor=people.kupang_case_worker, case=case, srq20_answers=[True] * 19)
    assert refused.value.field == "srq20_answers"
    client.force_login(people.kupang_case_worker)
    form = {"assessed_on": timezone.localdate().isoformat(), "stress": "none", "depression": "none"}
    form |= {"isolation": "none", "family_situation": "unknown", "srq_1": "1", "srq_2": "0"}
    response = client.post(reverse("cases:assessment_add", args=[case.pk]), form)
    assert response.status_code == 200
    assert "belum dijawab: nomor 3, 4" in str(response.context["form"].non_field_errors())
    assert not Assessment.objects.exists()


def test_it_shows_all_twenty_questions_all_seven_needs_and_all_eight_risks_on_the_form(
    client: Any, people: Any
) -> None:
    case = make_case(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("cases:assessment_add", args=[case.pk])).content.decode()
    assert page.count('class="btn-check"') == 40  # a yes and a no for each question
    assert len(re.findall(r'type="checkbox" name="need_', page)) == 7
    assert len(re.findall(r'type="checkbox" name="risk_', page)) == 8
    assert "Berniat bermigrasi lagi secara nonprosedural" in page


def test_it_keeps_reassessments_as_a_numbered_series(people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    first = care.assessment_record(
        actor=worker,
        case=case,
        needs={"therapy": Checked(True, "Konseling")},
        risk_factors={"shame": Checked(True)},
    )
    second = care.assessment_record(actor=worker, case=case, debt_amount=900_000)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.needs.get(component="therapy").needed
    assert first.needs.get(component="therapy").note == "Konseling"
    assert not second.needs.filter(needed=True).exists()
    assert second.risk_factors.count() == 8


def test_it_refuses_an_unknown_need_and_a_negative_debt(people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        care.assessment_record(actor=people.kupang_case_worker, case=case, needs={"money": Checked(True)})
    assert refused.value.field == "needs"
    with pytest.raises(Exception, match="utang"):
        care.assessment_record(actor=people.kupang_case_worker, case=case, debt_amount=-1)
    assert not Assessment.objects.exists()


def test_it_hides_assessments_from_a_program_officer(client: Any, api_client: Any, people: Any) -> None:
    case = make_case(people)
    assessment = care.assessment_record(actor=people.kupang_case_worker, case=case, psychosocial_note="Trauma")
    client.force_login(people.kupang_program_officer)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "assessments" not in {tab["key"] for tab in page.context["tabs"]}
    assert client.get(reverse("cases:case_assessments", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:assessment_detail", args=[assessment.pk])).status_code == 403
    api_client.force_authenticate(people.kupang_program_officer)
    assert api_client.get(reverse("assessment-detail", args=[assessment.pk])).status_code == 403


# --- Referrals and consent -------------------------------------------------------------------------------------


def _consent(people: Any, person: Any, *organisations: Any, **fields: Any) -> Consent:
    consent = Consent.objects.create(
        person=person,
        purpose="data_sharing",
        signed_on=fields.pop("signed_on", timezone.localdate() - timedelta(days=10)),
        recorded_by=people.kupang_case_worker,
        **fields,
    )
    consent.shared_with.set(organisations)
    return consent


def test_it_refuses_a_referral_without_consent_and_saves_nothing(client: Any, people: Any) -> None:
    case = make_case(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("cases:referral_add", args=[case.pk]),
        {
            "service": "health",
            "to_organisation": people.orgs.kupang_dinsos.pk,
            "reason": "Pemeriksaan kesehatan",
            "referred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "belum memberi persetujuan berbagi data" in str(response.context["form"].errors["to_organisation"])
    assert "override_reason" not in response.context["form"].fields  # a case worker is not offered the override
    assert not Referral.objects.exists()
    assert not case.events.filter(kind="referral").exists()


def test_it_accepts_a_referral_with_a_consent_naming_the_destination(people: Any) -> None:
    case = make_case(people)
    destination = people.orgs.kupang_dinsos
    _consent(people, case.person, people.orgs.directorate)  # names another organisation: not enough
    with pytest.raises(ServiceError):
        care.referral_create(
            actor=people.kupang_case_worker, case=case, service="legal_aid", to_organisation=destination, reason="x"
        )
    consent = _consent(people, case.person, destination)
    referral = care.referral_create(
        actor=people.kupang_case_worker, case=case, service="legal_aid", to_organisation=destination, reason="LBH"
    )
    assert referral.consent == consent
    assert referral.consent_override_by is None
    assert "Dinas Sosial Kabupaten Kupang" in case.events.get(kind="referral").summary


def test_it_refuses_a_withdrawn_or_expired_consent(people: Any) -> None:
    case = make_case(people)
    today = timezone.localdate()
    _consent(people, case.person, people.orgs.kupang_dinsos, withdrawn_on=today - timedelta(days=1))
    _consent(
        people,
        case.person,
        people.orgs.kupang_dinsos,
        signed_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=30),
    )
    with pytest.raises(ServiceError, match="persetujuan"):
        care.referral_create(
            actor=people.kupang_case_worker,
            case=case,
            service="health",
            to_organisation=people.orgs.kupang_dinsos,
            reason="x",
        )


def test_it_lets_a_supervisor_override_a_missing_consent_with_a_recorded_reason(client: Any, people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        care.referral_create(
            actor=people.kupang_case_worker,
            case=case,
            service="police",
            to_name="Polres Kupang",
            reason="x",
            override_reason="Mendesak",
        )
    assert refused.value.field == "override_reason"
    client.force_login(people.kupang_supervisor)
    response = client.post(
        reverse("cases:referral_add", args=[case.pk]),
        {
            "service": "police",
            "to_name": "Polres Kupang",
            "reason": "Laporan tindak pidana perdagangan orang",
            "referred_on": timezone.localdate().isoformat(),
            "override_reason": "Orang ini di rumah sakit; laporan tidak dapat ditunda",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent is None
    assert referral.consent_override_by == people.kupang_supervisor
    assert referral.consent_override_reason == "Orang ini di rumah sakit; laporan tidak dapat ditunda"
    summary = case.events.get(kind="referral").summary
    assert "pengecualian" in summary
    assert "rumah sakit" in summary


def test_it_records_the_answer_to_a_referral_in_order(people: Any) -> None:
    case = make_case(people)
    _consent(people, case.person)
    referral = care.referral_create(
        actor=people.kupang_case_worker, case=case, service="lks", to_name="LKS lain", reason="Rumah aman"
    )
    worker = people.kupang_case_worker
    referral = care.referral_respond(actor=worker, referral=referral, status="accepted", outcome_note="Diterima")
    referral = care.referral_respond(actor=worker, referral=referral, status="done")
    assert referral.status == "done"
    with pytest.raises(ServiceError) as refused:
        care.referral_respond(actor=worker, referral=referral, status="accepted")
    assert refused.value.field == "status"


# --- Notes -----------------------------------------------------------------------------------------------------


def test_it_stores_case_notes_encrypted_and_keeps_them_off_the_timeline(people: Any) -> None:
    case = make_case(people)
    text = "Korban menceritakan ancaman dari perekrut di Nunukan."
    note = care.note_add(actor=people.kupang_case_worker, case=case, text=text)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {CaseNote._meta.db_table} WHERE id = %s", [note.pk])  # noqa: S608
        (raw,) = cursor.fetchone()
    assert raw != text
    assert "Nunukan" not in raw
    assert CaseNote.objects.get(pk=note.pk).text == text
    assert all("Nunukan" not in summary for summary in case.events.values_list("summary", flat=True))


def test_it_shows_notes_to_the_case_worker_and_logs_the_reading(client: Any, people: Any) -> None:
    case = make_case(people)
    care.note_add(actor=people.kupang_case_worker, case=case, text="Kunjungan rumah kedua.")
    client.force_login(people.kupang_supervisor)
    response = client.get(reverse("cases:case_notes", args=[case.pk]), **HTMX)
    assert "Kunjungan rumah kedua." in response.content.decode()
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(case.pk), actor=people.kupang_supervisor
    ).exists()


def test_it_hides_notes_from_a_program_officer(client: Any, api_client: Any, people: Any) -> None:
    case = make_case(people)
    note = care.note_add(actor=people.kupang_case_worker, case=case, text="Rahasia")
    officer = people.kupang_program_officer
    client.force_login(officer)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "notes" not in {tab["key"] for tab in page.context["tabs"]}
    assert client.get(reverse("cases:case_notes", args=[case.pk])).status_code == 403
    pdf = client.get(reverse("cases:case_pdf", args=[case.pk]))
    assert b"Rahasia" not in _pdf_text(pdf.content)
    api_client.force_authenticate(officer)
    assert api_client.get(reverse("case-note-list")).status_code == 403
    assert api_client.get(reverse("case-note-detail", args=[note.pk])).status_code == 403


def test_it_refuses_an_empty_note(client: Any, people: Any) -> None:
    case = make_case(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("cases:note_add", args=[case.pk]), {"text": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not CaseNote.objects.exists()


# --- Tasks -----------------------------------------------------------------------------------------------------


def _overdue_task(people: Any, case: Any, title: str, days_late: int = 2) -> Task:
    task = care.task_create(actor=people.kupang_case_worker, case=case, title=title, due_on=timezone.localdate())
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=days_late))
    return task


def test_it_lists_a_case_workers_overdue_tasks_first(client: Any, people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    later = care.task_create(
        actor=worker, case=case, title="Kunjungan usaha", due_on=timezone.localdate() + timedelta(days=5)
    )
    late = _overdue_task(people, case, "Antar ke puskesmas")
    make_case(people, "indramayu")
    client.force_login(worker)
    response = client.get(reverse("cases:my_tasks"))
    assert [task.pk for task in response.context["tasks"]] == [late.pk, later.pk]
    assert "terlambat" in response.content.decode()
    assert not response.context["is_supervisor"]


def test_it_lists_the_overdue_tasks_of_a_supervisors_jurisdiction(client: Any, people: Any) -> None:
    late = _overdue_task(people, make_case(people), "Antar ke puskesmas")
    indramayu_case = make_case(people, "indramayu")
    indramayu_task = care.task_create(
        actor=people.indramayu_case_worker, case=indramayu_case, title="Kunjungan", due_on=timezone.localdate()
    )
    Task.objects.filter(pk=indramayu_task.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(people.kupang_supervisor)
    response = client.get(reverse("cases:my_tasks"))
    assert [task.pk for task in response.context["supervised"]] == [late.pk]


def test_it_lists_my_tasks_with_a_fixed_number_of_queries(
    client: Any, people: Any, django_assert_num_queries: Any
) -> None:
    case = make_case(people)
    _overdue_task(people, case, "Satu")
    client.force_login(people.kupang_supervisor)
    client.get(reverse("cases:my_tasks"))
    for number in range(3):
        _overdue_task(people, make_case(people), f"Tugas {number}")
    with django_assert_num_queries(7):
        client.get(reverse("cases:my_tasks"))


def test_it_filters_cases_with_overdue_tasks(client: Any, api_client: Any, people: Any) -> None:
    late_case = make_case(people)
    _overdue_task(people, late_case, "Antar ke puskesmas")
    on_time = make_case(people)
    care.task_create(
        actor=people.kupang_case_worker, case=on_time, title="Nanti", due_on=local_today(people.kupang_case_worker)
    )
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("cases:case_list"), {"overdue": "true"})
    assert [case.pk for case in response.context["object_list"]] == [late_case.pk]
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("task-list"), {"mine": "true", "overdue": "true"}).json()
    assert [task["title"] for task in body["results"]] == ["Antar ke puskesmas"]


def test_it_completes_a_task_once(client: Any, people: Any) -> None:
    case = make_case(people)
    task = _overdue_task(people, case, "Antar ke puskesmas")
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("cases:task_complete", args=[task.pk]), {"next": "mine"})
    assert response["Location"] == reverse("cases:my_tasks")
    task.refresh_from_db()
    assert task.done_by == people.kupang_case_worker
    with pytest.raises(ServiceError, match="sudah selesai"):
        care.task_complete(actor=people.kupang_case_worker, task=task)
    client.force_login(people.indramayu_case_worker)
    assert client.post(reverse("cases:task_complete", args=[task.pk])).status_code == 404


def test_it_refuses_a_task_due_in_the_past_or_for_someone_elsewhere(people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        care.task_create(
            actor=people.kupang_case_worker,
            case=case,
            title="x",
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert refused.value.field == "due_on"
    with pytest.raises(ServiceError) as refused:
        care.task_create(
            actor=people.kupang_case_worker,
            case=case,
            title="x",
            due_on=timezone.localdate(),
            assigned_to=people.indramayu_case_worker,
        )
    assert refused.value.field == "assigned_to"


# --- Printable summary -----------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated, to search its text."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.DOTALL):
        data = match.group(1).strip()
        try:
            if data.endswith(b"~>"):  # ReportLab's ASCII85 wrapping
                data = base64.a85decode(data[:-2], ignorechars=b" \t\r\n")
            parts.append(zlib.decompress(data))
        except (ValueError, zlib.error):
            continue
    return b"\n".join(parts)


def test_it_prints_a_case_summary_with_the_nik_masked_and_logs_it(client: Any, people: Any) -> None:
    case = make_case(people)
    care.assessment_record(actor=people.kupang_case_worker, case=case, srq20_answers=_answers(1, 2, 3, 4, 5, 6))
    care.note_add(actor=people.kupang_case_worker, case=case, text="Catatan rahasia sekali")
    client.force_login(people.kupang_program_officer)
    response = client.get(reverse("cases:case_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    assert case.number.encode() in text
    assert case.person.nik.encode() not in text
    assert case.person.masked_nik.encode() in text
    assert b"Catatan rahasia" not in text
    assert b"SRQ-20" not in text  # a program officer may not read assessments
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).count() == 1


def test_it_prints_the_nik_and_the_assessment_for_a_case_worker(client: Any, people: Any) -> None:
    case = make_case(people)
    care.assessment_record(actor=people.kupang_case_worker, case=case, srq20_answers=_answers(1, 2, 3, 4, 5, 6))
    client.force_login(people.kupang_case_worker)
    text = _pdf_text(client.get(reverse("cases:case_pdf", args=[case.pk])).content)
    assert case.person.nik.encode() in text
    assert b"6 dari 20" in text
    # Seeing the NIK in clear is an access to the person too.
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.person_id)).exists()
