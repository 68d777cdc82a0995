"""The case API runs the same services as the pages, with the shared error shape."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from bangkit.cases.choices import SRQ20_QUESTIONS
from bangkit.cases.models import Case, CaseApproval, Task
from bangkit.cases.testing import make_case
from bangkit.registry.models import Consent
from bangkit.registry.testing import make_person


def _post(api_client: Any, name: str, body: dict[str, Any], *args: Any) -> Any:
    return api_client.post(reverse(name, args=args), body, format="json")


def test_it_runs_a_case_through_the_api(api_client: Any, people: Any) -> None:
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    person = make_person(people, "kupang")
    api_client.force_authenticate(worker)

    response = _post(api_client, "case-list", {"person": person.pk, "category": "kpo", "referral_source": "police"})
    assert response.status_code == 201, response.json()
    body = response.json()
    case_id = body["id"]
    assert body["number"].startswith("KPO-53.01-")
    assert body["organisation"] == people.orgs.kupang_lks.pk
    assert body["region"] == "53.01"

    assert _post(api_client, "case-transition", {"target": "assessment"}, case_id).json()["state"] == "assessment"
    answers = [False] * len(SRQ20_QUESTIONS)
    answers[16] = True
    response = _post(
        api_client,
        "assessment-list",
        {
            "case": case_id,
            "srq20_answers": answers,
            "stress": "severe",
            "psychosocial_note": "Sulit tidur",
            "needs": [{"component": "therapy", "needed": True, "note": "Konseling"}],
            "risk_factors": [{"factor": "shame", "present": True}],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["srq20_score"] == 1
    assert response.json()["srq20_flagged"] is True
    assert len(response.json()["needs"]) == 7
    assert Task.objects.filter(case_id=case_id, title__contains="kesehatan jiwa").exists()

    response = _post(api_client, "case-transition", {"target": "intervention_plan"}, case_id)
    assert response.json()["state"] == "intervention_plan"
    response = _post(
        api_client, "plan-line-list", {"case": case_id, "component": "therapy", "description": "Konseling mingguan"}
    )
    assert response.status_code == 201
    line_id = response.json()["id"]
    response = api_client.patch(reverse("plan-line-detail", args=[line_id]), {"status": "in_progress"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"

    response = _post(api_client, "case-submit", {"kind": "plan", "note": "Siap"}, case_id)
    assert response.status_code == 201
    approval_id = response.json()["id"]

    api_client.force_authenticate(supervisor)
    response = _post(api_client, "case-approval-decide", {"approve": True}, approval_id)
    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == "approved"
    assert api_client.get(reverse("case-detail", args=[case_id])).json()["state"] == "intervention"

    events = api_client.get(reverse("case-event-list"), {"case": case_id}).json()["results"]
    assert events[0]["kind"] == "opened"
    assert events[-1]["to_state"] == "intervention"


def test_it_explains_a_refused_step_in_the_shared_error_shape(api_client: Any, people: Any) -> None:
    case = make_case(people)
    api_client.force_authenticate(people.kupang_case_worker)
    response = _post(api_client, "case-transition", {"target": "terminated"}, case.pk)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert "tidak dapat dipindah" in body["errors"]["target"][0]
    response = _post(api_client, "case-transition", {"target": "assessment", "expected_state": "monitoring"}, case.pk)
    assert response.status_code == 400
    assert "tidak dapat dipindah" in response.json()["errors"]["target"][0]
    assert Case.objects.get(pk=case.pk).state == "referral_received"


def test_it_refuses_a_referral_without_consent_and_accepts_one_with(api_client: Any, people: Any) -> None:
    case = make_case(people)
    api_client.force_authenticate(people.kupang_case_worker)
    body = {"case": case.pk, "service": "legal_aid", "to_organisation": people.orgs.kupang_dinsos.pk, "reason": "LBH"}
    response = _post(api_client, "referral-list", body)
    assert response.status_code == 400
    assert "persetujuan" in response.json()["errors"]["to_organisation"][0]
    consent = Consent.objects.create(
        person=case.person,
        purpose="data_sharing",
        signed_on=timezone.localdate(),
        recorded_by=people.kupang_case_worker,
    )
    consent.shared_with.add(people.orgs.kupang_dinsos)
    response = _post(api_client, "referral-list", body)
    assert response.status_code == 201
    assert response.json()["consent"] == consent.pk
    referral_id = response.json()["id"]
    response = _post(api_client, "referral-respond", {"status": "declined", "outcome_note": "Penuh"}, referral_id)
    assert response.status_code == 200
    assert response.json()["status"] == "declined"


def test_it_gives_note_text_only_to_those_who_may_read_notes(api_client: Any, people: Any) -> None:
    case = make_case(people)
    api_client.force_authenticate(people.kupang_case_worker)
    response = _post(api_client, "case-note-list", {"case": case.pk, "text": "Ancaman dari perekrut"})
    assert response.status_code == 201
    note_id = response.json()["id"]
    assert api_client.get(reverse("case-note-detail", args=[note_id])).json()["text"] == "Ancaman dari perekrut"
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(note_id)).exists()
    api_client.force_authenticate(people.kupang_program_officer)
    assert api_client.get(reverse("case-detail", args=[case.pk])).status_code == 200
    assert api_client.get(reverse("case-note-detail", args=[note_id])).status_code == 403
    api_client.force_authenticate(people.national_analyst)
    assert api_client.get(reverse("case-list")).status_code == 403


def test_it_refuses_a_decision_by_the_submitter_through_the_api(api_client: Any, people: Any) -> None:
    from bangkit.cases.services import care
    from bangkit.cases.services.cases import case_submit_for_approval, case_transition

    supervisor = people.kupang_supervisor
    case = make_case(people)
    case_transition(actor=supervisor, case=case, target="assessment")
    care.assessment_record(actor=supervisor, case=case)
    case_transition(actor=supervisor, case=case, target="intervention_plan")
    care.plan_line_add(actor=supervisor, case=case, component="vocational", description="Kue")
    approval = case_submit_for_approval(actor=supervisor, case=case, kind="plan")
    api_client.force_authenticate(supervisor)
    response = _post(api_client, "case-approval-decide", {"approve": True}, approval.pk)
    assert response.status_code == 400
    assert "tidak boleh memutuskan" in response.json()["errors"]["approve"][0]
    assert CaseApproval.objects.get(pk=approval.pk).decision == "pending"


def test_it_pages_cases_by_cursor_newest_first(api_client: Any, people: Any) -> None:
    cases = [make_case(people) for _ in range(3)]
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("case-list")).json()
    assert [item["id"] for item in body["results"]] == [case.pk for case in reversed(cases)]
    assert "next" in body
    assert "count" not in body


def test_it_forbids_a_step_to_someone_who_may_only_read_the_case(api_client: Any, people: Any) -> None:
    case = make_case(people)
    api_client.force_authenticate(people.kupang_program_officer)
    response = _post(api_client, "case-transition", {"target": "assessment"}, case.pk)
    assert response.status_code == 403
    assert "tidak berwenang" in response.json()["message"]
    assert Case.objects.get(pk=case.pk).state == "referral_received"
