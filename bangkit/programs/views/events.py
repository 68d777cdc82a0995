"""Pages of events: the list and month calendar, the event's page, its form, cancelling it, and adding its
sessions, modules, partners and facilitators."""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Count, Prefetch, Q
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from django.views import generic

from bangkit.core.generic import ObjectDetailView, ObjectEditView, ScopedViewMixin
from bangkit.core.scoping import ScopedQuerySet
from bangkit.programs import selectors, services
from bangkit.programs.choices import AttendanceStatus, EnrolmentState
from bangkit.programs.filtersets import EventFilterSet
from bangkit.programs.forms import EventForm, EventModuleForm, FacilitatorForm, PartnerForm, SessionForm
from bangkit.programs.models import Attendance, Enrolment, Event, EventModule, EventSession
from bangkit.programs.views.base import RecordActionView, event_permissions

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# A month holds far fewer events than this in any one jurisdiction; the cap keeps a national month bounded.
CALENDAR_LIMIT = 500


@dataclass
class SessionRow:
    """A session as the event page lists it: its modules and how many came."""

    session: EventSession
    modules: list[EventModule]
    came: int
    unmarked: int

    @property
    def hours(self) -> Decimal:
        return sum((taught.hours for taught in self.modules), Decimal(0))


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    events: list[Event]


