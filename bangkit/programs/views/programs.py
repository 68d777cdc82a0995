"""Pages of programs (list, page, form, partners) and of the module catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count, Q
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import generic

from bangkit.core.formatting import rupiah
from bangkit.core.generic import ObjectDetailView, ObjectEditView, ObjectListView
from bangkit.programs import services
from bangkit.programs.choices import EnrolmentState
from bangkit.programs.filtersets import ModuleFilterSet, ProgramFilterSet
from bangkit.programs.forms import ModuleForm, PartnerForm, ProgramForm
from bangkit.programs.models import Enrolment, Event, Module, Program
from bangkit.programs.views.base import RecordActionView


class ProgramListView(ObjectListView):
    queryset = Program.objects.select_related("organisation", "region").order_by("-year", "name", "id")
    filterset_class = ProgramFilterSet
    template_name = "programs/program_list.html"
    add_url_name = "programs:program_add"


class ProgramDetailView(ObjectDetailView):
    queryset = Program.objects.select_related("organisation", "region")
    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        program: Program = self.object
        user = self.request.user
        events = (
            Event.objects.restrict(user, "view")
            .filter(program=program)
            .select_related("region")
            .annotate(participants=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED)))
            .order_by("start_date", "id")
        )
        enrolled = (
            Enrolment.objects.filter(event__program=program, state=EnrolmentState.ENROLLED)
            .values("person_id")
            .distinct()
            .count()
        )
        context.update(
            partners=list(program.partners.select_related("organisation")),
            events=list(events),
            enrolled=enrolled,
            budget=rupiah(program.budget),
            may_add_partner=services.holds_over(user, "programs.add_programpartner", program.region_id),
            # A regency officer adds events of their province's program in their regency.
            may_add_event=_reaches(user, "programs.add_event", program.region_id),
        )
        return context


def _reaches(user: Any, permission: str, region_code: str) -> bool:
    """Whether the user holds `permission` over some region inside `region_code` (or over all of it)."""
    if services.holds_over(user, permission, region_code):
        return True
    return any(code.startswith(f"{region_code}.") for code in user.jurisdiction_codes(permission))


class ProgramEditView(ObjectEditView):
    queryset = Program.objects.select_related("organisation", "region")
    form_class = ProgramForm
    template_name = "programs/edit_form.html"

    def save_form(self, form: BaseForm) -> Program:
        values = {name: form.cleaned_data[name] for name in services.PROGRAM_FIELDS}
        actor: Any = self.request.user
        if self.object is None:
            return services.program_save(actor=actor, **values)
        # The form has already copied its values onto `self.object`; the service checks the stored record.
        return services.program_save(actor=actor, program=Program.objects.get(pk=self.object.pk), **values)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is None:
            context["title"] = _("Tambah program")
        context["cancel_url"] = self.object.get_absolute_url() if self.object else reverse("programs:program_list")
        return context


class ProgramPartnerAddView(RecordActionView):
    queryset = Program.objects.select_related("region")
    permission = "programs.add_programpartner"
    form_class = PartnerForm
    title = _l("Tambah mitra program")
    success_message = _l("Mitra ditambahkan.")

    def perform(self, form: Any) -> Any:
        return services.program_partner_add(
            actor=self.request.user,  # type: ignore[arg-type]
            program=self.object,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        )


# --- module catalogue ----------------------------------------------------------------------------------------
# The catalogue is national reference data, placed in no region: these pages check the permission alone.


class ModuleListView(LoginRequiredMixin, PermissionRequiredMixin, generic.ListView):
    permission_required = "programs.view_module"
    template_name = "programs/module_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filterset = ModuleFilterSet(self.request.GET or None, queryset=Module.objects.order_by("name", "id"))
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Module.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filterset=self.filterset,
            may_add=self.request.user.has_perm("programs.add_module"),
            may_change=self.request.user.has_perm("programs.change_module"),
        )
        return context


class ModuleEditView(LoginRequiredMixin, PermissionRequiredMixin, generic.UpdateView):
    """Adds a module to the catalogue (no pk) or changes one. The model's own checks (unique name, positive
    hours) show on the form."""

    model = Module
    form_class = ModuleForm
    template_name = "programs/edit_form.html"

    def get_permission_required(self) -> list[str]:
        return ["programs.change_module" if "pk" in self.kwargs else "programs.add_module"]

    def get_object(self, queryset: Any = None) -> Any:
        return super().get_object(queryset) if "pk" in self.kwargs else None

    def form_valid(self, form: Any) -> HttpResponse:
        self.object = form.save()
        messages.success(self.request, _("Tersimpan."))
        return HttpResponseRedirect(reverse("programs:module_list"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=str(self.object) if self.object else _("Tambah modul"), cancel_url=reverse("programs:module_list")
        )
        return context
