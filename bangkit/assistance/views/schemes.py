"""Pages of assistance schemes: the list, the scheme's page (its rules in plain words, its package, its budget
ledger and tranches), its form, adding an item to an in-kind package and starting a new tranche."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.assistance import selectors, services
from bangkit.assistance.choices import SchemeKind, TrancheState
from bangkit.assistance.filtersets import SchemeFilterSet
from bangkit.assistance.forms import ConfirmForm, SchemeForm, SchemeItemForm
from bangkit.assistance.models import Scheme, Tranche, follow_up_intervals
from bangkit.assistance.views.base import AssistanceActionView, scheme_url, tranche_url
from bangkit.core.generic import ObjectDetailView, ObjectEditView, ObjectListView
from bangkit.core.scoping import holds_over


class SchemeListView(ObjectListView):
    queryset = Scheme.objects.select_related("organisation", "region").order_by("-year", "name", "id")
    filterset_class = SchemeFilterSet
    template_name = "assistance/scheme_list.html"
    add_url_name = "assistance:scheme_add"


class SchemeDetailView(ObjectDetailView):
    queryset = Scheme.objects.select_related("organisation", "region", "completed_event")
    template_name = "assistance/scheme_detail.html"
    context_object_name = "scheme"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scheme: Scheme = self.object
        user = self.request.user
        items = list(scheme.items.all()) if scheme.kind == SchemeKind.IN_KIND else []
        ledger = selectors.scheme_ledger(scheme)
        # A regency's officer reads a province's scheme and its figures, but opens only the tranches they may see.
        openable = set(Tranche.objects.restrict(user, "view").filter(scheme=scheme).values_list("pk", flat=True))
        for row in ledger.tranches:
            row["state_label"] = TrancheState(row["state"]).label
            row["openable"] = row["pk"] in openable
        context.update(
            rules=selectors.eligibility_rules(scheme),
            items=[(item, item.quantity * item.unit_value) for item in items],
            package_value=sum(item.quantity * item.unit_value for item in items)
            if scheme.kind == SchemeKind.IN_KIND
            else scheme.amount_per_person,
            ledger=ledger,
            **_percentages(ledger),
            may_add_tranche=holds_over(user, "assistance.add_tranche", scheme.region_id),
            may_add_item=scheme.kind == SchemeKind.IN_KIND
            and holds_over(user, "assistance.change_scheme", scheme.region_id),
            **_follow_up(scheme),
        )
        return context


def _follow_up(scheme: Scheme) -> dict[str, Any]:
    """The months after the grant at which its recipients are visited, for a sentence: "3, 6 dan 12"; the last
    (largest) decides the plural of "month"."""
    try:
        months = follow_up_intervals(scheme.follow_up_months or "")
    except ValidationError:  # stored before the validator: shown as written
        return {"follow_up_text": scheme.follow_up_months, "follow_up_last": 2}
    return {
        "follow_up_text": get_text_list([str(month) for month in months], _("dan")),
        "follow_up_last": months[-1] if months else 0,
    }


def _percentages(ledger: selectors.SchemeLedger) -> dict[str, int]:
    """How much of the ceiling is committed and paid, for the budget bar: paid, then committed but not yet paid."""
    used = min(100, round(100 * ledger.committed / ledger.ceiling)) if ledger.ceiling else 0
    paid = min(used, round(100 * ledger.paid / ledger.ceiling)) if ledger.ceiling else 0
    return {"used_percent": used, "paid_percent": paid, "unpaid_percent": used - paid}


class SchemeEditView(ObjectEditView):
    """Creates a scheme (no pk) or changes one with no tranche submitted yet (the service refuses otherwise)."""

    queryset = Scheme.objects.select_related("organisation", "region", "completed_event")
    form_class = SchemeForm
    template_name = "assistance/edit_form.html"

    def save_form(self, form: BaseForm) -> Scheme:
        values = form.service_values()  # type: ignore[attr-defined]
        actor: Any = self.request.user
        if self.object is None:
            return services.scheme_save(actor=actor, **values)
        # The form has already copied its values onto `self.object`; the service checks the stored record.
        return services.scheme_save(actor=actor, scheme=Scheme.objects.get(pk=self.object.pk), **values)

    def get_success_url(self) -> str:
        return scheme_url(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is None or self.object.pk is None:
            context["title"] = _("Tambah skema bantuan")
            context["cancel_url"] = reverse("assistance:scheme_list")
        else:
            context["cancel_url"] = scheme_url(self.object)
        return context


class SchemeItemAddView(AssistanceActionView):
    """Adds an item to an in-kind scheme's package."""

    queryset = Scheme.objects.select_related("region")
    permission = "assistance.change_scheme"
    form_class = SchemeItemForm
    title = _l("Tambah barang paket")
    success_message = _l("Barang ditambahkan ke paket.")

    def get_success_url(self) -> str:
        return scheme_url(self.object)

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.scheme_item_add(
            actor=self.request.user,  # type: ignore[arg-type]
            scheme=self.object,
            name=data["name"],
            quantity=data["quantity"],
            unit=data["unit"],
            unit_value=data["unit_value"],
        )


class TrancheCreateView(AssistanceActionView):
    """Starts a new draft tranche of the scheme, numbered after its last."""

    queryset = Scheme.objects.select_related("region")
    permission = "assistance.add_tranche"
    form_class = ConfirmForm
    title = _l("Buat tahap baru")
    submit_label = _l("Buat tahap")
    template_name = "assistance/tranche_create.html"

    created: Tranche | None = None

    def get_success_url(self) -> str:
        return tranche_url(self.created) if self.created else scheme_url(self.object)

    def perform(self, form: Any) -> Tranche:
        self.created = services.tranche_create(actor=self.request.user, scheme=self.object)  # type: ignore[arg-type]
        self.success_message = _("Tahap %(number)d dibuat. Isi dengan penerima yang memenuhi syarat.") % {
            "number": self.created.number
        }
        return self.created
