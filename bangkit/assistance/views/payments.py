"""Paying a cash tranche: downloading its bank files, importing the banks' result files, the reconciliation, and
recording one payment's outcome by hand.

Bank files carry account numbers in clear: only users holding `assistance.send_tranche` over the scheme's region
download them, and each download is written to the file's access history.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET

from bangkit.assistance import selectors, services
from bangkit.assistance.choices import SchemeKind
from bangkit.assistance.forms import BankResultForm, PaymentRecordForm
from bangkit.assistance.models import BankFile, BankResult, Payment, Tranche
from bangkit.assistance.views.base import AssistanceActionView, TrancheStepView, tranche_actions, tranche_url
from bangkit.assistance.workflow import STEPS
from bangkit.audit.history import record_access
from bangkit.core.generic import ObjectDetailView

SEND_TRANCHE = STEPS["send"].permission
PROBLEMS_PER_PAGE = 100


@login_required
@require_GET
def bank_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment file as the bank receives it: the very bytes whose SHA-256 is on the record."""
    if not request.user.has_perm(SEND_TRANCHE):
        raise PermissionDenied
    files = BankFile.objects.restrict(request.user, "view", permission=SEND_TRANCHE).select_related("tranche")
    bank_file: BankFile = get_object_or_404(files, pk=pk)
    content = selectors.bank_file_bytes(bank_file)
    record_access(request, bank_file)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank_file.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class BankResultImportView(TrancheStepView):
    """Uploads a bank's result file; every line the import could not use is listed on the reconciliation."""

    permission = STEPS["record_results"].permission
    form_class = BankResultForm
    title = _l("Impor hasil bank")
    submit_label = _l("Impor")
    template_name = "assistance/bank_result_import.html"

    result: BankResult | None = None

    def perform(self, form: Any) -> BankResult:
        upload = form.cleaned_data["file"]
        self.result = services.bank_result_import(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            filename=upload.name or "hasil.csv",
            content=upload.read(),
        )
        self.success_message = _(
            "%(lines)d baris dibaca: %(paid)d dibayar, %(failed)d gagal, %(problems)d bermasalah."
        ) % {
            "lines": self.result.lines,
            "paid": self.result.paid,
            "failed": self.result.failed,
            "problems": self.result.problems,
        }
        return self.result

    def get_success_url(self) -> str:
        if self.result is not None:
            return reverse("assistance:reconciliation", args=[self.object.pk])
        return tranche_url(self.object)


class ReconciliationView(ObjectDetailView):
    """Approved = paid + failed + pending (+ cancelled after approval), in people and rupiah, per tranche and per
    bank file; and every line of every result file that changed nothing, page by page, none left out."""

    queryset = Tranche.objects.select_related("scheme", "scheme__region", "approved_by")
    template_name = "assistance/reconciliation.html"
    context_object_name = "tranche"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tranche: Tranche = self.object
        figures = selectors.reconciliation(tranche)
        problems = Paginator(
            figures.problems.order_by("result__created_at", "result_id", "line", "pk"), PROBLEMS_PER_PAGE
        )
        page = problems.get_page(self.request.GET.get("page"))
        context.update(
            tranche_actions(self.request.user, tranche),
            cash=tranche.scheme.kind == SchemeKind.CASH,
            figures=figures,
            rows=[
                (_("Dibayar / diserahkan"), figures.paid),
                (_("Gagal"), figures.failed),
                (_("Menunggu"), figures.pending),
                (_("Dibatalkan setelah disetujui"), figures.cancelled),
            ],
            difference_people=figures.approved.people - figures.accounted.people,
            difference_rupiah=figures.approved.rupiah - figures.accounted.rupiah,
            results=list(tranche.bank_results.select_related("imported_by")),
            problems=page.object_list,
            page_obj=page,
            paginator=problems,
            is_paginated=page.has_other_pages(),
        )
        return context


class PaymentRecordView(AssistanceActionView):
    """Records one payment's outcome as the bank reported it outside a result file (a letter, a statement)."""

    queryset = Payment.objects.select_related(
        "entitlement", "entitlement__person", "bank_file", "bank_file__bank", "bank_file__tranche"
    ).defer("account_number")
    permission = SEND_TRANCHE
    form_class = PaymentRecordForm
    title = _l("Catat hasil pembayaran")
    template_name = "assistance/payment_record.html"
    success_message = _l("Hasil pembayaran tercatat.")

    def get_success_url(self) -> str:
        return tranche_url(self.object.bank_file.tranche_id)

    def perform(self, form: Any) -> Payment:
        data = form.cleaned_data
        return services.payment_record(
            actor=self.request.user,  # type: ignore[arg-type]
            payment=self.object,
            outcome=data["outcome"],
            settled_on=data["settled_on"],
            bank_reference=data["bank_reference"],
            failure_code=data["failure_code"],
            reason=data["reason"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(payment=self.object, tranche=self.object.bank_file.tranche)
        return context
