"""Staff pages of the prevention app: head counts of prevention sessions (list, page, form) and the overview of
the checklist's uses and the head counts, per province. Figures only: no page here names a participant."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.forms import BaseForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.views import generic

from bangkit.core.generic import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from bangkit.prevention import selectors, services
from bangkit.prevention.filtersets import HeadcountFilterSet
from bangkit.prevention.forms import HeadcountForm
from bangkit.prevention.models import Headcount
from bangkit.regions.models import RegionLevel

VIEW_CHECKLIST_USES = "prevention.view_checklistuse"
VIEW_HEADCOUNTS = "prevention.view_headcount"


class HeadcountListView(ObjectListView):
    queryset = Headcount.objects.select_related("event", "event__region")
    filterset_class = HeadcountFilterSet
    columns = [
        (_l("Tanggal"), "date"),
        (_l("Kegiatan"), "event.title"),
        (_l("Tempat"), "event.region.name"),
        (_l("Perempuan"), "women"),
        (_l("Laki-laki"), "men"),
        (_l("Jumlah"), "total"),
        (_l("Di bawah 18 tahun"), "youths"),
        (_l("Mantan pekerja migran"), "former_migrants"),
    ]
    add_url_name = "prevention:headcount_add"


class HeadcountDetailView(ObjectDetailView):
    queryset = Headcount.objects.select_related("event", "event__region", "event__region__parent", "counted_by")
    template_name = "prevention/headcount_detail.html"


class HeadcountEditView(ObjectEditView):
    """Records a head count (`?event=<pk>` picks the event) or corrects one; the service checks the day."""

    queryset = Headcount.objects.select_related("event")
    form_class = HeadcountForm

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        event = self.request.GET.get("event", "")
        if self.object is None and event.isdigit():
            initial["event"] = int(event)
        return initial

    def save_form(self, form: BaseForm) -> Headcount:
        values = form.service_values()  # type: ignore[attr-defined]
        actor: Any = self.request.user
        if self.object is None:
            return services.headcount_create(actor=actor, event=form.cleaned_data["event"], **values)
        # The form has already copied its values onto `self.object`; the service checks the stored record.
        stored = Headcount.objects.select_related("event").get(pk=self.object.pk)
        return services.headcount_change(actor=actor, headcount=stored, **values)


def _year(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and 2000 <= int(text) <= 2100 else default


class OverviewView(ScopedViewMixin, generic.TemplateView):
    """How often the public checklist was completed, per province and month, and the prevention sessions' head
    counts per province or regency, in one year (`?year=`, `?by=regency`)."""

    permission = VIEW_CHECKLIST_USES
    template_name = "prevention/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today: date = timezone.localdate()
        year = _year(self.request.GET.get("year"), today.year)
        level = RegionLevel.REGENCY if self.request.GET.get("by") == "regency" else RegionLevel.PROVINCE
        may_see_headcounts = user.has_perm(VIEW_HEADCOUNTS)
        years = set(selectors.checklist_years(user)) | {today.year, year}
        if may_see_headcounts:
            years |= set(selectors.headcount_years(user))
        totals = selectors.headcount_totals(user, level=level, year=year) if may_see_headcounts else []
        context.update(
            year=year,
            years=sorted(years, reverse=True),
            level=level,
            by_regency=level == RegionLevel.REGENCY,
            uses=selectors.checklist_uses(user, year=year),
            month_names=[date(year, month, 1) for month in range(1, 13)],
            may_see_headcounts=may_see_headcounts,
            totals=totals,
            totals_sum={
                name: sum(getattr(total, name) for total in totals)
                for name in ("sessions", "events", "women", "men", "total", "youths", "former_migrants")
            },
        )
        return context
