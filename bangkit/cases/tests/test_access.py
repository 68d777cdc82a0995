"""Generated authorization tests for every case record shown by a page or the API (see core/testing/cases.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bangkit.cases.models import (
    Assessment,
    Case,
    CaseApproval,
    CaseEvent,
    CaseNote,
    PlanLine,
    Referral,
    ServiceDelivery,
    Task,
)
from bangkit.cases.services import care
from bangkit.cases.services.cases import case_submit_for_approval, case_transition
from bangkit.cases.testing import CASE_WORKERS, make_case
from bangkit.core.testing.cases import ScopedModelTests


def _worker(people: Any, place: str) -> Any:
    return getattr(people, CASE_WORKERS[place])


class TestCaseAccess(ScopedModelTests):
    model = Case
    permitted_user = "kupang_case_worker"
    reader_user = "kupang_program_officer"
    list_url = "cases:case_list"
    detail_url = "cases:case_detail"
    edit_url = "cases:case_edit"
    api_list_url = "case-list"
    api_detail_url = "case-detail"
    api_writes = {"patch"}
    list_queries = 7

    def make(self, people: Any, place: str) -> Case:
        return make_case(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"priority": "urgent"}


class TestCaseApprovalAccess(ScopedModelTests):
    model = CaseApproval
    permitted_user = "kupang_supervisor"
    reader_user = "kupang_case_worker"  # sees approvals, does not decide them
    list_url = "cases:approval_list"
    detail_url = "cases:approval_detail"
    edit_url = "cases:approval_detail"  # the decision form
    api_list_url = "case-approval-list"
    api_detail_url = "case-approval-detail"
    api_writes = ()
    list_queries = 7

    def make(self, people: Any, place: str) -> CaseApproval:
        worker = _worker(people, place)
        case = make_case(people, place)
        case_transition(actor=worker, case=case, target="assessment")
        care.assessment_record(actor=worker, case=case)
        case_transition(actor=worker, case=case, target="intervention_plan")
        care.plan_line_add(actor=worker, case=case, component="family_support", description="Mediasi keluarga")
        return case_submit_for_approval(actor=worker, case=case, kind="plan")

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"approve": "1"}


class TestCaseEventAccess(ScopedModelTests):
    model = CaseEvent
    permitted_user = "kupang_case_worker"
    edit_url = None  # no page changes it
    api_list_url = "case-event-list"
    api_detail_url = "case-event-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> CaseEvent:
        return make_case(people, place).events.get(kind="opened")


class TestAssessmentAccess(ScopedModelTests):
    model = Assessment
    permitted_user = "kupang_case_worker"
    detail_url = "cases:assessment_detail"
    edit_url = None
    api_list_url = "assessment-list"
    api_detail_url = "assessment-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Assessment:
        return care.assessment_record(actor=_worker(people, place), case=make_case(people, place))


class TestPlanLineAccess(ScopedModelTests):
    model = PlanLine
    permitted_user = "kupang_case_worker"
    edit_url = "cases:plan_line_edit"
    api_list_url = "plan-line-list"
    api_detail_url = "plan-line-detail"
    api_writes = {"patch"}

    def make(self, people: Any, place: str) -> PlanLine:
        return care.plan_line_add(
            actor=_worker(people, place), case=make_case(people, place), component="vocational", description="Kue"
        )

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"description": "Kue kering"}


class TestServiceDeliveryAccess(ScopedModelTests):
    model = ServiceDelivery
    permitted_user = "kupang_case_worker"
    edit_url = None  # no page changes it
    api_list_url = "case-service-list"
    api_detail_url = "case-service-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> ServiceDelivery:
        return care.service_record(
            actor=_worker(people, place), case=make_case(people, place), kind="counselling", component="therapy"
        )


class TestReferralAccess(ScopedModelTests):
    model = Referral
    permitted_user = "kupang_case_worker"
    edit_url = "cases:referral_respond"
    api_list_url = "referral-list"
    api_detail_url = "referral-detail"
    api_writes = ()  # answers go through POST .../respond/

    def make(self, people: Any, place: str) -> Referral:
        supervisor = people.kupang_supervisor if place == "kupang" else people.indramayu_supervisor
        return care.referral_create(
            actor=supervisor,
            case=make_case(people, place),
            service="health",
            to_name="Puskesmas Tarus",
            reason="Pemeriksaan kesehatan",
            override_reason="Belum sempat menandatangani; pemeriksaan mendesak",
        )

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"status": "accepted"}


class TestCaseNoteAccess(ScopedModelTests):
    model = CaseNote
    permitted_user = "kupang_case_worker"
    edit_url = None  # no page changes it
    api_list_url = "case-note-list"
    api_detail_url = "case-note-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> CaseNote:
        return care.note_add(actor=_worker(people, place), case=make_case(people, place), text="Kunjungan rumah.")


class TestTaskAccess(ScopedModelTests):
    model = Task
    permitted_user = "kupang_case_worker"
    edit_url = "cases:task_complete"
    api_list_url = "task-list"
    api_detail_url = "task-detail"
    api_writes = ()  # completed through POST .../complete/

    def make(self, people: Any, place: str) -> Task:
        return care.task_create(
            actor=_worker(people, place),
            case=make_case(people, place),
            title="Kunjungan rumah",
            due_on=timezone.localdate() + timedelta(days=3),
        )

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {}