def _month(text: str, today: date) -> date:
    """The first day of `?month=2019-11`; this month when absent or malformed."""
    match = _MONTH.match(text or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def _calendar_weeks(first: date, events: list[Event], today: date) -> list[list[CalendarDay]]:
    """The month's weeks, Monday first, each day with the events held on it."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        day = max(event.start_date, weeks[0][0])
        while day <= min(event.end_date, weeks[-1][-1]):
            by_day[day].append(event)
            day += timedelta(days=1)
    return [
        [CalendarDay(day, day.month == first.month, day == today, by_day.get(day, [])) for day in week]
        for week in weeks
    ]


class EventListView(ScopedViewMixin, generic.ListView):
    """The events of the user's jurisdictions: by default those not yet ended, soonest first; `?view=calendar`
    shows one month (`&month=2019-11`) as a grid, past events included."""

    queryset = Event.objects.all()
    template_name = "programs/event_list.html"
    paginate_by = 50

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.calendar = request.GET.get("view") == "calendar"
        self.today = timezone.localdate()
        self.month = _month(request.GET.get("month", ""), self.today)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> ScopedQuerySet[Event]:
        events: Any = super().get_queryset()
        self.filterset = EventFilterSet(self.request.GET or None, queryset=events, request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return events.none()
        if self.calendar:
            last = self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])
            events = events.filter(start_date__lte=last, end_date__gte=self.month).order_by("start_date", "id")
        elif self.filterset.includes_past:
            events = events.order_by("-start_date", "-id")
        elif self.filterset.is_bound and self.filterset.form.cleaned_data.get("date_from"):
            # The date asked for replaces "not ended by today".
            events = events.filter(cancelled_on__isnull=True).order_by("start_date", "id")
        else:
            events = selectors.upcoming_events(self.request.user, today=self.today)
        if self.filterset.is_bound:
            events = self.filterset.filter_queryset(events)
        return events.select_related("program", "region", "organiser").annotate(
            participants=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED))
        )

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        if self.calendar:
            return None, None, list(queryset[:CALENDAR_LIMIT]), False
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            filterset=self.filterset,
            calendar_view=self.calendar,
            today=self.today,
            may_add=user.has_perm("programs.add_event"),
        )
        if self.calendar:
            previous_month = (self.month - timedelta(days=1)).replace(day=1)
            next_month = (self.month + timedelta(days=32)).replace(day=1)
            context.update(
                month=self.month,
                weeks=_calendar_weeks(self.month, context["object_list"], self.today),
                previous_month=f"{previous_month:%Y-%m}",
                next_month=f"{next_month:%Y-%m}",
                this_month=f"{self.today:%Y-%m}",
                truncated=len(context["object_list"]) >= CALENDAR_LIMIT,
                filter_keep=[("view", "calendar"), ("month", f"{self.month:%Y-%m}")],
            )
        return context


class EventDetailView(ObjectDetailView):
    queryset = Event.objects.select_related(
        "program", "program__organisation", "region", "region__parent", "organiser", "participant_region"
    )
    template_name = "programs/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event: Event = self.object
        sessions = list(
            event.sessions.order_by("date", "starts_at").prefetch_related(
                Prefetch("modules", queryset=EventModule.objects.select_related("module").order_by("id"))
            )
        )
        states = Counter(
            dict(Enrolment.objects.filter(event=event).values_list("state").annotate(count=Count("id")).order_by())
        )
        marks: dict[int, Counter[str]] = defaultdict(Counter)
        for session_id, status, count in (
            Attendance.objects.filter(session__event=event, enrolment__state=EnrolmentState.ENROLLED)
            .values_list("session_id", "status")
            .annotate(count=Count("id"))
            .order_by()
        ):
            marks[session_id][status] = count
        enrolled = states[EnrolmentState.ENROLLED]
        session_rows = [
            SessionRow(
                session=session,
                modules=list(session.modules.all()),
                came=marks[session.pk][AttendanceStatus.PRESENT] + marks[session.pk][AttendanceStatus.LATE],
                unmarked=enrolled - sum(marks[session.pk].values()),
            )
            for session in sessions
        ]
        context.update(
            event_permissions(self.request.user, event),
            partners=list(event.partners.select_related("organisation")),
            facilitators=list(event.facilitators.select_related("organisation")),
            sessions=session_rows,
            total_hours=sum((row.hours for row in session_rows), Decimal(0)),
            enrolled=enrolled,
            waitlisted=states[EnrolmentState.WAITLISTED],
            withdrawn=states[EnrolmentState.WITHDRAWN],
            seats_left=max(event.capacity - enrolled, 0),
            rules=selectors.eligibility_rules(event),
            ended=event.end_date < services.venue_today(event),
        )
        return context


class EventEditView(ObjectEditView):
    """Adds an event (`?program=<pk>` picks its program) or changes one; the service makes a session per day."""

    queryset = Event.objects.select_related("program", "region", "organiser", "participant_region")
    form_class = EventForm
    template_name = "programs/edit_form.html"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        program = self.request.GET.get("program", "")
        if self.object is None and program.isdigit():
            initial["program"] = int(program)
        return initial

    def save_form(self, form: BaseForm) -> Event:
        data = form.cleaned_data
        values = form.service_values()  # type: ignore[attr-defined]
        actor: Any = self.request.user
        if self.object is None:
            return services.event_save(actor=actor, program=data["program"], **values)
        # The form has already copied its values onto `self.object`; the service checks the stored record.
        stored = Event.objects.select_related("program").get(pk=self.object.pk)
        return services.event_save(actor=actor, program=data["program"], event=stored, **values)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is None:
            context["title"] = pgettext("event", "Tambah kegiatan")
        context["cancel_url"] = self.object.get_absolute_url() if self.object else reverse("programs:event_list")
        return context


class EventCancelView(RecordActionView):
    """Cancels an event that has not started taking attendance, after a confirmation."""

    queryset = Event.objects.select_related("program", "region")
    action = "change"
    form_class = forms.Form
    template_name = "programs/event_cancel.html"
    title = _l("Batalkan kegiatan")
    submit_label = _l("Ya, batalkan kegiatan")
    success_message = _l("Kegiatan dibatalkan.")

    def perform(self, form: Any) -> Any:
        return services.event_cancel(actor=self.request.user, event=self.object)  # type: ignore[arg-type]


class _EventPartView(RecordActionView):
    queryset = Event.objects.select_related("program", "region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["event"] = self.object
        return context


class EventSessionAddView(_EventPartView):
    permission = "programs.add_eventsession"
    form_class = SessionForm
    title = _l("Tambah sesi")
    success_message = _l("Sesi ditambahkan.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "event": self.object}

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.event_session_add(
            actor=self.request.user,  # type: ignore[arg-type]
            event=self.object,
            on=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
        )


class EventModuleAddView(_EventPartView):
    permission = "programs.add_eventmodule"
    form_class = EventModuleForm
    title = _l("Tambah modul yang diajarkan")
    success_message = _l("Modul ditambahkan.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "event": self.object}

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.event_module_add(
            actor=self.request.user,  # type: ignore[arg-type]
            event=self.object,
            module=data["module"],
            session=data["session"],
            hours=data["hours"],
        )


class EventPartnerAddView(_EventPartView):
    permission = "programs.add_eventpartner"
    form_class = PartnerForm
    title = _l("Tambah mitra kegiatan")
    success_message = _l("Mitra ditambahkan.")

    def perform(self, form: Any) -> Any:
        return services.event_partner_add(
            actor=self.request.user,  # type: ignore[arg-type]
            event=self.object,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        )


class EventFacilitatorAddView(_EventPartView):
    permission = "programs.add_eventfacilitator"
    form_class = FacilitatorForm
    title = _l("Tambah fasilitator atau pelatih")
    success_message = _l("Fasilitator ditambahkan.")

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.event_facilitator_add(
            actor=self.request.user,  # type: ignore[arg-type]
            event=self.object,
            name=data["name"],
            role=data["role"],
            organisation=data["organisation"],
        )
