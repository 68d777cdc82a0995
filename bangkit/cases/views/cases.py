"""Pages of a case itself: the list, opening one from a person, the case page, workflow steps, approvals, PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import generic
from django.views.decorators.http import require_GET

from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_CASE
from bangkit.audit.history import AccessLoggedMixin, record_access
from bangkit.cases import selectors, workflow
from bangkit.cases.choices import ApprovalDecision, ApprovalKind, CaseState
from bangkit.cases.filtersets import CaseFilterSet
from bangkit.cases.forms import CaseEditForm, CaseOpenForm, DecisionForm, SubmitForm, TransitionForm
from bangkit.cases.models import Case, CaseApproval
from bangkit.cases.pdf import case_summary_pdf
from bangkit.cases.services import cases as case_services
from bangkit.cases.services.access import holds_on_case
from bangkit.cases.views.base import CaseActionView, CaseTabView, case_tab_url, visible_tabs
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView, ScopedViewMixin, add_errors_to_form
from bangkit.core.scoping import covers
from bangkit.registry.masking import UNMASK_IDENTIFIERS, may_unmask
from bangkit.registry.models import Person


class CaseListView(ScopedViewMixin, generic.TemplateView):
    """Cases the user may see, filtered, newest first, 50 a page by keyset (`?after=<last id>`)."""

    queryset = Case.objects.all()
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        after = query.pop("after", [""])[-1]
        filterset = CaseFilterSet(
            query or None, queryset=selectors.case_list(user=self.request.user), request=self.request
        )
        rows: list[Case] = []
        next_cursor = ""
        page_error = ""
        if not filterset.is_bound or filterset.is_valid():
            try:
                rows, next_cursor = selectors.keyset_page(filterset.qs, after)
            except ServiceError as exc:
                page_error = exc.message
        user: User = self.request.user  # type: ignore[assignment]
        context.update(
            filterset=filterset,
            object_list=rows,
            next_cursor=next_cursor,
            is_first_page=not after,
            page_error=page_error,
            my_cases_query=f"case_worker={user.pk}&open=true",
        )
        return context


_STEP_LABELS: dict[tuple[str, str], Any] = {
    (CaseState.REFERRAL_RECEIVED, CaseState.ASSESSMENT): _l("Mulai asesmen"),
    (CaseState.ASSESSMENT, CaseState.INTERVENTION_PLAN): _l("Susun rencana intervensi"),
    (CaseState.INTERVENTION_PLAN, CaseState.ASSESSMENT): _l("Kembali ke asesmen"),
    (CaseState.INTERVENTION_PLAN, CaseState.INTERVENTION): _l("Ajukan rencana intervensi untuk disetujui"),
    (CaseState.INTERVENTION, CaseState.MONITORING): _l("Mulai pemantauan"),
    (CaseState.MONITORING, CaseState.INTERVENTION): _l("Kembali ke intervensi"),
    (CaseState.MONITORING, CaseState.TERMINATED): _l("Ajukan terminasi untuk disetujui"),
}


def step_buttons(user: Any, case: Case) -> list[dict[str, Any]]:
    """The case page's workflow buttons: what `available_steps` allows, labelled and linked."""
    buttons = []
    for step in case_services.available_steps(user, case):
        transition = step["transition"]
        if transition.target == CaseState.CLOSED:
            label = _("Tutup kasus")
        elif transition.target == CaseState.REFERRED_OUT:
            label = _("Rujuk keluar dan selesaikan")
        elif case.state in workflow.FINAL_STATES:
            label = _("Buka kembali kasus")
        else:
            label = str(
                _STEP_LABELS.get(
                    (case.state, transition.target),
                    _("Pindah ke: %(state)s") % {"state": CaseState(transition.target).label},
                )
            )
        url = (
            reverse("cases:case_submit", args=[case.pk, transition.approval])
            if step["submit"]
            else reverse("cases:case_transition", args=[case.pk, transition.target])
        )
        buttons.append({"label": label, "url": url, "submit": step["submit"], "final": transition.needs_reason})
    return buttons


