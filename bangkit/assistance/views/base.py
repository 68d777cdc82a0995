"""What the assistance pages share: the form view that calls a service about one record, the buttons of a tranche
a user sees, and the addresses of schemes and tranches (the models have no `get_absolute_url`)."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l

from bangkit.assistance.choices import SchemeKind, TrancheState
from bangkit.assistance.models import Scheme, Tranche
from bangkit.assistance.workflow import STEPS
from bangkit.core.generic import RecordFormView
from bangkit.core.scoping import holds_over


def scheme_url(scheme: Scheme | int) -> str:
    return reverse("assistance:scheme_detail", args=[scheme.pk if isinstance(scheme, Scheme) else scheme])


def tranche_url(tranche: Tranche | int) -> str:
    return reverse("assistance:tranche_detail", args=[tranche.pk if isinstance(tranche, Tranche) else tranche])


def tranche_actions(user: Any, tranche: Tranche) -> dict[str, bool]:
    """Which buttons of a tranche the user sees: the workflow steps open in its state that the user's grants over
    the scheme's region allow. The services decide again on every POST."""
    region = tranche.scheme.region_id
    cash = tranche.scheme.kind == SchemeKind.CASH

    def may(step: str) -> bool:
        return tranche.state in STEPS[step].source and holds_over(user, STEPS[step].permission, region)

    own = user.pk in (tranche.prepared_by_id, tranche.approved_by_id)
    return {
        "may_fill": may("prepare"),
        "may_submit": may("submit"),
        "may_return": may("return"),
        "may_approve": may("approve") and not own,
        "approve_is_own": may("approve") and own,
        "may_send": cash and (may("send") or may("resend")),
        "may_import": cash and may("record_results"),
        "may_hand_over": not cash and may("hand_over"),
        "may_attach_receipt": not cash and may("attach_receipt"),
        "may_close": may("close"),
        "may_cancel": may("cancel"),
        # One person taken out: from a draft by its preparer, later (approved, or failed at the bank) by an approver.
        "may_cancel_drafted": may("prepare"),
        "may_cancel_approved": may("cancel_entitlement"),
        "may_reinstate": may("prepare"),
        "may_reissue": cash and may("resend"),
        "may_record_payments": cash and may("record_results"),
        "may_download": holds_over(user, STEPS["send"].permission, region),
        "second_approval_pending": tranche.state == TrancheState.SUBMITTED and tranche.approved_by_id is not None,
    }


class AssistanceActionView(RecordFormView):
    """A form about one record (a scheme, a tranche, an entitlement, a payment) whose valid POST calls a service.

    The record is looked up among those where the user holds `permission` (403 when held nowhere, 404 when not
    over this record's region). A refusal by the service shows on the form and nothing is saved.
    """

    template_name = "assistance/action_form.html"
    title: ClassVar[str | Promise] = ""
    submit_label: ClassVar[str | Promise] = _l("Simpan")
    submit_class: ClassVar[str] = "btn-primary"
    # Approving and sending money ask for the password (or second factor) again unless it was entered recently;
    # allauth replays the suspended POST afterwards.
    reauthenticate: ClassVar[bool] = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.reauthenticate:
            return super().post(request, *args, **kwargs)
        self.object = self.get_object()  # 404 before asking anyone for a password
        confirmed: Any = reauthentication_required(super().post)
        response: HttpResponse = confirmed(request, *args, **kwargs)
        return response

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_title(self) -> str:
        return str(self.title)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            submit_label=str(self.submit_label),
            submit_class=self.submit_class,
            cancel_url=self.get_success_url(),
            record=self.object,
        )
        return context


class TrancheStepView(AssistanceActionView):
    """One workflow step of a tranche, under the step's permission (`workflow.STEPS`)."""

    queryset = Tranche.objects.select_related("scheme", "scheme__region", "prepared_by", "approved_by")
    form_class: Any = None

    def get_success_url(self) -> str:
        return tranche_url(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tranche"] = self.object
        return context
