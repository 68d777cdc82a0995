"""Pages of business-development proposals: the list, a proposal with its budget, attachments, eligibility, the
buttons of the steps the user may take and its history, the draft's forms, and one form per workflow step. Every
write goes through `livelihoods.proposals`; a refusal shows on the form."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET

from bangkit.core.generic import ObjectDetailView, ObjectListView, RecordFormView, ScopedViewMixin
from bangkit.core.scoping import ScopedQuerySet
from bangkit.core.uploads import scan_response
from bangkit.livelihoods import proposal_forms as forms
from bangkit.livelihoods import proposals
from bangkit.livelihoods.choices import ProposalState
from bangkit.livelihoods.models import Enterprise, Proposal, ProposalAttachment
from bangkit.livelihoods.proposal_filters import ProposalFilterSet
from bangkit.livelihoods.proposal_selectors import open_milestones, proposal_actions, proposal_eligibility
from bangkit.livelihoods.proposal_workflow import RETURN_PERMISSIONS, STEPS
from bangkit.livelihoods.views import PersonFormView


def _enterprises_of(user: Any, person_id: int) -> Any:
    return (
        Enterprise.objects.restrict(user, "view")
        .filter(members__person=person_id, members__left_on__isnull=True)
        .order_by("name")
    )


class ProposalListView(ObjectListView):
    queryset = Proposal.objects.select_related("person").order_by("-id")
    filterset_class = ProposalFilterSet
    columns = [
        (_l("Judul"), "title"),
        (_l("Pengusul"), "person.full_name"),
        (_l("Jumlah diminta (Rp)"), "amount_requested"),
        (_l("Status"), "get_state_display"),
        (_l("Diajukan pada"), "submitted_at"),
    ]


class ProposalDetailView(ObjectDetailView):
    queryset = Proposal.objects.select_related(
        "person",
        "enterprise",
        "prepared_by",
        "submitted_by",
        "recommended_by",
        "verified_by",
        "decided_by",
        "funded_by",
        "scheme",
        "entitlement__tranche",
    )
    template_name = "livelihoods/proposal_detail.html"
    context_object_name = "proposal"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        proposal: Proposal = self.object
        lines = list(proposal.budget_lines.all())
        user: Any = self.request.user
        # The proposal's business is named only to those who may see it (it stays where it was set up when its
        # members move); the others are told it is outside their jurisdiction.
        enterprise_visible = (
            proposal.enterprise_id is not None
            and Enterprise.objects.restrict(user, "view").filter(pk=proposal.enterprise_id).exists()
        )
        context.update(
            lines=lines,
            total=sum(line.total for line in lines),
            enterprise_visible=enterprise_visible,
            attachments=list(proposal.attachments.all()),
            milestones=list(proposal.milestones.all()),
            eligibility=proposal_eligibility(proposal, user=user),
            actions=proposal_actions(self.request.user, proposal),
            may_edit=proposals.may_take(self.request.user, "edit", proposal),
            today=timezone.localdate(),
        )
        context["may_record_milestone"] = proposals.may_take(self.request.user, "record_milestone", proposal) and any(
            milestone.done_on is None for milestone in context["milestones"]
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class ProposalCreateView(PersonFormView):
    permission = "livelihoods.add_proposal"
    form_class = forms.ProposalForm
    title = _l("Proposal pengembangan usaha")
    success_message = _l("Proposal disimpan sebagai konsep; tambahkan rincian anggarannya.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enterprises"] = _enterprises_of(self.request.user, self.object.pk)
        return kwargs

    def perform(self, form: Any) -> Any:
        self.proposal = proposals.proposal_create(actor=self.request.user, person=self.object, **form.cleaned_data)  # type: ignore[arg-type]
        return self.proposal

    def get_success_url(self) -> str:
        proposal = getattr(self, "proposal", None)
        return proposal.get_absolute_url() if proposal else super().get_success_url()


class ProposalStepView(RecordFormView):
    """One step of the workflow (or a change of the draft) on one proposal, under the step's permission."""

    queryset = Proposal.objects.select_related("person")
    action = "change"
    template_name = "livelihoods/form.html"
    step: ClassVar[str]
    title: ClassVar[str | Promise] = ""
    intro: ClassVar[str | Promise] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.permission = STEPS[cls.step].permission

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"{self.title}: {self.object.title}",
            intro=self.intro,
            person=self.object.person,
            cancel_url=self.get_success_url(),
        )
        return context


