"""Forms of the proposal pages, short enough for a phone: they read and check input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkit.assistance.models import Scheme
from bangkit.livelihoods.models import Enterprise, ProposalBudgetLine, ProposalMilestone
from bangkit.livelihoods.proposals import MAX_PROPOSAL_RUPIAH
from bangkit.registry.forms_details import DateInput

_RUPIAH = forms.NumberInput(attrs={"inputmode": "numeric", "step": 1})


def _rupiah(label: Any, *, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=MAX_PROPOSAL_RUPIAH, widget=_RUPIAH, required=required, help_text=help_text
    )


def _text(label: Any, *, required: bool = True, max_length: int = 1000, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    enterprise = forms.ModelChoiceField(label=_("Usaha"), queryset=Enterprise.objects.none(), required=False)
    business_plan = _text(_("Rencana usaha"), max_length=10_000, rows=6)
    expected_results = _text(_("Hasil yang diharapkan"), max_length=5_000)
    amount_requested = _rupiah(_("Jumlah diminta (Rp)"), help_text=_("Sama dengan jumlah rincian anggaran."))

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["enterprise"]
        field.queryset = enterprises


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Barang / keperluan"), max_length=200)
    quantity = forms.IntegerField(
        label=_("Jumlah"), min_value=1, max_value=100_000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    unit_cost = _rupiah(_("Harga satuan (Rp)"))


class BudgetLineChangeForm(BudgetLineForm):
    """The line to correct, then its new values (the page fills in the line's present ones)."""

    line = forms.ModelChoiceField(label=_("Rincian"), queryset=ProposalBudgetLine.objects.none())
    field_order = ["line", "item", "quantity", "unit_cost"]

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["line"]
        field.queryset = lines


class BudgetLineRemoveForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Rincian"), queryset=ProposalBudgetLine.objects.none())

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["line"]
        field.queryset = lines


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Keterangan"), max_length=200, help_text=_("Mis. foto usaha, penawaran harga."))
    scan = forms.FileField(
        label=_("Berkas"),
        help_text=_("PDF, JPEG atau PNG, paling besar 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ConfirmForm(forms.Form):
    """A step that needs nothing but the press of a button."""


class NoteForm(forms.Form):
    note = _text(_("Catatan (boleh kosong)"), required=False)


class ReasonForm(forms.Form):
    reason = _text(_("Alasan"))


class ApproveForm(forms.Form):
    amount_approved = _rupiah(
        _("Jumlah disetujui (Rp)"), required=False, help_text=_("Kosongkan untuk menyetujui sebesar yang diminta.")
    )
    note = _text(_("Catatan (boleh kosong)"), required=False)


class FundForm(forms.Form):
    # Cash or in-kind: the service holds the person to the chosen scheme's own rules (a verified bank account only
    # where the scheme requires one).
    scheme = forms.ModelChoiceField(label=_("Skema"), queryset=Scheme.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["scheme"]
        field.queryset = Scheme.objects.restrict(user, "change", permission="assistance.change_tranche").order_by(
            "-year", "name"
        )


class MilestoneForm(forms.Form):
    what = forms.CharField(label=_("Capaian"), max_length=300, help_text=_("Mis. omzet Rp 3 juta sebulan."))
    due_on = forms.DateField(label=_("Target tanggal"), widget=DateInput)


class MilestoneRecordForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Capaian"), queryset=ProposalMilestone.objects.none())
    done_on = forms.DateField(label=_("Tercapai pada"), widget=DateInput)
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["milestone"]
        field.queryset = milestones
