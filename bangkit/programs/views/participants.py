"""The participants page of an event: who is enrolled, waiting or withdrew; searching the people who may be
enrolled and enrolling several at once; and withdrawing a participant."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ScopedViewMixin
from bangkit.programs import selectors, services
from bangkit.programs.choices import EnrolmentState
from bangkit.programs.forms import EnrolForm, PeopleSearchForm, WithdrawForm
from bangkit.programs.models import Enrolment, Event
from bangkit.programs.views.base import RecordActionView, event_permissions
from bangkit.registry.filtersets import jurisdiction_regencies, name_words_q
from bangkit.registry.models import Person

# Search results shown at once: enough to tick a village's people, few enough to read on a phone.
SEARCH_LIMIT = 50


def _search(user: Any, event: Event, text: str) -> list[Person]:
    """People who meet the event's rules and whose name begins with the words typed, as the people list finds
    them; one more than shown, so that the page can say there are more."""
    people: QuerySet[Person] = selectors.eligible_people(actor=user, event=event)
    people = people.filter(name_words_q(text, regencies=jurisdiction_regencies(user)))
    return list(people.select_related("region").order_by("full_name", "id")[: SEARCH_LIMIT + 1])


class EventParticipantsView(ScopedViewMixin, SingleObjectMixin, View):
    queryset = Event.objects.select_related("program", "region", "participant_region")
    permission = "programs.view_enrolment"
    template_name = "programs/event_participants.html"
    object: Event

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = self.get_object()
        return self._render(request, PeopleSearchForm(request.GET or None))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Enrols the people ticked: a seat each while seats last, then the waiting list; each refusal says why."""
        self.object = event = self.get_object()
        form = EnrolForm(request.POST)
        if not form.is_valid():
            for error in form["person"].errors:
                messages.error(request, str(error))
            return self._back(request)
        ids = form.cleaned_data["person"]
        # Only people the user sees are named back to them; the others count as not found.
        people = list(Person.objects.restrict(request.user, "view").filter(pk__in=ids).order_by("full_name", "id"))
        try:
            result = services.enrol_people(actor=request.user, event=event, people=people)  # type: ignore[arg-type]
        except ServiceError as refusal:
            messages.error(request, refusal.message)
            return self._back(request)
        if result.enrolled:
            count = len(result.enrolled)
            messages.success(
                request,
                ngettext(
                    "%(count)d orang terdaftar sebagai peserta.", "%(count)d orang terdaftar sebagai peserta.", count
                )
                % {"count": count},
            )
        if result.waitlisted:
            count = len(result.waitlisted)
            messages.warning(
                request,
                ngettext(
                    "%(count)d orang masuk daftar tunggu karena kapasitas penuh.",
                    "%(count)d orang masuk daftar tunggu karena kapasitas penuh.",
                    count,
                )
                % {"count": count},
            )
        for person, reason in result.refused:
            messages.error(
                request, _("%(name)s tidak didaftarkan: %(reason)s") % {"name": person.full_name, "reason": reason}
            )
        missing = len(ids) - len(people)
        if missing:
            messages.error(
                request,
                ngettext(
                    "%(count)d orang tidak ditemukan atau di luar yurisdiksi Anda.",
                    "%(count)d orang tidak ditemukan atau di luar yurisdiksi Anda.",
                    missing,
                )
                % {"count": missing},
            )
        return self._back(request)

    def _back(self, request: HttpRequest) -> HttpResponse:
        url = reverse("programs:event_participants", args=[self.object.pk])
        text = request.POST.get("q", "").strip()[:100]
        return HttpResponseRedirect(f"{url}?{urlencode({'q': text})}" if text else url)

    def _render(self, request: HttpRequest, search: PeopleSearchForm) -> HttpResponse:
        event = self.object
        user = request.user
        enrolments = list(selectors.participants(event))
        first_day = event.start_date
        enrolled = [(e, e.person.age_on(first_day)) for e in enrolments if e.state == EnrolmentState.ENROLLED]
        waiting = [e for e in enrolments if e.state == EnrolmentState.WAITLISTED]
        withdrawn = [e for e in enrolments if e.state == EnrolmentState.WITHDRAWN]
        permissions = event_permissions(user, event)
        may_search = permissions["may_enrol"] and user.has_perm("registry.view_person")
        text = search.cleaned_data.get("q", "").strip() if search.is_bound and search.is_valid() else ""
        found = _search(user, event, text) if may_search and text else []
        context = {
            "event": event,
            **permissions,
            "enrolled": enrolled,
            "waiting": waiting,
            "withdrawn": withdrawn,
            "seats_left": max(event.capacity - len(enrolled), 0),
            "rules": selectors.eligibility_rules(event),
            "may_search": may_search,
            "search": search,
            "query": text,
            "found": found[:SEARCH_LIMIT],
            "more_found": len(found) > SEARCH_LIMIT,
        }
        return render(request, self.template_name, context)


class EnrolmentWithdrawView(RecordActionView):
    """Withdraws a participant or someone waiting, with the reason; a freed seat goes to the first waiting."""

    queryset = Enrolment.objects.select_related("event", "event__program", "event__region", "person", "person__region")
    action = "change"
    form_class = WithdrawForm
    template_name = "programs/enrolment_withdraw.html"
    title = _l("Pengunduran diri peserta")
    submit_label = _l("Catat pengunduran diri")
    success_message = ""  # `perform` names who left and who took the seat

    def perform(self, form: Any) -> Any:
        enrolment: Enrolment = self.object
        promoted = services.enrolment_withdraw(
            actor=self.request.user,  # type: ignore[arg-type]
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(self.request, _("%(name)s dicatat mengundurkan diri.") % {"name": enrolment.person.full_name})
        if promoted is not None:
            messages.info(
                self.request,
                _("%(name)s dari daftar tunggu kini menjadi peserta.")
                % {"name": Person.objects.only("full_name").get(pk=promoted.person_id).full_name},
            )
        return promoted

    def get_success_url(self) -> str:
        return reverse("programs:event_participants", args=[self.object.event_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(enrolment=self.object, event=self.object.event)
        return context