class CaseDetailView(AccessLoggedMixin, ObjectDetailView):
    """A survivor's case file: viewing it is logged. Tabs load on demand (htmx), each checked on its own."""

    queryset = Case.objects.select_related("person", "person__region", "region", "organisation", "case_worker")
    template_name = "cases/case_detail.html"
    context_object_name = "case"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case: Case = self.object
        user = self.request.user
        tabs = visible_tabs(user, case)
        requested = self.request.GET.get("tab", "summary")
        active = next((tab for tab in tabs if tab["key"] == requested), tabs[0])
        approvals = list(selectors.case_approvals(user=user, case=case))
        context.update(
            tabs=tabs,
            active_tab=active,
            steps=step_buttons(user, case),
            pending_approvals=[a for a in approvals if a.decision == ApprovalDecision.PENDING],
            may_decide=holds_on_case(user, APPROVE_CASE, case),
            srq20_warning=selectors.srq20_warning(user=user, case=case),
            masked_nik=case.person.masked_nik,
        )
        return context


class CaseSummaryTab(CaseTabView):
    tab = "summary"
    fragment = "cases/tabs/summary.html"

    def tab_context(self, case: Case) -> dict[str, Any]:
        user = self.request.user
        return {
            "events": list(selectors.case_timeline(user=user, case=case)),
            "may_read_timeline": holds_on_case(user, "cases.view_caseevent", case),
            "approvals": list(selectors.case_approvals(user=user, case=case)),
        }


class _PersonMixin:
    """Views started from a person's page: the person must be one the user may see (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_person(self) -> Person:
        people = Person.objects.restrict(self.request.user, "view").select_related("region")
        return get_object_or_404(people, pk=self.kwargs["person_pk"])


@require_GET
@login_required
def person_cases(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The "Kasus" tab of a person's page: their cases the user may see, and a button to open one."""
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=person_pk)
    regency = case_services.home_regency_code(person.region_id)
    user: Any = request.user
    may_open = bool(regency) and (user.is_superuser or covers(user.jurisdiction_codes("cases.add_case"), regency))
    context = {
        "person": person,
        "cases": selectors.person_cases(user=user, person=person),
        "may_open": may_open and person.merged_into_id is None,
    }
    template = "cases/person_cases.html" if getattr(request, "htmx", False) else "cases/person_cases_page.html"
    return render(request, template, context)


class CaseOpenView(_PersonMixin, generic.FormView):
    template_name = "cases/case_open.html"
    form_class = CaseOpenForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("cases.add_case"):
            raise PermissionDenied
        self.kwargs = kwargs
        self.person = self.get_person()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, region_code=case_services.home_regency_code(self.person.region_id))
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = case_services.case_open(
                    actor=self.request.user,  # type: ignore[arg-type]
                    person=self.person,
                    category=data["category"],
                    referral_source=data["referral_source"],
                    organisation=data["organisation"],
                    case_worker=data["case_worker"],
                    priority=data["priority"],
                    opened_on=data["opened_on"],
                )
        except (ServiceError, ValidationError) as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Kasus %(number)s dibuka.") % {"number": case.number})
        return HttpResponseRedirect(case.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        return context


class CaseEditView(CaseActionView):
    """Priority, referral source and the assigned case worker."""

    queryset = Case.objects.select_related("person", "region", "case_worker")
    action = "change"
    form_class = CaseEditForm
    title = _l("Ubah kasus")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["case"] = self.object
        return kwargs

    def perform(self, form: Any) -> Case:
        actor = self.request.user
        data = form.cleaned_data
        case = case_services.case_update(
            actor=actor,  # type: ignore[arg-type]
            case=self.object,
            priority=data["priority"],
            referral_source=data["referral_source"],
        )
        return case_services.case_assign(actor=actor, case=case, case_worker=data["case_worker"])  # type: ignore[arg-type]


class CaseTransitionView(CaseActionView):
    """One step of the workflow (`/move/<target>/`), with a reason when the step needs one."""

    queryset = Case.objects.select_related("person", "region")
    permission = "cases.view_case"
    form_class = TransitionForm

    transition: workflow.Transition

    def get_object(self, queryset: Any = None) -> Case:
        case: Case = super().get_object(queryset)
        transition = workflow.transition_to(case.state, self.kwargs["target"])
        if transition is None or transition.approval:
            raise Http404
        if not holds_on_case(self.request.user, transition.permission, case):
            raise PermissionDenied
        self.transition = transition
        return case

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            needs_reason=self.transition.needs_reason,
            closing=self.transition.target == CaseState.CLOSED,
            initial={"expected_state": self.object.state},
        )
        return kwargs

    def get_title(self) -> str:
        if self.object.state in workflow.FINAL_STATES:
            return _("Buka kembali kasus")
        return _("Pindah ke tahap “%(target)s”") % {"target": CaseState(self.transition.target).label}

    def perform(self, form: Any) -> Case:
        data = form.cleaned_data
        self.success_message = _("Kasus kini pada tahap “%(state)s”.") % {
            "state": CaseState(self.transition.target).label
        }
        return case_services.case_transition(
            actor=self.request.user,  # type: ignore[arg-type]
            case=self.object,
            target=self.transition.target,
            reason=data.get("reason", ""),
            closure_reason=data.get("closure_reason", ""),
            expected_state=data["expected_state"],
        )


