"""The livelihoods API: visits (recorded through the service), alerts (resolved through it), each person's current
risk explained, departures and enterprises. Reads narrowed to the caller's jurisdictions, writes by the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.cases.api.base import ServiceViewSet
from bangkit.core.api import ScopedReadOnlyViewSet
from bangkit.livelihoods import services
from bangkit.livelihoods.api.proposals import ProposalViewSet
from bangkit.livelihoods.api.serializers import (
    AlertResolveSerializer,
    AlertSerializer,
    EnterpriseSerializer,
    FollowUpRecordSerializer,
    FollowUpSerializer,
    PersonRiskSerializer,
    RemigrationSerializer,
)
from bangkit.livelihoods.filtersets import AlertFilterSet, EnterpriseFilterSet, FollowUpFilterSet, PersonRiskFilterSet
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, PersonRisk, Remigration


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """Follow-up visits; `?overdue=true&mine=true` is the caller's list of missed visits."""

    queryset = FollowUp.objects.order_by("due_on", "id")
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilterSet

    @extend_schema(request=FollowUpRecordSerializer, responses={200: FollowUpSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def record(self, request: Request, pk: Any = None) -> Response:
        payload = FollowUpRecordSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        values["debt_amount"] = values.get("debt_amount") or None
        visit = services.follow_up_record(actor=request.user, follow_up=self.get_object(), **values)  # type: ignore[arg-type]
        return Response(self.get_serializer(visit).data)


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.order_by("-id")
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet

    @extend_schema(request=AlertResolveSerializer, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def resolve(self, request: Request, pk: Any = None) -> Response:
        payload = AlertResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = services.alert_resolve(actor=request.user, alert=self.get_object(), **payload.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(alert).data)


class PersonRiskViewSet(ScopedReadOnlyViewSet):
    """Each person's current risk of being trafficked again, factor by factor; `?level=high` for the high ones."""

    queryset = PersonRisk.objects.order_by("-score", "id")
    serializer_class = PersonRiskSerializer
    filterset_class = PersonRiskFilterSet


class RemigrationViewSet(ServiceViewSet):
    queryset = Remigration.objects.order_by("-departed_on", "-id")
    serializer_class = RemigrationSerializer

    def perform_service_create(self, data: dict[str, Any]) -> Remigration:
        return services.remigration_record(actor=self.request.user, **data)  # type: ignore[arg-type]


class EnterpriseViewSet(ServiceViewSet):
    queryset = Enterprise.objects.prefetch_related("members").order_by("name", "id")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def perform_service_create(self, data: dict[str, Any]) -> Enterprise:
        user: Any = self.request.user
        return services.enterprise_create(actor=user, organisation=user.organisation, **data)


def register(router: BaseRouter) -> None:
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("alerts", AlertViewSet, basename="alert")
    router.register("person-risks", PersonRiskViewSet, basename="person-risk")
    router.register("departures", RemigrationViewSet, basename="departure")
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("proposals", ProposalViewSet, basename="proposal")
