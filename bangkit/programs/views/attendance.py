"""Taking attendance: the phone screen (one page for a whole session, each tap marks one person through htmx and
swaps only that row and the totals) and the page that copies a scanned paper list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ScopedViewMixin, add_errors_to_form
from bangkit.programs import services
from bangkit.programs.choices import AttendanceSource, AttendanceStatus, EnrolmentState
from bangkit.programs.forms import AttendanceMarkForm, PaperAttendanceForm
from bangkit.programs.models import Attendance, Enrolment, EventSession
from bangkit.programs.views.base import event_permissions

# The buttons of a row, in the order a thumb reaches them, with their Bootstrap colour.
BUTTONS = (
    (AttendanceStatus.PRESENT, "success"),
    (AttendanceStatus.LATE, "warning"),
    (AttendanceStatus.ABSENT, "danger"),
)


@dataclass
class AttendanceRow:
    enrolment: Enrolment
    status: str  # "" while unmarked
    error: str = ""

    @property
    def search_text(self) -> str:
        """What the screen's search box matches: the name and the village."""
        person = self.enrolment.person
        return f"{person.full_name} {person.region.name}".lower()

    @property
    def status_label(self) -> str:
        return str(AttendanceStatus(self.status).label) if self.status else ""


@dataclass
class Totals:
    present: int
    late: int
    absent: int
    unmarked: int


def _enrolled(session: EventSession) -> Any:
    return (
        Enrolment.objects.filter(event_id=session.event_id, state=EnrolmentState.ENROLLED)
        .select_related("person", "person__region")
        .order_by("person__full_name", "id")
    )


def _totals(session: EventSession, participants: int | None = None) -> Totals:
    counted = Counter(
        dict(
            Attendance.objects.filter(session=session, enrolment__state=EnrolmentState.ENROLLED)
            .values_list("status")
            .annotate(count=Count("id"))
            .order_by()
        )
    )
    if participants is None:
        participants = Enrolment.objects.filter(event_id=session.event_id, state=EnrolmentState.ENROLLED).count()
    return Totals(
        present=counted[AttendanceStatus.PRESENT],
        late=counted[AttendanceStatus.LATE],
        absent=counted[AttendanceStatus.ABSENT],
        unmarked=participants - sum(counted.values()),
    )


class _SessionMixin(ScopedViewMixin, SingleObjectMixin):
    queryset = EventSession.objects.select_related("event", "event__program", "event__region")
    object: EventSession

    def screen_url(self) -> str:
        return reverse("programs:session_attendance", args=[self.object.pk])


class SessionAttendanceView(_SessionMixin, generic.View):
    """All participants of a session on one page, for a phone held in one hand at the venue."""

    permission = "programs.view_attendance"
    http_method_names = ["get"]
    template_name = "programs/session_attendance.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = self.object = self.get_object()
        event = session.event
        marks = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
        rows = [AttendanceRow(enrolment, marks.get(enrolment.pk, "")) for enrolment in _enrolled(session)]
        counted = Counter(row.status for row in rows)
        permissions = event_permissions(request.user, event)
        context = {
            "session": session,
            "event": event,
            "rows": rows,
            "totals": Totals(
                present=counted[AttendanceStatus.PRESENT],
                late=counted[AttendanceStatus.LATE],
                absent=counted[AttendanceStatus.ABSENT],
                unmarked=counted[""],
            ),
            "buttons": BUTTONS,
            "sessions": list(event.sessions.order_by("date", "starts_at")),
            "not_yet": session.date > services.venue_today(event),
            **permissions,
            "may_mark": permissions["may_take_attendance"],
        }
        return render(request, self.template_name, context)


class AttendanceMarkView(_SessionMixin, generic.View):
    """One tap: marks one participant and answers with their row and the session's totals (htmx), or goes back
    to the screen (a browser without JavaScript)."""

    permission = "programs.add_attendance"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = self.object = self.get_object()
        form = AttendanceMarkForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Permintaan tidak valid."))
        enrolment = (
            Enrolment.objects.filter(event_id=session.event_id, pk=form.cleaned_data["enrolment"])
            .select_related("person", "person__region")
            .first()
        )
        if enrolment is None:
            raise Http404
        status = form.cleaned_data["status"]
        error = ""
        try:
            services.attendance_mark(
                actor=request.user,  # type: ignore[arg-type]
                session=session,
                enrolment=enrolment,
                status=status,
                source=AttendanceSource.PHONE,
                allow_change=True,
            )
        except ServiceError as refusal:
            error = refusal.message
        if not getattr(request, "htmx", False):
            if error:
                messages.error(request, f"{enrolment.person.full_name}: {error}")
            return HttpResponseRedirect(f"{self.screen_url()}#enrolment-{enrolment.pk}")
        stored = Attendance.objects.filter(session=session, enrolment=enrolment).values_list("status", flat=True)
        row = AttendanceRow(enrolment, stored.first() or "", error)
        context = {
            "session": session,
            "row": row,
            "buttons": BUTTONS,
            "may_mark": True,
            "totals": _totals(session),
            "out_of_band": True,
        }
        return render(request, "programs/_attendance_row.html", context)


class PaperAttendanceView(_SessionMixin, generic.FormView):
    """Copies the signed paper list of a session: every participant with a status, absent unless changed."""

    permission = "programs.add_attendance"
    template_name = "programs/session_attendance_paper.html"
    form_class = PaperAttendanceForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        marks = dict(Attendance.objects.filter(session=self.object).values_list("enrolment_id", "status"))
        return {**super().get_form_kwargs(), "enrolments": list(_enrolled(self.object)), "current": marks}

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            count = services.attendance_from_paper(
                actor=self.request.user,  # type: ignore[arg-type]
                session=self.object,
                marks=form.marks(),
            )
        except ServiceError as refusal:
            add_errors_to_form(form, refusal)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Kehadiran %(count)d peserta dicatat dari daftar hadir kertas.",
                "Kehadiran %(count)d peserta dicatat dari daftar hadir kertas.",
                count,
            )
            % {"count": count},
        )
        return HttpResponseRedirect(self.screen_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session = self.object
        context.update(
            session=session,
            event=session.event,
            not_yet=session.date > services.venue_today(session.event),
            **event_permissions(self.request.user, session.event),
        )
        return context
