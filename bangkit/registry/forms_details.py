"""Forms of a person's details: bank accounts, consents, migration history, trafficking identification.

Forms only read and type what the user entered; the services decide (and their refusals come back on the fields).
Account numbers are never put into a form's initial values: a correction is typed in full, or left empty to keep
the number, so that the edit page shows no number to a user who may only see it masked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import Organisation
from bangkit.core.uploads import SCAN_MAX_BYTES
from bangkit.registry import choices
from bangkit.registry.models import Bank, BankAccount, Consent, MigrationStay, TraffickingIdentification
from bangkit.registry.selectors.details import country_choices


def _label(model: type[Any], field: str) -> Any:
    return capfirst(model._meta.get_field(field).verbose_name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _date(model: type[Any], field: str, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=_label(model, field), required=required, widget=DateInput, **kwargs)


def _checkboxes(choices_class: type[Any], label: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices_class.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        **kwargs,
    )


def _radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


class DatalistInput(forms.TextInput):
    """A text box with suggestions (`<datalist>`): any value may be typed, the suggestions save typing."""

    template_name = "registry/details/widgets/datalist.html"

    def __init__(self, suggestions: tuple[str, ...] | list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or 'id_' + name}_suggestions"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"].update(list_id=list_id, suggestions=self.suggestions)
        return context


def active_organisations(*, keep: list[int | None] | None = None) -> QuerySet[Organisation]:
    """Organisations a user may choose: the active ones, plus those already chosen on the record being edited."""
    kept = [pk for pk in (keep or []) if pk]
    queryset = Organisation.objects.filter(is_active=True)
    if kept:
        queryset = Organisation.objects.filter(is_active=True) | Organisation.objects.filter(pk__in=kept)
    return queryset.select_related("region").order_by("name")


class _UserForm(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


# --- Bank accounts ------------------------------------------------------------------------------------------


class BankField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bank) -> str:
        return f"{obj.short_name} ({obj.code})"


class BankAccountForm(_UserForm):
    bank = BankField(label=_label(BankAccount, "bank"), queryset=Bank.objects.none(), empty_label=_("— Pilih bank —"))
    account_number = forms.CharField(
        label=_label(BankAccount, "account_number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Seperti di buku tabungan; spasi dan tanda hubung boleh."),
    )
    holder_name = forms.CharField(
        label=_label(BankAccount, "holder_name"),
        max_length=200,
        help_text=_("Persis seperti tertulis di buku tabungan."),
    )
    is_primary = forms.BooleanField(
        label=_("Rekening utama (untuk pembayaran bantuan)"),
        required=False,
    )

    def __init__(self, *args: Any, account: BankAccount | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        banks = Bank.objects.filter(is_active=True)
        if account is not None:
            banks = banks | Bank.objects.filter(pk=account.bank_id)
            self.fields["account_number"].required = False
            self.fields["account_number"].help_text = _(
                "Kosongkan bila nomornya tidak berubah (sekarang %(masked)s). Mengubah bank, nomor atau nama "
                "pemilik membatalkan verifikasi."
            ) % {"masked": account.masked_number}
            self.initial.setdefault("bank", account.bank_id)
            self.initial.setdefault("holder_name", account.holder_name)
            self.initial.setdefault("is_primary", account.is_primary)
        self.fields["bank"].queryset = banks.order_by("short_name")  # type: ignore[attr-defined]


class BankAccountVerifyForm(_UserForm):
    method = forms.ChoiceField(
        label=_label(BankAccount, "verification_method"),
        choices=[("", _("— Pilih cara verifikasi —")), *choices.VerificationMethod.choices],
    )
    confirm_name_mismatch = forms.BooleanField(
        label=_("Saya sudah memastikan rekening ini milik orang ini, walau namanya berbeda."),
        required=False,
    )

    def __init__(self, *args: Any, account: BankAccount | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account is not None and not account.name_mismatch:
            del self.fields["confirm_name_mismatch"]


class BankAccountInvalidForm(_UserForm):
    reason = forms.CharField(
        label=_label(BankAccount, "invalid_reason"),
        max_length=300,
        help_text=_("Mis. rekening ditutup, tidak aktif (dormant), atau milik orang lain."),
    )


# --- Consents -----------------------------------------------------------------------------------------------


class ConsentForm(_UserForm):
    purpose = forms.ChoiceField(label=_label(Consent, "purpose"), choices=choices.ConsentPurpose.choices)
    shared_with = forms.ModelMultipleChoiceField(
        label=_label(Consent, "shared_with"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Untuk berbagi data: organisasi yang disebut dalam formulir."),
    )
    shared_with_any = forms.BooleanField(label=_label(Consent, "shared_with_any"), required=False)
    signed_by = forms.ChoiceField(
        label=_label(Consent, "signed_by"),
        choices=choices.ConsentSigner.choices,
        widget=_radios(),
        initial=choices.ConsentSigner.PERSON,
    )
    guardian_name = forms.CharField(label=_label(Consent, "guardian_name"), max_length=200, required=False)
    guardian_relationship = forms.CharField(
        label=_label(Consent, "guardian_relationship"), max_length=100, required=False
    )
    signed_on = _date(Consent, "signed_on", required=True)
    valid_until = _date(Consent, "valid_until", help_text=_("Kosongkan bila tidak dibatasi waktu."))
    scan = forms.FileField(
        label=_label(Consent, "scan"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        help_text=_("PDF, JPEG atau PNG, paling besar %(mb)d MB; boleh menyusul.") % {"mb": SCAN_MAX_BYTES // 1048576},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = active_organisations()  # type: ignore[attr-defined]
        self.initial.setdefault("signed_on", timezone.localdate())


class ConsentWithdrawForm(_UserForm):
    withdrawn_on = _date(Consent, "withdrawn_on", required=True)
    note = forms.CharField(label=_label(Consent, "withdrawal_note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())


class ConsentScanForm(_UserForm):
    scan = forms.FileField(
        label=_label(Consent, "scan"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        help_text=_("PDF, JPEG atau PNG, paling besar %(mb)d MB.") % {"mb": SCAN_MAX_BYTES // 1048576},
    )


# --- Migration history --------------------------------------------------------------------------------------


class MigrationStayForm(_UserForm):
    country = forms.ChoiceField(label=_label(MigrationStay, "country"), choices=())
    city = forms.CharField(label=_label(MigrationStay, "city"), max_length=120, required=False)
    work_sector = forms.ChoiceField(
        label=_label(MigrationStay, "work_sector"),
        choices=choices.WorkSector.choices,
        initial=choices.WorkSector.UNKNOWN,
    )
    employer = forms.CharField(label=_label(MigrationStay, "employer"), max_length=200, required=False)
    recruiting_agency = forms.CharField(
        label=_label(MigrationStay, "recruiting_agency"), max_length=200, required=False
    )
    agency_licensed = forms.ChoiceField(
        label=_label(MigrationStay, "agency_licensed"),
        choices=choices.YesNoUnknown.choices,
        initial=choices.YesNoUnknown.UNKNOWN,
    )
    departure_route = forms.ChoiceField(
        label=_label(MigrationStay, "departure_route"),
        choices=choices.DepartureRoute.choices,
        initial=choices.DepartureRoute.UNKNOWN,
    )
    documents_held = _checkboxes(choices.TravelDocument, _label(MigrationStay, "documents_held"))
    departed_on = _date(MigrationStay, "departed_on")
    returned_on = _date(MigrationStay, "returned_on", help_text=_("Kosongkan bila masih di luar negeri."))
    return_mode = forms.ChoiceField(
        label=_label(MigrationStay, "return_mode"),
        choices=choices.ReturnMode.choices,
        initial=choices.ReturnMode.UNKNOWN,
    )
    debarkation_point = forms.CharField(
        label=_label(MigrationStay, "debarkation_point"),
        max_length=100,
        required=False,
        widget=DatalistInput(choices.DEBARKATION_POINTS),
        help_text=_("Pilih dari saran atau ketik sendiri."),
    )
    referred_by = forms.ChoiceField(
        label=_label(MigrationStay, "referred_by"),
        choices=choices.ReferredBy.choices,
        initial=choices.ReferredBy.OTHER,
    )

    def __init__(self, *args: Any, stay: MigrationStay | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("— Pilih negara —")), *country_choices()]  # type: ignore[attr-defined]
        if stay is not None:
            for name in self.fields:
                value = getattr(stay, name)
                self.initial.setdefault(name, value.code if name == "country" else value)


# --- Trafficking identification -----------------------------------------------------------------------------


class IdentificationForm(_UserForm):
    identified_on = _date(TraffickingIdentification, "identified_on", required=True)
    organisation = forms.ModelChoiceField(
        label=_label(TraffickingIdentification, "organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Pilih organisasi —"),
    )
    acts = _checkboxes(choices.TraffickingAct, _("Perbuatan (proses)"))
    means = _checkboxes(choices.TraffickingMeans, _("Cara"))
    purposes = _checkboxes(choices.TraffickingPurpose, _("Tujuan eksploitasi"))
    recruiter_relationship = forms.ChoiceField(
        label=_label(TraffickingIdentification, "recruiter_relationship"),
        choices=choices.CtdcRecruiterRelationship.choices,
        initial=choices.CtdcRecruiterRelationship.UNKNOWN,
    )
    outcome = forms.ChoiceField(
        label=_label(TraffickingIdentification, "outcome"),
        choices=choices.IdentificationOutcome.choices,
        widget=_radios(),
    )
    confirmed_by = forms.ModelChoiceField(
        label=_label(TraffickingIdentification, "confirmed_by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Pilih organisasi —"),
        help_text=_("Wajib bila hasilnya terkonfirmasi."),
    )
    confirmed_on = _date(TraffickingIdentification, "confirmed_on", help_text=_("Wajib bila hasilnya terkonfirmasi."))
    account = forms.CharField(
        label=_label(TraffickingIdentification, "account"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Cerita kejadian menurut orang ini; terenkripsi dan hanya dibaca petugas yang berwenang."),
    )
    ctdc_auto = forms.BooleanField(
        label=_("Isi kode CTDC otomatis dari daftar periksa dan sektor kerja terakhir"),
        required=False,
        initial=True,
        help_text=_("Hilangkan centang untuk menyesuaikan kode CTDC sendiri."),
    )
    means_of_control = _checkboxes(choices.CtdcMeansOfControl, _label(TraffickingIdentification, "means_of_control"))
    types_of_exploitation = _checkboxes(
        choices.CtdcTypeOfExploitation, _label(TraffickingIdentification, "types_of_exploitation")
    )
    types_of_labour = _checkboxes(choices.CtdcTypeOfLabour, _label(TraffickingIdentification, "types_of_labour"))

    CTDC_FIELDS = ("means_of_control", "types_of_exploitation", "types_of_labour")

    def __init__(
        self,
        *args: Any,
        identification: TraffickingIdentification | None = None,
        may_read_account: bool = True,
        ctdc_adjusted: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = [identification.organisation_id, identification.confirmed_by_id] if identification else []
        organisations = active_organisations(keep=keep)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["confirmed_by"].queryset = organisations  # type: ignore[attr-defined]
        if not may_read_account:
            del self.fields["account"]
        if identification is not None:
            for name in self.fields:
                if name == "ctdc_auto":
                    self.initial.setdefault(name, not ctdc_adjusted)
                elif hasattr(identification, f"{name}_id"):
                    self.initial.setdefault(name, getattr(identification, f"{name}_id"))
                else:
                    self.initial.setdefault(name, getattr(identification, name))
        else:
            self.initial.setdefault("identified_on", timezone.localdate())
            organisation = getattr(self.user, "organisation_id", None)
            if organisation:
                self.initial.setdefault("organisation", organisation)
