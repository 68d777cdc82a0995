"""The API of planning: programs with their partners, the module catalogue, events with what is planned for them
(sessions, modules, partners, facilitators), enrolling people in bulk, the event report and completion.

Reads are narrowed to the caller's jurisdictions (an event answers 404 outside them); every write goes through the
same services as the pages. A refused step answers 400 with the reason, a step the caller may not take 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from bangkit.programs import selectors, services
from bangkit.programs.api.base import ServiceViewSet, actor
from bangkit.programs.api.filters import EventFilterSet, EventSessionFilterSet
from bangkit.programs.api.serializers import (
    CertificateSerializer,
    CompletionSerializer,
    EnrolPeopleResultSerializer,
    EnrolPeopleSerializer,
    EventDetailSerializer,
    EventFacilitatorSerializer,
    EventModuleSerializer,
    EventPartnerSerializer,
    EventReportSerializer,
    EventSerializer,
    EventSessionSerializer,
    EventWriteSerializer,
    FacilitatorAddSerializer,
    ModuleAddSerializer,
    ModuleSerializer,
    PartnerAddSerializer,
    ProgramPartnerSerializer,
    ProgramSerializer,
    ProgramWriteSerializer,
    SessionAddSerializer,
)
from bangkit.programs.choices import EnrolmentState
from bangkit.programs.filtersets import ModuleFilterSet, ProgramFilterSet
from bangkit.programs.models import (
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
from bangkit.registry.models import Person


class ModuleViewSet(ScopedModelViewSet):
    """The catalogue of modules taught at events (national reference data: not placed in any region)."""

    queryset = Module.objects.order_by("name", "id")
    serializer_class = ModuleSerializer
    filterset_class = ModuleFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]


class ProgramViewSet(ServiceViewSet):
    """Programs in the caller's jurisdictions, with their partner organisations."""

    queryset = (
        Program.objects.select_related("organisation", "region")
        .prefetch_related(
            Prefetch("partners", queryset=ProgramPartner.objects.select_related("organisation").order_by("role", "id"))
        )
        .order_by("-year", "name", "id")
    )
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilterSet

    def _shown(self, program: Program) -> dict[str, Any]:
        return ProgramSerializer(self.get_queryset().get(pk=program.pk), context=self.get_serializer_context()).data

    @extend_schema(request=ProgramWriteSerializer, responses={201: ProgramSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProgramWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        program = services.program_save(actor=actor(request), **serializer.validated_data)
        return Response(self._shown(program), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgramWriteSerializer, responses={200: ProgramSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        serializer = ProgramWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        program = services.program_save(actor=actor(request), program=program, **serializer.validated_data)
        return Response(self._shown(program))

    @extend_schema(request=PartnerAddSerializer, responses={201: ProgramPartnerSerializer})
    @action(detail=True, methods=["post"], url_path="add-partner", permission_action="view")
    def add_partner(self, request: Request, pk: Any = None) -> Response:
        """Adds a partner organisation in a role (organiser, co-organiser, venue, trainer, funder)."""
        program = self.get_object()
        serializer = PartnerAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        partner = services.program_partner_add(actor=actor(request), program=program, **serializer.validated_data)
        return Response(ProgramPartnerSerializer(partner).data, status=status.HTTP_201_CREATED)


def _with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED)),
        waitlisted_count=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.WAITLISTED)),
    )


def _with_plan(events: QuerySet[Event]) -> QuerySet[Event]:
    """Events with what the detail shows: sessions, modules, partners and facilitators (four queries in all)."""
    return (
        events.prefetch_related(Prefetch("sessions", queryset=EventSession.objects.order_by("date", "starts_at")))
        .prefetch_related(
            Prefetch("modules", queryset=EventModule.objects.select_related("module").order_by("session__date", "id"))
        )
        .prefetch_related(
            Prefetch("partners", queryset=EventPartner.objects.select_related("organisation").order_by("role", "id"))
        )
        .prefetch_related(
            Prefetch(
                "facilitators",
                queryset=EventFacilitator.objects.select_related("organisation").order_by("role", "name"),
            )
        )
    )