class ProposalEditView(ProposalStepView):
    step = "edit"
    form_class = forms.ProposalForm
    title = _l("Ubah proposal")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if self.object.state != ProposalState.DRAFT:
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enterprises"] = _enterprises_of(self.request.user, self.object.person_id)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.object, name) for name in proposals.DRAFT_FIELDS}

    def perform(self, form: Any) -> Any:
        return proposals.proposal_update(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class BudgetLineAddView(ProposalStepView):
    step = "edit"
    form_class = forms.BudgetLineForm
    title = _l("Tambah rincian anggaran")
    success_message = _l("Rincian anggaran ditambahkan.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_budget_line_add(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class BudgetLineChangeView(ProposalStepView):
    """Corrects one line of the draft's budget; `?line=<id>` (the link beside each line) chooses it."""

    step = "edit"
    form_class = forms.BudgetLineChangeForm
    title = _l("Ubah rincian anggaran")
    success_message = _l("Rincian anggaran diubah.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        lines = self.object.budget_lines.all()
        kwargs["lines"] = lines
        if self.request.method == "GET":
            chosen = _int_or_none(self.request.GET.get("line"))
            line = lines.filter(pk=chosen).first() if chosen is not None else None
            if line is not None:
                kwargs["initial"] = {
                    **kwargs.get("initial", {}),
                    "line": line,
                    "item": line.item,
                    "quantity": line.quantity,
                    "unit_cost": line.unit_cost,
                }
        return kwargs

    def perform(self, form: Any) -> Any:
        return proposals.proposal_budget_line_change(actor=self.request.user, **form.cleaned_data)  # type: ignore[arg-type]


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class BudgetLineRemoveView(ProposalStepView):
    step = "edit"
    form_class = forms.BudgetLineRemoveForm
    title = _l("Hapus rincian anggaran")
    success_message = _l("Rincian anggaran dihapus.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["lines"] = self.object.budget_lines.all()
        return kwargs

    def perform(self, form: Any) -> Any:
        return proposals.proposal_budget_line_remove(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class AttachmentAddView(ProposalStepView):
    step = "edit"
    form_class = forms.AttachmentForm
    title = _l("Unggah lampiran")
    success_message = _l("Lampiran diunggah.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_attachment_add(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class SubmitView(ProposalStepView):
    step = "submit"
    form_class = forms.ConfirmForm
    title = _l("Ajukan proposal")
    intro = _l(
        "Proposal dikirim ke Dinas Sosial kabupaten/kota untuk direkomendasikan; setelah itu tidak dapat diubah."
    )
    success_message = _l("Proposal diajukan.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_submit(actor=self.request.user, proposal=self.object)  # type: ignore[arg-type]


class RecommendView(ProposalStepView):
    step = "recommend"
    form_class = forms.NoteForm
    title = _l("Rekomendasikan proposal")
    success_message = _l("Proposal direkomendasikan ke provinsi.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_recommend(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class VerifyView(ProposalStepView):
    step = "verify"
    form_class = forms.NoteForm
    title = _l("Verifikasi proposal")
    success_message = _l("Proposal diverifikasi dan diteruskan ke Direktorat.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_verify(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class ApproveView(ProposalStepView):
    step = "approve"
    form_class = forms.ApproveForm
    title = _l("Setujui proposal")
    success_message = _l("Proposal disetujui.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_approve(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class RejectView(ProposalStepView):
    step = "reject"
    form_class = forms.ReasonForm
    title = _l("Tolak proposal")
    success_message = _l("Proposal ditolak.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_reject(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class ReturnView(ProposalStepView):
    """Taken by whoever reviews the proposal in its present state: any of the three reviewers' permissions opens
    the page, the service checks the one the state asks for."""

    form_class = forms.ReasonForm
    title = _l("Kembalikan proposal untuk diperbaiki")
    success_message = _l("Proposal dikembalikan ke pengusul.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not any(user.has_perm(permission) for permission in RETURN_PERMISSIONS):
            raise PermissionDenied
        # Past ScopedViewMixin's check of a single permission: the queryset below narrows by all three.
        return super(ScopedViewMixin, self).dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def get_queryset(self) -> ScopedQuerySet[Any]:
        reachable = Q()
        for permission in RETURN_PERMISSIONS:
            reachable |= Q(pk__in=Proposal.objects.restrict(self.request.user, "change", permission=permission))
        return self.queryset.filter(reachable)

    def perform(self, form: Any) -> Any:
        return proposals.proposal_return(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class FundView(ProposalStepView):
    step = "fund"
    form_class = forms.FundForm
    title = _l("Danai proposal")
    intro = _l(
        "Hak bantuan sebesar jumlah yang disetujui dimasukkan ke tahap berstatus konsep yang Anda siapkan dalam "
        "skema ini; petugas keuangan lain menyetujui tahap itu, lalu dibayar seperti bantuan lain."
    )
    success_message = _l("Proposal didanai; hak bantuannya menunggu persetujuan tahap.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form: Any) -> Any:
        return proposals.proposal_fund(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class MilestoneAddView(ProposalStepView):
    step = "add_milestone"
    form_class = forms.MilestoneForm
    title = _l("Tambah capaian")
    success_message = _l("Capaian ditambahkan.")

    def perform(self, form: Any) -> Any:
        return proposals.proposal_milestone_add(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


class MilestoneRecordView(ProposalStepView):
    step = "record_milestone"
    form_class = forms.MilestoneRecordForm
    title = _l("Catat capaian")
    success_message = _l("Capaian dicatat.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["milestones"] = open_milestones(self.object)
        kwargs.setdefault("initial", {})["done_on"] = timezone.localdate()
        return kwargs

    def perform(self, form: Any) -> Any:
        return proposals.proposal_milestone_record(actor=self.request.user, proposal=self.object, **form.cleaned_data)  # type: ignore[arg-type]


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, to users who may see its proposal's attachments where the person lives; the download is
    written to its access history."""
    user: Any = request.user
    if not user.has_perm("livelihoods.view_proposalattachment"):
        raise PermissionDenied
    attachment = ProposalAttachment.objects.restrict(user, "view").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return scan_response(
        request, attachment, attachment.scan, filename_stem=f"proposal-{attachment.proposal_id}-lampiran-{pk}"
    )
