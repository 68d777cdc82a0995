"""Handing over an in-kind tranche: one page with the Berita Acara's header, the checklist of recipients to tick as
handed their package, and the scan of the receipt signed on paper; plus the printable documents (the BAST of a
tranche, a person's receipt), made by `assistance.pdf`."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from bangkit.assistance import services
from bangkit.assistance.choices import EntitlementState, SchemeKind
from bangkit.assistance.forms import HandoverReceiptForm, HandoverRecordForm, HandoverScanForm
from bangkit.assistance.models import Entitlement, HandoverReceipt, SchemeItem, Tranche
from bangkit.assistance.views.base import TrancheStepView, tranche_actions
from bangkit.assistance.workflow import STEPS
from bangkit.audit.history import record_access
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView
from bangkit.core.uploads import scan_response

RECIPIENTS_PER_PAGE = 100
VIEW_TRANCHE = "assistance.view_tranche"
VIEW_ENTITLEMENT = "assistance.view_entitlement"


def _items(tranche: Tranche) -> list[SchemeItem]:
    return list(SchemeItem.objects.filter(scheme_id=tranche.scheme_id).order_by("id"))


def handover_context(request: HttpRequest, tranche: Tranche, **forms: Any) -> dict[str, Any]:
    """What the handover page shows; `forms` replaces a form by the bound one a failed POST sent back."""
    user: Any = request.user
    if tranche.scheme.kind != SchemeKind.IN_KIND:
        raise Http404
    receipt = HandoverReceipt.objects.filter(tranche=tranche).select_related("signed_copy_by").first()
    items = _items(tranche)
    rows = (
        Entitlement.objects.restrict(user, "view")
        .filter(tranche=tranche)
        .exclude(state=EntitlementState.CANCELLED)
        .select_related("person__region__parent__parent", "handover", "handover__officer")
        .only(
            *(field.name for field in Entitlement._meta.concrete_fields),
            "person__full_name",
            "person__region",
            "person__region__name",
            "person__region__parent",
            "person__region__parent__parent",
            "person__region__parent__parent__name",
            "handover__handed_on",
            "handover__note",
            "handover__officer",
            "handover__officer__full_name",
            "handover__officer__email",
            "handover__entitlement",
        )
        .order_by("person__full_name", "pk")
    )
    page = Paginator(rows, RECIPIENTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = {
        state: tranche.entitlements.filter(state=state).count()
        for state in (EntitlementState.APPROVED, EntitlementState.PAID)
    }
    default_day = receipt.handed_on if receipt else timezone.localdate()
    if "receipt_form" not in forms:
        initial = {"number": receipt.number, "place": receipt.place, "handed_on": receipt.handed_on} if receipt else {}
        forms["receipt_form"] = HandoverReceiptForm(initial=initial)
    forms.setdefault(
        "record_form", HandoverRecordForm(tranche=tranche, items=items, initial={"handed_on": default_day})
    )
    forms.setdefault("scan_form", HandoverScanForm())
    ticked = (
        {str(pk) for pk in forms["record_form"].data.getlist("entitlements")}
        if forms["record_form"].is_bound
        else set()
    )
    return {
        **tranche_actions(user, tranche),
        **forms,
        "tranche": tranche,
        "receipt": receipt,
        "items": items,
        "rows": page.object_list,
        "ticked": ticked,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "waiting": counts[EntitlementState.APPROVED],
        "handed": counts[EntitlementState.PAID],
    }


class HandoverView(ObjectDetailView):
    queryset = Tranche.objects.select_related("scheme", "scheme__region", "prepared_by", "approved_by")
    template_name = "assistance/handover.html"
    context_object_name = "tranche"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(handover_context(self.request, self.object))
        return context


class _HandoverStepView(TrancheStepView):
    """A form of the handover page: on a refusal the whole page comes back with this form's errors."""

    template_name = "assistance/handover.html"
    form_name: ClassVar[str]

    def get_success_url(self) -> str:
        return reverse("assistance:handover", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(handover_context(self.request, self.object, **{self.form_name: context["form"]}))
        return context


class HandoverReceiptSaveView(_HandoverStepView):
    permission = STEPS["hand_over"].permission
    form_class = HandoverReceiptForm
    form_name = "receipt_form"
    success_message = _l("Berita acara tersimpan. Cetak, bawa ke serah terima, lalu unggah pindaiannya.")

    def perform(self, form: Any) -> HandoverReceipt:
        data = form.cleaned_data
        return services.handover_receipt_save(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            number=data["number"],
            place=data["place"],
            handed_on=data["handed_on"],
        )


class HandoverRecordView(_HandoverStepView):
    permission = STEPS["hand_over"].permission
    form_class = HandoverRecordForm
    form_name = "record_form"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tranche": self.object, "items": _items(self.object)}

    def perform(self, form: Any) -> int:
        data = form.cleaned_data
        count = services.handover_record(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            entitlements=list(data["entitlements"]),
            handed_on=data["handed_on"],
            quantities=form.quantities(),
            note=data["note"],
        )
        self.success_message = ngettext(
            "Serah terima %(count)d penerima tercatat.", "Serah terima %(count)d penerima tercatat.", count
        ) % {"count": count}
        return count


class HandoverScanView(_HandoverStepView):
    permission = STEPS["attach_receipt"].permission
    form_class = HandoverScanForm
    form_name = "scan_form"
    success_message = _l("Pindaian berita acara yang ditandatangani tersimpan.")

    def perform(self, form: Any) -> HandoverReceipt:
        return services.handover_receipt_attach(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            scan=form.cleaned_data["scan"],
        )


def _scoped(queryset: Any, request: HttpRequest, pk: int, permission: str) -> Any:
    """The record `pk` if the user holds `permission` over its region; 403 without it anywhere, else 404."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(queryset.restrict(request.user, "view", permission=permission), pk=pk)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def handover_scan(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed Berita Acara as scanned, to users who may see the tranche; each download logged."""
    tranche: Tranche = _scoped(Tranche.objects.all(), request, pk, VIEW_TRANCHE)
    receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
    if receipt is None:
        raise Http404
    return scan_response(request, receipt, receipt.signed_copy, filename_stem=f"bast-tahap-{tranche.pk}")


@login_required
@require_GET
def handover_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The Berita Acara Serah Terima of an in-kind tranche, to print: recipients, items, signature columns."""
    from bangkit.assistance import pdf

    tranche: Tranche = _scoped(
        Tranche.objects.select_related("scheme", "scheme__organisation", "scheme__region"), request, pk, VIEW_TRANCHE
    )
    if tranche.scheme.kind != SchemeKind.IN_KIND:
        raise Http404
    try:
        content = pdf.handover_receipt_pdf(tranche)
    except ServiceError as exc:
        raise Http404 from exc
    record_access(request, tranche)
    return _pdf(content, f"bast-tahap-{tranche.pk}.pdf")


@login_required
@require_GET
def payment_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's receipt for what they were paid or handed under one entitlement."""
    from bangkit.assistance import pdf

    entitlement: Entitlement = _scoped(
        Entitlement.objects.select_related("scheme", "tranche", "person"), request, pk, VIEW_ENTITLEMENT
    )
    if entitlement.state != EntitlementState.PAID:
        raise Http404
    try:
        content = pdf.payment_receipt_pdf(entitlement)
    except ServiceError as exc:  # nothing received after all
        raise Http404 from exc
    record_access(request, entitlement)
    return _pdf(content, f"tanda-terima-bantuan-{entitlement.pk}.pdf")
