"""The case API: cases (list, read, open, correct), workflow steps, approvals and the timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.accounts.roles import APPROVE_CASE
from bangkit.audit.history import record_access
from bangkit.cases.api.base import NewestFirstPagination, ServiceViewSet
from bangkit.cases.api.serializers import (
    CaseApprovalSerializer,
    CaseCreateSerializer,
    CaseEventSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    DecisionSerializer,
    SubmitSerializer,
    TransitionSerializer,
)
from bangkit.cases.filtersets import CaseApprovalFilterSet, CaseEventFilterSet, CaseFilterSet
from bangkit.cases.models import Case, CaseApproval, CaseEvent
from bangkit.cases.services import cases as services
from bangkit.core.api import ScopedReadOnlyViewSet


class CaseViewSet(ServiceViewSet):
    """Cases inside the caller's jurisdictions, newest first (cursor pages). Opening, correcting and moving a case
    go through the same services as the pages; a refused step answers 400 with the reason."""

    queryset = Case.objects.select_related("person", "organisation", "case_worker", "region").order_by("-id")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        record_access(request, case)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CaseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        case = services.case_open(actor=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseUpdateSerializer, responses={200: CaseSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        serializer = CaseUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor: Any = request.user
        with transaction.atomic():
            if "priority" in data or "referral_source" in data:
                case = services.case_update(
                    actor=actor, case=case, priority=data.get("priority"), referral_source=data.get("referral_source")
                )
            if "case_worker" in data:
                case = services.case_assign(actor=actor, case=case, case_worker=data["case_worker"])
        return Response(CaseSerializer(case).data)

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Takes one step of the workflow that needs no approval (e.g. to monitoring, closed with a reason,
        reopened by a supervisor). Steps that need a supervisor's approval are refused: submit them instead."""
        case = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_transition(actor=request.user, case=case, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(CaseSerializer(case).data)

    @extend_schema(request=SubmitSerializer, responses={201: CaseApprovalSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submits the intervention plan or the termination for a supervisor's approval."""
        case = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approval = services.case_submit_for_approval(actor=request.user, case=case, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(CaseApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)


class CaseApprovalViewSet(ScopedReadOnlyViewSet):
    """Approval requests of the cases the caller may see; supervisors decide them (never their own)."""

    queryset = CaseApproval.objects.select_related("case").order_by("-submitted_at", "-id")
    serializer_class = CaseApprovalSerializer
    filterset_class = CaseApprovalFilterSet
    permission_action: str | None = None

    @extend_schema(request=DecisionSerializer, responses={200: CaseApprovalSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def decide(self, request: Request, pk: Any = None) -> Response:
        """Approves (the case takes the step) or returns the request with a note. Needs `cases.approve_case`
        over the case's region; whoever submitted the request may not decide it."""
        if not request.user.has_perm(APPROVE_CASE):
            raise exceptions.PermissionDenied()
        approval = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approval = services.approval_decide(actor=request.user, approval=approval, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(CaseApprovalSerializer(approval).data)


class CaseEventViewSet(ScopedReadOnlyViewSet):
    """The timelines of the cases the caller may see: what happened, when and by whom (`?case=<id>`)."""

    queryset = CaseEvent.objects.select_related("actor").order_by("case_id", "at", "id")
    serializer_class = CaseEventSerializer
    filterset_class = CaseEventFilterSet


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("case-approvals", CaseApprovalViewSet, basename="case-approval")
    router.register("case-events", CaseEventViewSet, basename="case-event")
