"""What every case page shares: the tabs of a case, the tab view and the form view that calls a service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l
from django.views import generic

from bangkit.cases.models import Case
from bangkit.cases.services.access import holds_on_case
from bangkit.core.generic import RecordFormView, ScopedViewMixin


@dataclass(frozen=True)
class CaseTab:
    key: str
    label: str | Promise
    url_name: str  # reversed with the case's pk; the fragment htmx loads
    permission: str  # shown only to users holding it over the case's region


CASE_TABS: tuple[CaseTab, ...] = (
    CaseTab("summary", _l("Ringkasan"), "cases:case_summary_tab", "cases.view_case"),
    CaseTab("assessments", _l("Asesmen"), "cases:case_assessments", "cases.view_assessment"),
    CaseTab("plan", _l("Rencana"), "cases:case_plan", "cases.view_planline"),
    CaseTab("services", _l("Layanan"), "cases:case_services", "cases.view_servicedelivery"),
    CaseTab("referrals", _l("Rujukan"), "cases:case_referrals", "cases.view_referral"),
    CaseTab("notes", _l("Catatan"), "cases:case_notes", "cases.view_casenote"),
    CaseTab("tasks", _l("Tugas"), "cases:case_tasks", "cases.view_task"),
)


def visible_tabs(user: Any, case: Case) -> list[dict[str, Any]]:
    return [
        {"key": tab.key, "label": tab.label, "url": reverse(tab.url_name, args=[case.pk])}
        for tab in CASE_TABS
        if holds_on_case(user, tab.permission, case)
    ]


def case_tab_url(case: Case | int, tab: str = "summary") -> str:
    pk = case.pk if isinstance(case, Case) else case
    return f"{reverse('cases:case_detail', args=[pk])}?tab={tab}"


class CaseTabView(ScopedViewMixin, generic.DetailView):
    """One tab of a case page: the fragment alone for htmx, inside a whole page for a plain request.

    The case is looked up among those where the user holds the tab's permission, so a tab the user may not read
    answers 403 (permission held nowhere) or 404 (not over this case's region).
    """

    queryset = Case.objects.select_related("person", "region", "case_worker")
    context_object_name = "case"
    tab: ClassVar[str] = "summary"
    fragment: ClassVar[str] = ""

    def get_template_names(self) -> list[str]:
        return [self.fragment] if getattr(self.request, "htmx", False) else ["cases/case_tab_page.html"]

    def tab_context(self, case: Case) -> dict[str, Any]:
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(fragment=self.fragment, tab=self.tab, **self.tab_context(self.object))
        return context


class CaseActionView(RecordFormView):
    """A form about a case, or about one record of a case, whose valid POST calls a service.

    A refusal by the service shows on the form (field-level when it names a field) and nothing is saved.
    """

    template_name = "cases/case_form.html"
    tab: ClassVar[str] = "summary"
    title: ClassVar[str | Promise] = ""

    @property
    def case(self) -> Case:
        return self.object if isinstance(self.object, Case) else self.object.case

    def get_success_url(self) -> str:
        return case_tab_url(self.case, self.tab)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, title=self.get_title(), cancel_url=case_tab_url(self.case, self.tab))
        return context

    def get_title(self) -> str:
        return str(self.title)