class EventViewSet(ServiceViewSet):
    """Events held in the caller's jurisdictions (`?upcoming=true`: those not yet over), with their seats; one
    event in full with its sessions, modules, partners, facilitators and enrolment rules."""

    queryset = _with_seats(
        Event.objects.select_related("program", "region", "organiser", "participant_region")
    ).order_by("-start_date", "-id")
    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def get_serializer_class(self) -> type[EventSerializer]:
        return EventSerializer if self.action == "list" else EventDetailSerializer

    def get_queryset(self) -> QuerySet[Event]:
        events = super().get_queryset()
        return _with_plan(events) if self.action == "retrieve" else events

    def _shown(self, event: Event) -> dict[str, Any]:
        shown = _with_plan(self.get_queryset()).get(pk=event.pk)
        return EventDetailSerializer(shown, context=self.get_serializer_context()).data

    @extend_schema(request=EventWriteSerializer, responses={201: EventDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plans an event of a program; its sessions are made one per day at the daily times."""
        serializer = EventWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event = services.event_save(actor=actor(request), **serializer.validated_data)
        return Response(self._shown(event), status=status.HTTP_201_CREATED)

    @extend_schema(request=EventWriteSerializer, responses={200: EventDetailSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Changes an event. New dates add the new days' sessions and drop those outside, unless attendance was
        taken in them."""
        event = self.get_object()
        serializer = EventWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        program = values.pop("program", event.program)
        event = services.event_save(actor=actor(request), program=program, event=event, **values)
        return Response(self._shown(event))

    @extend_schema(request=None, responses={200: EventDetailSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Cancels an event that has not started taking attendance."""
        event = services.event_cancel(actor=actor(request), event=self.get_object())
        return Response(self._shown(event))

    @extend_schema(request=SessionAddSerializer, responses={201: EventSessionSerializer})
    @action(detail=True, methods=["post"], url_path="add-session", permission_action="view")
    def add_session(self, request: Request, pk: Any = None) -> Response:
        """Adds a further session (e.g. an afternoon) on one of the event's days."""
        event = self.get_object()
        serializer = SessionAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        session = services.event_session_add(actor=actor(request), event=event, on=values.pop("date"), **values)
        return Response(EventSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ModuleAddSerializer, responses={201: EventModuleSerializer})
    @action(detail=True, methods=["post"], url_path="add-module", permission_action="view")
    def add_module(self, request: Request, pk: Any = None) -> Response:
        """Teaches a module of the catalogue in one of the event's sessions (the first unless named)."""
        event = self.get_object()
        serializer = ModuleAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        taught = services.event_module_add(actor=actor(request), event=event, **serializer.validated_data)
        return Response(EventModuleSerializer(taught).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PartnerAddSerializer, responses={201: EventPartnerSerializer})
    @action(detail=True, methods=["post"], url_path="add-partner", permission_action="view")
    def add_partner(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        serializer = PartnerAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        partner = services.event_partner_add(actor=actor(request), event=event, **serializer.validated_data)
        return Response(EventPartnerSerializer(partner).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FacilitatorAddSerializer, responses={201: EventFacilitatorSerializer})
    @action(detail=True, methods=["post"], url_path="add-facilitator", permission_action="view")
    def add_facilitator(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        serializer = FacilitatorAddSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        facilitator = services.event_facilitator_add(actor=actor(request), event=event, **serializer.validated_data)
        return Response(EventFacilitatorSerializer(facilitator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnrolPeopleSerializer, responses={200: EnrolPeopleResultSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def enrol(self, request: Request, pk: Any = None) -> Response:
        """Enrols people by id, in the order given: a seat while there is one, then the waiting list. Each person
        who may not be enrolled is refused with the rule they fail, the others are still enrolled. A person the
        caller may not see is refused as not found, named only by the id sent."""
        event = self.get_object()
        serializer = EnrolPeopleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids: list[int] = serializer.validated_data["people"]
        visible = Person.objects.restrict(actor(request), "view").in_bulk(ids)
        result = services.enrol_people(
            actor=actor(request), event=event, people=[visible[pk] for pk in ids if pk in visible]
        )
        shown = {
            enrolment.pk: enrolment
            for enrolment in Enrolment.objects.select_related("person__region").filter(
                pk__in=[enrolment.pk for enrolment in (*result.enrolled, *result.waitlisted)]
            )
        }
        body = {
            "enrolled": [shown[enrolment.pk] for enrolment in result.enrolled],
            "waitlisted": [shown[enrolment.pk] for enrolment in result.waitlisted],
            "refused": _refusals(ids, visible, result),
        }
        return Response(EnrolPeopleResultSerializer(body).data)

    @extend_schema(responses={200: EventReportSerializer})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: Any = None) -> Response:
        """Figures without names: participants by sex, age band and village, attendance per session, modules."""
        return Response(EventReportSerializer(selectors.event_report(self.get_object())).data)

    @extend_schema(responses={200: CompletionSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def completion(self, request: Request, pk: Any = None) -> Response:
        """Per enrolled participant (by enrolment id): module hours of the sessions attended, the percent of the
        event's hours, and whether that reaches the event's pass mark."""
        progress = selectors.completion(self.get_object())
        rows = [
            {
                "enrolment": enrolment_id,
                "attended_sessions": item.attended_sessions,
                "attended_hours": item.attended_hours,
                "total_hours": item.total_hours,
                "percent": item.percent,
                "completed": item.completed,
            }
            for enrolment_id, item in sorted(progress.items())
        ]
        return Response(CompletionSerializer(rows, many=True).data)

    @extend_schema(request=None, responses={200: CertificateSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        url_path="issue-certificates",
        permission_action="view",
        filter_backends=[],
        pagination_class=None,
    )
    def issue_certificates(self, request: Request, pk: Any = None) -> Response:
        """Issues a certificate to every participant who completed the event and has none yet; answers the new
        ones (none when everyone who completed has one)."""
        issued = services.certificates_issue(actor=actor(request), event=self.get_object())
        certificates = Certificate.objects.select_related("enrolment__person").filter(
            code__in=[certificate.code for certificate in issued]
        )
        return Response(CertificateSerializer(certificates.order_by("id"), many=True).data)


def _refusals(ids: list[int], visible: dict[int, Person], result: services.EnrolmentResult) -> list[dict[str, Any]]:
    """Each id sent that was neither enrolled nor put on the waiting list, in the order sent, with the reason.

    The service decides about the people it was given in their order, so its refusals line up with the visible
    ids that were not placed; the first mention of a person is the one placed. Ids of people the caller may not
    see are refused here, with nothing but the id.
    """
    placed = {enrolment.person_id for enrolment in (*result.enrolled, *result.waitlisted)}
    refusals = iter(result.refused)
    answer = []
    for pk in ids:
        if pk not in visible:
            answer.append({"person": pk, "reason": _("Orang ini tidak ditemukan atau di luar yurisdiksi Anda.")})
        elif pk in placed:
            placed.discard(pk)
        else:
            answer.append({"person": pk, "reason": next(refusals)[1]})
    return answer


class EventSessionViewSet(ScopedReadOnlyViewSet):
    """The sessions of the events the caller may see (`?event=<id>`): attendance is taken per session."""

    queryset = EventSession.objects.order_by("event_id", "date", "starts_at", "id")
    serializer_class = EventSessionSerializer
    filterset_class = EventSessionFilterSet


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("programs", ProgramViewSet, basename="program")
    router.register("modules", ModuleViewSet, basename="module")
    router.register("events", EventViewSet, basename="event")
    router.register("event-sessions", EventSessionViewSet, basename="eventsession")
