"""The API of the work inside a case: assessments, plan lines, services, referrals, notes and tasks.

Each list is narrowed to the cases where the caller holds that record type's view permission: a program officer,
who may see cases but not their notes or assessments, gets 403 on those lists.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.audit.history import record_access
from bangkit.cases.api.base import ServiceViewSet
from bangkit.cases.api.serializers import (
    AssessmentSerializer,
    CaseNoteSerializer,
    PlanLineSerializer,
    ReferralResponseSerializer,
    ReferralSerializer,
    ServiceDeliverySerializer,
    TaskSerializer,
)
from bangkit.cases.filtersets import (
    AssessmentFilterSet,
    CaseNoteFilterSet,
    PlanLineFilterSet,
    ReferralFilterSet,
    ServiceDeliveryFilterSet,
    TaskFilterSet,
)
from bangkit.cases.models import Assessment, CaseNote, PlanLine, Referral, ServiceDelivery, Task
from bangkit.cases.services import care
from bangkit.cases.services.care import Checked


class AssessmentViewSet(ServiceViewSet):
    """Assessments, a series per case (`sequence`). Reading one, with its encrypted notes, is logged."""

    queryset = Assessment.objects.prefetch_related("needs", "risk_factors").order_by("case_id", "sequence")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        record_access(request, assessment)
        return Response(self.get_serializer(assessment).data)

    def perform_service_create(self, data: dict[str, Any]) -> Assessment:
        needs = {item["component"]: Checked(item["needed"], item.get("note", "")) for item in data.pop("needs", [])}
        risks = {
            item["factor"]: Checked(item["present"], item.get("note", "")) for item in data.pop("risk_factors", [])
        }
        return care.assessment_record(
            actor=self.request.user,  # type: ignore[arg-type]
            needs=needs,
            risk_factors=risks,
            **data,
        )


class PlanLineViewSet(ServiceViewSet):
    queryset = PlanLine.objects.order_by("case_id", "due_on", "id")
    serializer_class = PlanLineSerializer
    filterset_class = PlanLineFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_service_create(self, data: dict[str, Any]) -> PlanLine:
        data.pop("status", None)
        return care.plan_line_add(actor=self.request.user, **data)  # type: ignore[arg-type]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self.get_object()
        serializer = self.get_serializer(line, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {
            "component": line.component,
            "description": line.description,
            "responsible_organisation": line.responsible_organisation,
            "due_on": line.due_on,
            "status": line.status,
        }
        data.update({key: value for key, value in serializer.validated_data.items() if key in data})
        line = care.plan_line_update(actor=request.user, plan_line=line, **data)  # type: ignore[arg-type]
        return Response(self.get_serializer(line).data)


class ServiceDeliveryViewSet(ServiceViewSet):
    queryset = ServiceDelivery.objects.order_by("case_id", "-delivered_on", "-id")
    serializer_class = ServiceDeliverySerializer
    filterset_class = ServiceDeliveryFilterSet

    def perform_service_create(self, data: dict[str, Any]) -> ServiceDelivery:
        return care.service_record(actor=self.request.user, **data)  # type: ignore[arg-type]


class ReferralViewSet(ServiceViewSet):
    """Referrals out. Without the person's consent to share data with the destination a referral is refused,
    unless a supervisor gives `override_reason`."""

    queryset = Referral.objects.order_by("case_id", "-referred_on", "-id")
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet

    def perform_service_create(self, data: dict[str, Any]) -> Referral:
        return care.referral_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    @extend_schema(request=ReferralResponseSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def respond(self, request: Request, pk: Any = None) -> Response:
        """Records the destination's answer: accepted, declined or done."""
        referral = self.get_object()
        serializer = ReferralResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = care.referral_respond(actor=request.user, referral=referral, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(ReferralSerializer(referral, context=self.get_serializer_context()).data)


class CaseNoteViewSet(ServiceViewSet):
    """Encrypted case notes, in clear for holders of `cases.view_casenote` over the case. Reading one is logged."""

    queryset = CaseNote.objects.select_related("author").order_by("case_id", "-created_at", "-id")
    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilterSet

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        note = self.get_object()
        record_access(request, note)
        return Response(self.get_serializer(note).data)

    def perform_service_create(self, data: dict[str, Any]) -> CaseNote:
        return care.note_add(actor=self.request.user, **data)  # type: ignore[arg-type]


class TaskViewSet(ServiceViewSet):
    """Tasks with due dates; `?mine=true&overdue=true` is the caller's overdue list."""

    queryset = Task.objects.order_by("due_on", "id")
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet

    def perform_service_create(self, data: dict[str, Any]) -> Task:
        return care.task_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    @extend_schema(request=None, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def complete(self, request: Request, pk: Any = None) -> Response:
        task = care.task_complete(actor=request.user, task=self.get_object())  # type: ignore[arg-type]
        return Response(self.get_serializer(task).data)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("plan-lines", PlanLineViewSet, basename="plan-line")
    router.register("case-services", ServiceDeliveryViewSet, basename="case-service")
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("case-notes", CaseNoteViewSet, basename="case-note")
    router.register("tasks", TaskViewSet, basename="task")
