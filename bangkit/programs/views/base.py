"""What the program pages share: the form view that calls a service about one record, which buttons of an event
a user sees, and money."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l

from bangkit.core.generic import RecordFormView
from bangkit.core.scoping import holds_over
from bangkit.programs.models import Event
from bangkit.programs.services import sees_program


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
        "may_see_program": sees_program(user, event.program),
    }


class RecordActionView(RecordFormView):
    """A form about one record (an event, a program, a participant) whose valid POST calls a service.

    The record is looked up among those where the user holds `permission` (403 when held nowhere, 404 when not over
    this record's region). A refusal by the service shows on the form and nothing is saved.
    """

    template_name = "programs/action_form.html"
    title: ClassVar[str | Promise] = ""
    submit_label: ClassVar[str | Promise] = _l("Simpan")

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
