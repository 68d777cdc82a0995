"""Tabs and forms of the work inside a case, and the "Tugas saya" worklist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from bangkit.accounts.roles import APPROVE_CASE, OVERRIDE_CONSENT
from bangkit.audit.history import AccessLoggedMixin, record_access
from bangkit.cases import selectors
from bangkit.cases.choices import SRQ20_QUESTIONS
from bangkit.cases.forms import (
    AssessmentForm,
    NoteForm,
    PlanLineForm,
    ReferralForm,
    ReferralResponseForm,
    ServiceForm,
    TaskForm,
)
from bangkit.cases.models import Assessment, Case, CaseNote, PlanLine, Referral, ServiceDelivery, Task
from bangkit.cases.screening import srq20_flagged, srq20_suicide_item
from bangkit.cases.services import care
from bangkit.cases.services.access import holds_on_case
from bangkit.cases.views.base import CaseActionView, CaseTabView, case_tab_url
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView

# --- Assessments -----------------------------------------------------------------------------------------------


class AssessmentsTab(CaseTabView):
    tab = "assessments"
    fragment = "cases/tabs/assessments.html"
    permission = "cases.view_assessment"

    def tab_context(self, case: Case) -> dict[str, Any]:
        rows = list(selectors.assessments(user=self.request.user, case=case))
        for assessment in rows:
            assessment.flagged = srq20_flagged(assessment.srq20_answers)  # type: ignore[attr-defined]
        return {"assessments": rows, "may_add": holds_on_case(self.request.user, "cases.add_assessment", case)}


class AssessmentDetailView(AccessLoggedMixin, ObjectDetailView):
    """One assessment with its encrypted notes: viewing it is logged."""

    queryset = Assessment.objects.select_related("case", "case__person", "case__region", "assessor").prefetch_related(
        "needs", "risk_factors"
    )
    template_name = "cases/assessment_detail.html"
    context_object_name = "assessment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessment: Assessment = self.object
        answers = assessment.srq20_answers or []
        context.update(
            case=assessment.case,
            srq20=list(zip(SRQ20_QUESTIONS, answers, strict=False)) if answers else [],
            flagged=srq20_flagged(answers),
            suicide_item=srq20_suicide_item(answers),
        )
        return context


class AssessmentAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region", "case_worker")
    permission = "cases.add_assessment"
    form_class = AssessmentForm
    template_name = "cases/assessment_form.html"
    tab = "assessments"
    title = _l("Catat asesmen")
    success_message = _l("Asesmen tersimpan.")

    def perform(self, form: Any) -> Assessment:
        assessment = care.assessment_record(actor=self.request.user, case=self.object, **form.service_arguments())  # type: ignore[arg-type]
        if srq20_flagged(assessment.srq20_answers):
            self.success_message = _l(
                "Asesmen tersimpan. Hasil SRQ-20 menandai perlunya rujukan ke layanan kesehatan jiwa; tugas untuk "
                "pendamping sudah dibuat."
            )
        return assessment

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["previous"] = Assessment.objects.filter(case=self.object).count()
        return context


# --- Intervention plan -----------------------------------------------------------------------------------------


class PlanTab(CaseTabView):
    tab = "plan"
    fragment = "cases/tabs/plan.html"
    permission = "cases.view_planline"

    def tab_context(self, case: Case) -> dict[str, Any]:
        lines = PlanLine.objects.filter(case=case).select_related("responsible_organisation").order_by("due_on", "id")
        user = self.request.user
        return {
            "lines": lines,
            "may_add": case.is_open and holds_on_case(user, "cases.add_planline", case),
            "may_change": case.is_open and holds_on_case(user, "cases.change_planline", case),
            "today": timezone.localdate(),
        }


class PlanLineAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region")
    permission = "cases.add_planline"
    form_class = PlanLineForm
    tab = "plan"
    title = _l("Tambah kegiatan rencana intervensi")

    def perform(self, form: Any) -> PlanLine:
        return care.plan_line_add(actor=self.request.user, case=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class PlanLineEditView(CaseActionView):
    queryset = PlanLine.objects.select_related("case", "case__person", "case__region")
    action = "change"
    form_class = PlanLineForm
    tab = "plan"
    title = _l("Ubah kegiatan rencana intervensi")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["line"] = self.object
        return kwargs

    def perform(self, form: Any) -> PlanLine:
        return care.plan_line_update(actor=self.request.user, plan_line=self.object, **form.cleaned_data)  # type: ignore[arg-type]


# --- Services --------------------------------------------------------------------------------------------------


class ServicesTab(CaseTabView):
    tab = "services"
    fragment = "cases/tabs/services.html"
    permission = "cases.view_servicedelivery"

    def tab_context(self, case: Case) -> dict[str, Any]:
        services = (
            ServiceDelivery.objects.filter(case=case)
            .select_related("provider", "plan_line", "recorded_by")
            .order_by("-delivered_on", "-id")
        )
        return {
            "services": services,
            "may_add": case.is_open and holds_on_case(self.request.user, "cases.add_servicedelivery", case),
        }


class ServiceAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region")
    permission = "cases.add_servicedelivery"
    form_class = ServiceForm
    tab = "services"
    title = _l("Catat layanan")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["case"] = self.object
        return kwargs

    def perform(self, form: Any) -> ServiceDelivery:
        return care.service_record(actor=self.request.user, case=self.object, **form.cleaned_data)  # type: ignore[arg-type]


# --- Referrals -------------------------------------------------------------------------------------------------


class ReferralsTab(CaseTabView):
    tab = "referrals"
    fragment = "cases/tabs/referrals.html"
    permission = "cases.view_referral"

    def tab_context(self, case: Case) -> dict[str, Any]:
        referrals = (
            Referral.objects.filter(case=case)
            .select_related("to_organisation", "consent", "consent_override_by")
            .order_by("-referred_on", "-id")
        )
        user = self.request.user
        return {
            "referrals": referrals,
            "may_add": case.is_open and holds_on_case(user, "cases.add_referral", case),
            "may_respond": holds_on_case(user, "cases.change_referral", case),
            "open_statuses": set(care.REFERRAL_NEXT),
        }


class ReferralAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region")
    permission = "cases.add_referral"
    form_class = ReferralForm
    tab = "referrals"
    title = _l("Rujuk keluar")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["may_override"] = holds_on_case(self.request.user, OVERRIDE_CONSENT, self.object)
        return kwargs

    def perform(self, form: Any) -> Referral:
        return care.referral_create(actor=self.request.user, case=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class ReferralRespondView(CaseActionView):
    queryset = Referral.objects.select_related("case", "case__person", "case__region", "to_organisation")
    action = "change"
    form_class = ReferralResponseForm
    tab = "referrals"
    title = _l("Jawaban rujukan")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["referral"] = self.object
        return kwargs

    def perform(self, form: Any) -> Referral:
        return care.referral_respond(actor=self.request.user, referral=self.object, **form.cleaned_data)  # type: ignore[arg-type]


# --- Notes -----------------------------------------------------------------------------------------------------


class NotesTab(CaseTabView):
    """The encrypted notes, in clear for users with `cases.view_casenote` over the case: reading them is logged."""

    tab = "notes"
    fragment = "cases/tabs/notes.html"
    permission = "cases.view_casenote"

    def tab_context(self, case: Case) -> dict[str, Any]:
        record_access(self.request, case)
        notes = CaseNote.objects.filter(case=case).select_related("author").order_by("-created_at", "-id")
        return {"notes": notes, "may_add": holds_on_case(self.request.user, "cases.add_casenote", case)}


class NoteAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region")
    permission = "cases.add_casenote"
    form_class = NoteForm
    tab = "notes"
    title = _l("Tambah catatan kasus")

    def perform(self, form: Any) -> CaseNote:
        return care.note_add(actor=self.request.user, case=self.object, text=form.cleaned_data["text"])  # type: ignore[arg-type]


# --- Tasks -----------------------------------------------------------------------------------------------------


class TasksTab(CaseTabView):
    tab = "tasks"
    fragment = "cases/tabs/tasks.html"
    permission = "cases.view_task"

    def tab_context(self, case: Case) -> dict[str, Any]:
        user = self.request.user
        return {
            "tasks": selectors.case_tasks(user=user, case=case),
            "may_add": case.is_open and holds_on_case(user, "cases.add_task", case),
            "may_complete": holds_on_case(user, "cases.change_task", case),
            "today": timezone.localdate(),
        }


class TaskAddView(CaseActionView):
    queryset = Case.objects.select_related("person", "region", "case_worker")
    permission = "cases.add_task"
    form_class = TaskForm
    tab = "tasks"
    title = _l("Tambah tugas")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(case=self.object, user=self.request.user)
        return kwargs

    def perform(self, form: Any) -> Task:
        return care.task_create(actor=self.request.user, case=self.object, **form.cleaned_data)  # type: ignore[arg-type]


@require_POST
@login_required
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("cases.change_task"):
        raise PermissionDenied
    task = get_object_or_404(Task.objects.restrict(request.user, "change").select_related("case"), pk=pk)
    try:
        care.task_complete(actor=request.user, task=task)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _l("Tugas ditandai selesai."))
    if request.POST.get("next") == "mine":
        return HttpResponseRedirect(reverse("cases:my_tasks"))
    return HttpResponseRedirect(case_tab_url(task.case_id, "tasks"))


@require_GET
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """ "Tugas saya": the user's open tasks, overdue first; for supervisors also everyone's overdue tasks in their
    jurisdictions."""
    user: Any = request.user
    if not user.has_perm("cases.view_task"):
        raise PermissionDenied
    context = {
        "tasks": list(selectors.my_open_tasks(user=user)),
        "supervised": list(selectors.overdue_tasks_in_jurisdiction(user=user)[:200]),
        "is_supervisor": user.has_perm(APPROVE_CASE),
        "today": timezone.localdate(),
    }
    return render(request, "cases/my_tasks.html", context)
