"""Pages of the livelihoods app: the worklist, a person's follow-up tab (risk explained factor by factor, its trend,
alerts, visits, departures, businesses), the visit form a case worker fills in on a phone, enterprises, and the
risk weights an administrator sets."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import generic
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView, ObjectListView, RecordFormView, add_errors_to_form
from bangkit.core.scoping import holds_over
from bangkit.livelihoods import risk, selectors, services
from bangkit.livelihoods.choices import EnterpriseForm as BusinessForm
from bangkit.livelihoods.choices import FollowUpState, RiskFactor
from bangkit.livelihoods.filtersets import EnterpriseFilterSet, FollowUpFilterSet
from bangkit.livelihoods.forms import (
    AlertResolveForm,
    EnterpriseCreateForm,
    EnterpriseJoinForm,
    EnterpriseStatusForm,
    FollowUpForm,
    RemigrationForm,
    RiskWeightsForm,
)
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, RescoreRun, RiskWeight
from bangkit.registry.models import Person
from bangkit.registry.selectors.details import holds_on_person, visible_person

VIEW_FOLLOW_UP = "livelihoods.view_followup"


def person_tab_url(person_id: int) -> str:
    return reverse("registry:person_detail", args=[person_id]) + "?tab=follow_up"


# --- worklist ----------------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class WorklistView(LoginRequiredMixin, generic.TemplateView):
    template_name = "livelihoods/worklist.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sections"] = selectors.worklist(self.request.user)
        return context


# --- a person's tab ----------------------------------------------------------------------------------------------


@require_GET
@login_required
def person_follow_up(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The fragment htmx loads into the person's page, or a whole page for a plain request."""
    user: Any = request.user
    if not user.has_perm(VIEW_FOLLOW_UP):
        raise PermissionDenied
    person = visible_person(user, person_pk)
    if person is None or not holds_on_person(user, VIEW_FOLLOW_UP, person):
        raise Http404
    today = timezone.localdate()
    context = {
        "person": person,
        "risk": selectors.person_risk(person),
        "alerts": list(Alert.objects.filter(person=person).order_by("resolved_at", "-pk")[:20]),
        "follow_ups": list(FollowUp.objects.filter(person=person).order_by("due_on", "pk")),
        "departures": list(person.remigrations.all()),
        # A business stays where it was set up when its member moves: shown only if the reader may see it.
        "memberships": list(
            person.enterprise_memberships.filter(
                enterprise__in=Enterprise.objects.restrict(user, "view").values("pk")
            ).select_related("enterprise")
        ),
        "today": today,
        "may_change": holds_on_person(user, "livelihoods.change_followup", person),
        "may_record_departure": holds_on_person(user, "livelihoods.add_remigration", person),
        "may_add_enterprise": holds_on_person(user, "livelihoods.add_enterprise", person),
        "may_resolve": holds_on_person(user, "livelihoods.change_alert", person),
    }
    template = (
        "livelihoods/person_follow_up.html"
        if getattr(request, "htmx", False)
        else "livelihoods/person_follow_up_page.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


class PersonFormView(RecordFormView):
    """A form about one person (a departure, a new business) under `permission` over where they live."""

    queryset = Person.objects.select_related("region")
    template_name = "livelihoods/form.html"
    title: ClassVar[str | Promise] = ""

    def get_success_url(self) -> str:
        return person_tab_url(self.object.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, person=self.object, cancel_url=self.get_success_url())
        return context


class RemigrationAddView(PersonFormView):
    permission = "livelihoods.add_remigration"
    form_class = RemigrationForm
    title = _l("Catat keberangkatan ke luar negeri")
    success_message = _l("Keberangkatan dicatat.")

    def perform(self, form: Any) -> Any:
        return services.remigration_record(actor=self.request.user, person=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class EnterpriseAddView(PersonFormView):
    permission = "livelihoods.add_enterprise"
    form_class = EnterpriseCreateForm
    title = _l("Catat usaha")
    success_message = _l("Usaha dicatat.")

    def perform(self, form: Any) -> Any:
        user: Any = self.request.user
        self.enterprise = services.enterprise_create(
            actor=user, owner=self.object, organisation=user.organisation, **form.cleaned_data
        )
        return self.enterprise

    def get_success_url(self) -> str:
        enterprise = getattr(self, "enterprise", None)
        return enterprise.get_absolute_url() if enterprise else person_tab_url(self.object.pk)


class EnterpriseJoinView(PersonFormView):
    """Adds the person to a group business (KUBE) of their regency."""

    permission = "livelihoods.add_enterprisemember"
    form_class = EnterpriseJoinForm
    title = _l("Gabung ke kelompok usaha")
    success_message = _l("Anggota ditambahkan.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        regency = ".".join(self.object.region_id.split(".")[:2])
        kwargs["groups"] = (
            Enterprise.objects.restrict(self.request.user, "change")
            .filter(form=BusinessForm.GROUP, region__code__startswith=regency + ".")
            .exclude(members__person=self.object)
            .order_by("name")
        )
        return kwargs

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.enterprise_member_add(
            actor=self.request.user,  # type: ignore[arg-type]
            enterprise=data["enterprise"],
            person=self.object,
            role=data["role"],
            joined_on=data["joined_on"],
        )


# --- visits ------------------------------------------------------------------------------------------------------


class FollowUpListView(ObjectListView):
    queryset = FollowUp.objects.select_related("person").order_by("due_on", "id")
    filterset_class = FollowUpFilterSet
    columns = [
        (_l("Kunjungan"), "__str__"),
        (_l("Orang"), "person.full_name"),
        (_l("Jadwal"), "due_on"),
        (_l("Status"), "get_state_display"),
        (_l("Tanggal kunjungan"), "visited_on"),
    ]


class FollowUpDetailView(ObjectDetailView):
    queryset = FollowUp.objects.select_related("person", "recorded_by", "enterprise")
    template_name = "livelihoods/follow_up_detail.html"
    context_object_name = "follow_up"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class FollowUpRecordView(RecordFormView):
    """The visit form, filled in on a phone at the person's home."""

    queryset = FollowUp.objects.select_related("person")
    action = "change"
    form_class = FollowUpForm
    template_name = "livelihoods/follow_up_form.html"
    success_message = _l("Kunjungan dicatat.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enterprises"] = (
            Enterprise.objects.restrict(self.request.user, "view")
            .filter(members__person=self.object.person_id)
            .order_by("name")
        )
        kwargs.setdefault("initial", {})["visited_on"] = timezone.localdate()
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if self.object.state != FollowUpState.SCHEDULED:
            return redirect("livelihoods:follow_up_detail", self.object.pk)
        return super().get(request, *args, **kwargs)

    def perform(self, form: Any) -> Any:
        return services.follow_up_record(actor=self.request.user, follow_up=self.object, **form.service_values())  # type: ignore[arg-type]

    def get_success_url(self) -> str:
        return person_tab_url(self.object.person_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(follow_up=self.object, person=self.object.person, cancel_url=self.get_success_url())
        return context


class AlertResolveView(RecordFormView):
    queryset = Alert.objects.select_related("person")
    action = "change"
    form_class = AlertResolveForm
    template_name = "livelihoods/form.html"
    success_message = _l("Peringatan ditandai sudah ditangani.")

    def perform(self, form: Any) -> Any:
        return services.alert_resolve(actor=self.request.user, alert=self.object, **form.cleaned_data)  # type: ignore[arg-type]

    def get_success_url(self) -> str:
        return person_tab_url(self.object.person_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Tangani peringatan: %(kind)s") % {"kind": self.object.get_kind_display()},
            person=self.object.person,
            intro=self.object.reason,
            cancel_url=self.get_success_url(),
        )
        return context


# --- enterprises -------------------------------------------------------------------------------------------------


class EnterpriseListView(ObjectListView):
    queryset = Enterprise.objects.select_related("region").order_by("name", "id")
    filterset_class = EnterpriseFilterSet
    columns = [
        (_l("Nama usaha"), "name"),
        (_l("Bentuk"), "get_form_display"),
        (_l("Jenis usaha"), "get_kind_display"),
        (_l("Lokasi"), "region"),
        (_l("Status"), "get_status_display"),
    ]


class EnterpriseDetailView(ObjectDetailView):
    queryset = Enterprise.objects.select_related("region", "organisation")
    template_name = "livelihoods/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enterprise: Enterprise = self.object
        context.update(
            # Members who moved away stay members, but their names and visits are for their new region's officers.
            members=list(
                enterprise.members.filter(person__in=Person.objects.restrict(self.request.user, "view").values("pk"))
                .select_related("person")
                .order_by("role", "id")
            ),
            capital=list(enterprise.capital_lines.select_related("entitlement__scheme")),
            visits=list(
                FollowUp.objects.restrict(self.request.user, "view")
                .filter(enterprise=enterprise, state=FollowUpState.DONE)
                .select_related("person")
                .order_by("visited_on")
            ),
        )
        return context


class EnterpriseStatusView(RecordFormView):
    queryset = Enterprise.objects.select_related("region")
    action = "change"
    form_class = EnterpriseStatusForm
    template_name = "livelihoods/form.html"
    success_message = _l("Status usaha diubah.")

    def get_initial(self) -> dict[str, Any]:
        return {"on": timezone.localdate()}

    def perform(self, form: Any) -> Any:
        return services.enterprise_status_change(actor=self.request.user, enterprise=self.object, **form.cleaned_data)  # type: ignore[arg-type]

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Ubah status usaha: %(name)s") % {"name": self.object.name}, cancel_url=self.get_success_url()
        )
        return context


# --- the risk instrument -----------------------------------------------------------------------------------------


@never_cache
@login_required
def risk_weights(request: HttpRequest) -> HttpResponse:
    """The weights and thresholds with their rationale; administrators change them here, which re-scores everyone
    in the background (the page shows its progress)."""
    user: Any = request.user
    if not user.has_perm("livelihoods.view_riskweight"):
        raise PermissionDenied
    may_change = holds_over(user, services.CHANGE_WEIGHTS, None)
    weights = services.current_weights()
    rationale = dict(RiskWeight.objects.values_list("factor", "rationale"))
    thresholds = services.current_thresholds()
    initial: dict[str, Any] = {
        "medium_from": thresholds.medium_from,
        "high_from": thresholds.high_from,
        "high_visit_days": thresholds.high_visit_days,
    }
    for factor in risk.FACTORS:
        initial[f"weight_{factor}"] = weights[factor]
        initial[f"rationale_{factor}"] = rationale.get(factor) or str(risk.DEFAULT_WEIGHTS[factor][1])
    form = RiskWeightsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = services.risk_instrument_update(
                    actor=user,
                    weights=form.weights(),
                    thresholds={
                        name: form.cleaned_data[name] for name in ("medium_from", "high_from", "high_visit_days")
                    },
                )
            except ServiceError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Bobot disimpan; skor semua orang dihitung ulang di latar belakang.")
                    if changed
                    else _("Tidak ada yang berubah."),
                )
                return redirect("livelihoods:risk_weights")
    rows = [
        {
            "factor": factor,
            "label": RiskFactor(factor).label,
            "weight": weights[factor],
            "rationale": initial[f"rationale_{factor}"],
        }
        for factor in risk.FACTORS
    ]
    context = {
        "form": form,
        "rows": rows,
        "thresholds": thresholds,
        "may_change": may_change,
        "run": RescoreRun.objects.order_by("-pk").first(),
    }
    template = "livelihoods/rescore_progress.html" if request.GET.get("progress") else "livelihoods/risk_weights.html"
    return render(request, template, context)
