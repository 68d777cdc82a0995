"""Pages of a tranche: its page (state, people, decree, totals, recipients, bank files) and each step of its
workflow, plus taking one person out, putting them back and re-issuing a failed payment."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from bangkit.assistance import selectors, services
from bangkit.assistance.choices import EntitlementState, PaymentOutcome, SchemeKind, TrancheState
from bangkit.assistance.filtersets import EntitlementFilterSet
from bangkit.assistance.forms import ApproveForm, ConfirmForm, ReasonForm
from bangkit.assistance.models import Entitlement, HandoverReceipt, Payment, Tranche
from bangkit.assistance.views.base import AssistanceActionView, TrancheStepView, tranche_actions, tranche_url
from bangkit.assistance.workflow import STEPS
from bangkit.audit.history import record_access
from bangkit.core.generic import ObjectDetailView
from bangkit.core.scoping import holds_over
from bangkit.registry.masking import UNMASK_ACCOUNT_NUMBERS, may_unmask

RECIPIENTS_PER_PAGE = 50


def recipients(user: Any, tranche: Tranche) -> Any:
    """The tranche's entitlements the user may see, with what a row shows: name, village and regency, account,
    and (cash, once sent) the payment awaiting the bank's answer. Three queries per page, whatever its length."""
    rows = (
        Entitlement.objects.restrict(user, "view")
        .filter(tranche=tranche)
        .select_related("person__region__parent__parent", "bank_account__bank")
        .only(
            *(field.name for field in Entitlement._meta.concrete_fields),
            "person__full_name",
            "person__region",
            "person__region__name",
            "person__region__parent",
            "person__region__parent__name",
            "person__region__parent__parent",
            "person__region__parent__parent__name",
            "bank_account__bank",
            "bank_account__bank__short_name",
            "bank_account__account_number",
            "bank_account__status",
        )
        .order_by("person__full_name", "pk")
    )
    if tranche.scheme.kind == SchemeKind.CASH and tranche.state in (TrancheState.SENT, TrancheState.CLOSED):
        pending = Payment.objects.filter(outcome=PaymentOutcome.PENDING).only(
            "id", "entitlement_id", "attempt", "reference", "outcome"
        )
        with_payments: Any = rows.prefetch_related(Prefetch("payments", queryset=pending, to_attr="pending_payments"))
        return with_payments
    return rows