class CaseSubmitView(CaseActionView):
    """Submits the plan or the termination to a supervisor (`/submit/<kind>/`)."""

    queryset = Case.objects.select_related("person", "region")
    permission = "cases.add_caseapproval"
    form_class = SubmitForm

    def get_object(self, queryset: Any = None) -> Case:
        if self.kwargs["kind"] not in ApprovalKind.values:
            raise Http404
        case: Case = super().get_object(queryset)
        return case

    def get_title(self) -> str:
        return _("Ajukan persetujuan: %(kind)s") % {"kind": ApprovalKind(self.kwargs["kind"]).label}

    def perform(self, form: Any) -> CaseApproval:
        self.success_message = _("Diajukan; menunggu keputusan supervisor.")
        return case_services.case_submit_for_approval(
            actor=self.request.user,  # type: ignore[arg-type]
            case=self.object,
            kind=self.kwargs["kind"],
            note=form.cleaned_data["note"],
        )


class ApprovalListView(ScopedViewMixin, generic.ListView):
    """A supervisor's pending approvals inside their jurisdictions, oldest first."""

    queryset = CaseApproval.objects.all()
    permission = APPROVE_CASE
    template_name = "cases/approval_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return selectors.pending_approvals(user=self.request.user)


class ApprovalDetailView(CaseActionView):
    """What the supervisor decides on, and the decision form (not for the request's own submitter)."""

    queryset = CaseApproval.objects.select_related(
        "case", "case__person", "case__region", "case__case_worker", "submitted_by", "decided_by"
    )
    permission = APPROVE_CASE
    form_class = DecisionForm
    template_name = "cases/approval_detail.html"

    def get_title(self) -> str:
        return _("Persetujuan: %(kind)s") % {"kind": self.object.get_kind_display()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        approval: CaseApproval = self.object
        user = self.request.user
        context.update(
            approval=approval,
            own_submission=approval.submitted_by_id == user.pk,
            plan_lines=approval.case.plan_lines.select_related("responsible_organisation").order_by("due_on", "id"),
            latest_assessment=selectors.assessments(user=user, case=approval.case).first(),
        )
        return context

    def perform(self, form: Any) -> CaseApproval:
        approve = form.cleaned_data["approve"]
        self.success_message = _("Pengajuan disetujui.") if approve else _("Pengajuan dikembalikan kepada pendamping.")
        return case_services.approval_decide(
            actor=self.request.user,  # type: ignore[arg-type]
            approval=self.object,
            approve=approve,
            note=form.cleaned_data["note"],
        )

    def get_success_url(self) -> str:
        return case_tab_url(self.object.case, "summary")


@require_GET
@login_required
def case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable case summary. Printing is logged as an access to the case (and to the person's NIK when the
    PDF shows it unmasked)."""
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied
    try:
        case = selectors.case_for_summary(user=request.user, pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    unmasked = may_unmask(request.user, UNMASK_IDENTIFIERS, case.person)
    content = case_summary_pdf(case=case, user=request.user, unmask_nik=unmasked)
    record_access(request, case)
    if unmasked and case.person.nik:
        record_access(request, case.person)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ringkasan-kasus-{case.pk}.pdf"'
    return response
