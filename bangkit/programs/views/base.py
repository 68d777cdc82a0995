"""What the program pages share: the form view that calls a service about one record, which buttons of an event
a user sees, and money."""

from __future__ import annotations

from typing import Any, ClassVar

from babel.numbers import format_decimal
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ScopedViewMixin, add_errors_to_form
from bangkit.programs.models import Event
from bangkit.programs.services import holds_over


def rupiah(amount: int | None) -> str:
    """900000 → `Rp 900.000`, grouped as in Indonesian (Babel, id_ID)."""
    if amount is None:
        return "-"
    return f"Rp {format_decimal(amount, locale='id_ID')}"


def event_permissions(user: Any, event: Event) -> dict[str, bool]:
    """Which buttons of an event the user sees: each action they may take over the event's region."""
    region = event.region_id
    open_event = event.cancelled_on is None

    def may(permission: str) -> bool:
        return holds_over(user, permission, region)

    return {
        "may_change": may("programs.change_event") and open_event,
        "may_add_session": may("programs.add_eventsession") and open_event,
        "may_add_module": may("programs.add_eventmodule") and open_event,
        "may_add_partner": may("programs.add_eventpartner"),
        "may_add_facilitator": may("programs.add_eventfacilitator"),
        "may_enrol": may("programs.add_enrolment") and open_event,
        "may_withdraw": may("programs.change_enrolment"),
        "may_see_participants": may("programs.view_enrolment"),
        "may_take_attendance": may("programs.add_attendance") and open_event,
        "may_see_attendance": may("programs.view_attendance"),
        "may_issue_certificates": may("programs.add_certificate") and open_event,
        "may_revoke_certificates": may("programs.change_certificate"),
        "may_see_program": holds_over(user, "programs.view_program", event.program.region_id),
    }


class RecordActionView(ScopedViewMixin, SingleObjectMixin, generic.FormView):
    """A form about one record (an event, a program, a participant) whose valid POST calls a service.

    The record is looked up among those where the user holds `permission` (403 when held nowhere, 404 when not over
    this record's region). A refusal by the service shows on the form and nothing is saved.
    """

    template_name = "programs/action_form.html"
    title: ClassVar[str | Promise] = ""
    submit_label: ClassVar[str | Promise] = _l("Simpan")
    success_message: ClassVar[str | Promise] = _l("Tersimpan.")
    object: Any

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                self.perform(form)
        except (ServiceError, ValidationError) as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(request, str(self.success_message))
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return str(self.object.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=str(self.title),
            submit_label=str(self.submit_label),
            cancel_url=self.get_success_url(),
            record=self.object,
        )
        return context