class TrancheDetailView(ObjectDetailView):
    queryset = Tranche.objects.select_related(
        "scheme", "scheme__region", "prepared_by", "approved_by", "second_approved_by"
    )
    template_name = "assistance/tranche_detail.html"
    context_object_name = "tranche"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tranche: Tranche = self.object
        user: Any = self.request.user
        cash = tranche.scheme.kind == SchemeKind.CASH
        filterset = EntitlementFilterSet(self.request.GET or None, queryset=recipients(user, tranche))
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
        page = Paginator(rows, RECIPIENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        may_see_numbers = user.has_perm(UNMASK_ACCOUNT_NUMBERS)
        in_clear = may_see_numbers and self.request.GET.get("accounts") == "clear"
        for entitlement in page.object_list:
            account = entitlement.bank_account
            clear = in_clear and account is not None and may_unmask(user, UNMASK_ACCOUNT_NUMBERS, entitlement.person)
            if account is not None:
                entitlement.shown_number = account.account_number if clear else account.masked_number
            if clear:
                record_access(self.request, entitlement.person)
            pending = getattr(entitlement, "pending_payments", [])
            entitlement.pending_payment = next((p for p in pending if p.attempt == entitlement.attempt), None)
        people, rupiah = selectors.tranche_total(tranche)
        states = {
            row["state"]: row["count"]
            for row in tranche.entitlements.values("state").annotate(count=Count("pk")).order_by()
        }
        actions = tranche_actions(user, tranche)
        if tranche.state == TrancheState.SENT and not states.get(EntitlementState.APPROVED):
            actions["may_send"] = False  # nothing re-issued waits for a further sending
        context.update(
            actions,
            cash=cash,
            people=people,
            total=rupiah,
            states=[(state, state.label, states[state]) for state in EntitlementState if states.get(state)],
            filterset=filterset,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            paginator=page.paginator,
            entitlements=page.object_list,
            may_see_numbers=may_see_numbers,
            numbers_in_clear=in_clear,
            bank_files=list(tranche.bank_files.select_related("bank", "created_by")) if cash else [],
            results=list(tranche.bank_results.select_related("imported_by")) if cash else [],
            receipt=None if cash else HandoverReceipt.objects.filter(tranche=tranche).first(),
        )
        return context


class TrancheFillView(TrancheStepView):
    permission = STEPS["prepare"].permission
    form_class = ConfirmForm
    title = _l("Isi tahap dengan penerima")
    submit_label = _l("Isi tahap")
    template_name = "assistance/tranche_fill.html"

    def perform(self, form: Any) -> int:
        added = services.tranche_fill(actor=self.request.user, tranche=self.object)  # type: ignore[arg-type]
        self.success_message = (
            ngettext(
                "%(count)d penerima ditambahkan ke tahap ini.", "%(count)d penerima ditambahkan ke tahap ini.", added
            )
            % {"count": added}
            if added
            else _("Tidak ada penerima baru yang memenuhi syarat; tahap ini tidak berubah.")
        )
        return added

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rules"] = selectors.eligibility_rules(self.object.scheme)
        return context


class TrancheSubmitView(TrancheStepView):
    permission = STEPS["submit"].permission
    form_class = ConfirmForm
    title = _l("Ajukan tahap untuk disetujui")
    submit_label = _l("Ajukan")
    success_message = _l("Tahap diajukan; menunggu persetujuan petugas lain.")

    def perform(self, form: Any) -> Tranche:
        return services.tranche_submit(actor=self.request.user, tranche=self.object)  # type: ignore[arg-type]


class TrancheReturnView(TrancheStepView):
    permission = STEPS["return"].permission
    form_class = ConfirmForm
    title = _l("Kembalikan tahap kepada penyiapnya")
    submit_label = _l("Kembalikan")
    submit_class = "btn-warning"
    success_message = _l("Tahap dikembalikan menjadi konsep.")

    def perform(self, form: Any) -> Tranche:
        return services.tranche_return(actor=self.request.user, tranche=self.object)  # type: ignore[arg-type]


class TrancheApproveView(TrancheStepView):
    """Approves the list under the decree (SK penerima); above the scheme's threshold the first of two approvals.
    Asks for the password (or second factor) again unless it was entered within the last few minutes."""

    permission = STEPS["approve"].permission
    form_class = ApproveForm
    title = _l("Setujui tahap")
    submit_label = _l("Setujui")
    submit_class = "btn-success"
    template_name = "assistance/tranche_approve.html"
    reauthenticate = True

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tranche": self.object}

    def perform(self, form: Any) -> Tranche:
        data = form.cleaned_data
        tranche = services.tranche_approve(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            decree_number=data.get("decree_number", ""),
            decree_date=data.get("decree_date"),
        )
        self.success_message = (
            _("Tahap disetujui; daftar penerima dan nilainya kini dibekukan.")
            if tranche.state == TrancheState.APPROVED
            else _("Persetujuan pertama tercatat. Tahap ini perlu persetujuan kedua oleh petugas lain.")
        )
        return tranche

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        people, total = selectors.tranche_total(self.object)
        context.update(
            tranche_actions(self.request.user, self.object),
            people=people,
            total=total,
            committed_elsewhere=selectors.committed_elsewhere(self.object),
        )
        return context


class TrancheCancelView(TrancheStepView):
    permission = STEPS["cancel"].permission
    form_class = ReasonForm
    title = _l("Batalkan tahap")
    submit_label = _l("Ya, batalkan tahap")
    submit_class = "btn-danger"
    template_name = "assistance/tranche_cancel.html"
    success_message = _l("Tahap dibatalkan. Hak bantuannya tetap tercatat sebagai dibatalkan.")

    def perform(self, form: Any) -> Tranche:
        return services.tranche_cancel(
            actor=self.request.user,  # type: ignore[arg-type]
            tranche=self.object,
            reason=form.cleaned_data["reason"],
        )


class TrancheSendView(TrancheStepView):
    """Makes the bank files of an approved cash tranche (or of the payments re-issued since it was sent). Asks for
    the password (or second factor) again unless it was entered within the last few minutes."""

    permission = STEPS["send"].permission
    form_class = ConfirmForm
    title = _l("Kirim ke bank")
    submit_label = _l("Buat berkas bank")
    template_name = "assistance/tranche_send.html"
    reauthenticate = True

    def perform(self, form: Any) -> Any:
        files = services.tranche_send(actor=self.request.user, tranche=self.object)  # type: ignore[arg-type]
        self.success_message = ngettext(
            "%(count)d berkas bank dibuat. Unduh dan kirimkan ke bank.",
            "%(count)d berkas bank dibuat. Unduh dan kirimkan ke bank.",
            len(files),
        ) % {"count": len(files)}
        return files

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        waiting = (
            self.object.entitlements.filter(state=EntitlementState.APPROVED)
            .values("bank_account__bank__short_name", "bank_account__bank")
            .annotate(people=Count("pk"), rupiah=Sum("amount"))
            .order_by("bank_account__bank")
        )
        context["waiting"] = list(waiting)
        return context


class TrancheCloseView(TrancheStepView):
    permission = STEPS["close"].permission
    form_class = ConfirmForm
    title = _l("Tutup tahap")
    submit_label = _l("Tutup tahap")
    success_message = _l("Tahap ditutup.")

    def perform(self, form: Any) -> Tranche:
        return services.tranche_close(actor=self.request.user, tranche=self.object)  # type: ignore[arg-type]


# --- one person of a tranche -------------------------------------------------------------------------------


class _EntitlementStepView(AssistanceActionView):
    """A step on one entitlement. It is found among those the user may see (else 404); the step's permission must
    be held over the scheme's region, as the service demands (else 403)."""

    queryset = Entitlement.objects.select_related(
        "tranche", "tranche__scheme", "tranche__scheme__region", "person", "scheme"
    )
    permission = "assistance.view_entitlement"
    template_name = "assistance/entitlement_form.html"

    def step(self, entitlement: Entitlement) -> str:
        raise NotImplementedError

    def get_object(self, queryset: Any = None) -> Entitlement:
        entitlement: Entitlement = super().get_object(queryset)
        step = STEPS[self.step(entitlement)]
        if not holds_over(self.request.user, step.permission, entitlement.tranche.scheme.region_id):
            raise PermissionDenied
        return entitlement

    def get_success_url(self) -> str:
        return tranche_url(self.object.tranche_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(entitlement=self.object, tranche=self.object.tranche)
        return context


class EntitlementCancelView(_EntitlementStepView):
    """Takes one person out of a tranche, with the reason: from a draft by its preparer, later by an approver."""

    form_class = ReasonForm
    title = _l("Keluarkan penerima dari tahap")
    submit_label = _l("Keluarkan")
    submit_class = "btn-danger"
    success_message = _l("Penerima dikeluarkan dari tahap; hak bantuannya tercatat sebagai dibatalkan.")

    def step(self, entitlement: Entitlement) -> str:
        return "prepare" if entitlement.tranche.state == TrancheState.DRAFT else "cancel_entitlement"

    def perform(self, form: Any) -> Entitlement:
        return services.entitlement_cancel(
            actor=self.request.user,  # type: ignore[arg-type]
            entitlement=self.object,
            reason=form.cleaned_data["reason"],
        )


class EntitlementReinstateView(_EntitlementStepView):
    form_class = ConfirmForm
    title = _l("Masukkan kembali penerima ke tahap")
    submit_label = _l("Masukkan kembali")
    success_message = _l("Penerima dimasukkan kembali ke tahap.")

    def step(self, entitlement: Entitlement) -> str:
        return "prepare"

    def perform(self, form: Any) -> Entitlement:
        return services.entitlement_reinstate(actor=self.request.user, entitlement=self.object)  # type: ignore[arg-type]


class EntitlementReissueView(_EntitlementStepView):
    """Puts a failed payment back in line for the next sending, to the account as corrected and verified again."""

    form_class = ConfirmForm
    title = _l("Kirim ulang pembayaran yang gagal")
    submit_label = _l("Kirim ulang")
    success_message = _l("Pembayaran masuk antrean pengiriman berikutnya. Buat berkas bank untuk mengirimnya.")
    help_text: ClassVar[Any] = _l(
        "Pembayaran dikirim ulang sebagai hak bantuan yang sama, ke rekening yang sudah diperbaiki dan diverifikasi "
        "ulang sejak pembayaran gagal."
    )

    def step(self, entitlement: Entitlement) -> str:
        return "resend"

    def perform(self, form: Any) -> Entitlement:
        return services.entitlement_reissue(actor=self.request.user, entitlement=self.object)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["help_text"] = self.help_text
        return context
