"""Forms of the livelihoods pages. They read and check input; the services decide and write. The visit form is
the one filled in on a phone at the person's home: few fields, numeric keyboards for amounts, big radio buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkit.cases.choices import FamilySituation
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import (
    BusinessRunning,
    EnterpriseForm,
    EnterpriseKind,
    EnterpriseStatus,
    Health,
    MemberRole,
    MigrationIntention,
    RiskFactor,
)
from bangkit.livelihoods.models import MAX_MONTHLY_RUPIAH, Enterprise
from bangkit.registry.choices import DepartureRoute, TravelDocument
from bangkit.registry.forms_details import DateInput
from bangkit.registry.selectors.details import country_choices

_RUPIAH = forms.NumberInput(attrs={"inputmode": "numeric", "step": 1})


def _radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def _rupiah(label: Any, *, allow_negative: bool = False, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=-MAX_MONTHLY_RUPIAH if allow_negative else 0,
        max_value=MAX_MONTHLY_RUPIAH,
        widget=_RUPIAH,
        help_text=help_text,
    )


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=DateInput)
    business = forms.ChoiceField(
        label=_("Apakah usahanya berjalan?"), choices=BusinessRunning.choices, widget=_radios()
    )
    enterprise = forms.ModelChoiceField(label=_("Usaha"), queryset=Enterprise.objects.none(), required=False)
    monthly_revenue = _rupiah(_("Omzet sebulan (Rp)"))
    monthly_profit = _rupiah(_("Laba sebulan (Rp)"), allow_negative=True, help_text=_("Tulis minus bila merugi."))
    household_income = _rupiah(_("Penghasilan rumah tangga sebulan (Rp)"))
    other_work = forms.CharField(label=_("Pekerjaan lain"), max_length=200, required=False)
    debt_amount = _rupiah(_("Utang saat ini (Rp)"), help_text=_("Kosongkan atau 0 bila tidak berutang."))
    debt_note = forms.CharField(label=_("Utang kepada siapa, untuk apa"), max_length=300, required=False)
    family_situation = forms.ChoiceField(
        label=_("Situasi keluarga"), choices=[("", "—"), *FamilySituation.choices], required=False
    )
    health = forms.ChoiceField(label=_("Kesehatan"), choices=[("", "—"), *Health.choices], required=False)
    recruiter_contact = forms.BooleanField(
        label=_("Didekati perekrut, calo atau sponsor yang menawarkan kerja ke luar negeri"), required=False
    )
    migration_intention = forms.ChoiceField(
        label=_("Berniat bermigrasi lagi?"),
        choices=[("", "—"), *MigrationIntention.choices],
        required=False,
        widget=_radios(),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Foto usaha (boleh tidak ada)"),
        required=False,
        help_text=_("JPEG atau PNG, paling besar 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args: Any, enterprises: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["enterprise"]
        if enterprises is None or not enterprises.exists():
            del self.fields["enterprise"]
        else:
            field.queryset = enterprises

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["debt_amount"] = values.get("debt_amount") or None
        values.setdefault("enterprise", None)
        return values


class RemigrationForm(forms.Form):
    departed_on = forms.DateField(label=_("Tanggal berangkat"), widget=DateInput)
    country = forms.ChoiceField(label=_("Negara tujuan"), choices=())
    route = forms.ChoiceField(label=_("Jalur"), choices=DepartureRoute.choices, widget=_radios())
    documents_held = forms.MultipleChoiceField(
        label=_("Dokumen yang dimiliki"),
        choices=TravelDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    through = forms.CharField(label=_("Melalui (agen / sponsor)"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Keterangan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country: Any = self.fields["country"]
        country.choices = country_choices()


class AlertResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Tindakan yang diambil"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class EnterpriseCreateForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=200)
    form = forms.ChoiceField(label=_("Bentuk"), choices=EnterpriseForm.choices, widget=_radios())
    kind = forms.ChoiceField(label=_("Jenis usaha"), choices=EnterpriseKind.choices)
    started_on = forms.DateField(
        label=_("Mulai berjalan"), required=False, widget=DateInput, help_text=_("Kosongkan bila baru direncanakan.")
    )
    sells_at = forms.CharField(label=_("Tempat berjualan"), max_length=300, required=False)


class EnterpriseStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status baru"),
        choices=[(value, label) for value, label in EnterpriseStatus.choices if value != EnterpriseStatus.PLANNED],
        widget=_radios(),
    )
    on = forms.DateField(label=_("Sejak tanggal"), widget=DateInput)
    reason = forms.CharField(
        label=_("Alasan"), max_length=300, required=False, help_text=_("Wajib bila usaha berhenti atau tutup.")
    )


class EnterpriseJoinForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Kelompok usaha"), queryset=Enterprise.objects.none())
    role = forms.ChoiceField(label=_("Peran"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    joined_on = forms.DateField(label=_("Bergabung"), required=False, widget=DateInput)

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["enterprise"]
        field.queryset = groups


class RiskWeightsForm(forms.Form):
    """A weight and its rationale per factor, and the thresholds: what an administrator sets."""

    medium_from = forms.IntegerField(label=_("Sedang mulai skor"), min_value=1, max_value=100)
    high_from = forms.IntegerField(label=_("Tinggi mulai skor"), min_value=1, max_value=100)
    high_visit_days = forms.IntegerField(label=_("Kunjungan risiko tinggi dalam (hari)"), min_value=1, max_value=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in risk.FACTORS:
            label = RiskFactor(factor).label
            self.fields[f"weight_{factor}"] = forms.IntegerField(
                label=label, min_value=0, max_value=10, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
            )
            self.fields[f"rationale_{factor}"] = forms.CharField(
                label=_("Alasan: %(factor)s") % {"factor": label},
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        medium, high = cleaned.get("medium_from"), cleaned.get("high_from")
        if medium is not None and high is not None and medium >= high:
            self.add_error("high_from", _("Ambang tinggi harus lebih besar dari ambang sedang."))
        return cleaned

    def factor_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"weight_{factor}"], self[f"rationale_{factor}"]) for factor in risk.FACTORS]

    def weights(self) -> dict[str, tuple[int, str]]:
        return {
            factor: (self.cleaned_data[f"weight_{factor}"], self.cleaned_data[f"rationale_{factor}"])
            for factor in risk.FACTORS
        }
