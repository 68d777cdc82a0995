"""The API of taking part: enrolments (one person at a time; in bulk through `events/{id}/enrol/`), withdrawal,
attendance per session, and certificates.

Participants are shown by name, sex and village only. Everything of an event outside the caller's jurisdictions
answers 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.core.api import ScopedReadOnlyViewSet
from bangkit.programs import services
from bangkit.programs.api.base import (
    NewestFirstPagination,
    OldestFirstPagination,
    ServiceViewSet,
    actor,
)
from bangkit.programs.api.filters import AttendanceFilterSet, CertificateFilterSet, EnrolmentFilterSet
from bangkit.programs.api.serializers import (
    AttendanceCreateSerializer,
    AttendanceSerializer,
    AttendanceUpdateSerializer,
    CertificateSerializer,
    EnrolmentCreateSerializer,
    EnrolmentSerializer,
    RevokeSerializer,
    WithdrawalResultSerializer,
    WithdrawSerializer,
)
from bangkit.programs.models import Attendance, Certificate, Enrolment


class EnrolmentViewSet(ServiceViewSet):
    """Participants and those waiting, in the order they were enrolled (`?event=<id>&state=waitlisted`)."""

    queryset = Enrolment.objects.select_related("person__region").order_by("id")
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilterSet
    pagination_class = OldestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def _shown(self, enrolment: Enrolment) -> dict[str, Any]:
        return EnrolmentSerializer(Enrolment.objects.select_related("person__region").get(pk=enrolment.pk)).data

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enrols one person in an event: a seat if there is one, else the waiting list (`state` says which). A
        person who fails one of the event's rules is refused with it."""
        serializer = EnrolmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrol(actor=actor(request), **serializer.validated_data)
        return Response(self._shown(enrolment), status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses={200: WithdrawalResultSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Withdraws a participant (or someone waiting) with a reason; a freed seat goes to the first person on the
        waiting list (`promoted`) while the event has not ended."""
        enrolment = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promoted = services.enrolment_withdraw(actor=actor(request), enrolment=enrolment, **serializer.validated_data)
        return Response(
            {
                "withdrawn": self._shown(enrolment),
                "promoted": self._shown(promoted) if promoted is not None else None,
            }
        )


class AttendanceViewSet(ServiceViewSet):
    """Attendance marks (`?session=<id>` or `?event=<id>`). A mark is made once per person per session; a
    correction is a PATCH of that mark."""

    queryset = Attendance.objects.select_related("enrolment__person").order_by("-id")
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilterSet
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _shown(self, attendance: Attendance) -> dict[str, Any]:
        return AttendanceSerializer(Attendance.objects.select_related("enrolment__person").get(pk=attendance.pk)).data

    @extend_schema(request=AttendanceCreateSerializer, responses={201: AttendanceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Marks a participant present, late or absent in a session that has begun. A second mark for the same
        person and session is refused: change the first one instead."""
        serializer = AttendanceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        attendance = services.attendance_mark(actor=actor(request), allow_change=False, **serializer.validated_data)
        return Response(self._shown(attendance), status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendanceUpdateSerializer, responses={200: AttendanceSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Corrects a mark; its history keeps the earlier one."""
        attendance = self.get_object()
        serializer = AttendanceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        attendance = services.attendance_mark(
            actor=actor(request),
            session=attendance.session,
            enrolment=attendance.enrolment,
            status=values.get("status", attendance.status),
            source=values.get("source", attendance.source),
            allow_change=True,
        )
        return Response(self._shown(attendance))


class CertificateViewSet(ScopedReadOnlyViewSet):
    """Certificates of the events the caller may see (`?event=<id>`). They are issued per event
    (`events/{id}/issue-certificates/`) to those who completed it."""

    queryset = Certificate.objects.select_related("enrolment__person").order_by("-id")
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    pagination_class = NewestFirstPagination

    @extend_schema(request=RevokeSerializer, responses={200: CertificateSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def revoke(self, request: Request, pk: Any = None) -> Response:
        """Revokes a certificate with a reason: the public check then answers that it is no longer valid."""
        certificate = self.get_object()
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            actor=actor(request), certificate=certificate, reason=serializer.validated_data["reason"]
        )
        return Response(CertificateSerializer(certificate).data)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("attendance", AttendanceViewSet, basename="attendance")
    router.register("certificates", CertificateViewSet, basename="certificate")
