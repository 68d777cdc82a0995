"""Forms of the assistance pages. They read and check input; the services (`assistance.services`) decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.forms import jurisdiction_or_all
from bangkit.accounts.models import User
from bangkit.assistance import services
from bangkit.assistance.choices import EntitlementState, FailureReason, PaymentOutcome, SchemeKind
from bangkit.assistance.models import Entitlement, Scheme, SchemeItem, Tranche
from bangkit.programs.forms import active_organisations
from bangkit.programs.models import Event
from bangkit.regions.forms import RegionField
from bangkit.regions.models import RegionLevel
from bangkit.registry.forms_details import DateInput

# A bank's result file for a tranche of 100,000 people is about 8 MB.
RESULT_FILE_MAX_BYTES = 10 * 1024 * 1024
_RUPIAH = forms.NumberInput(attrs={"inputmode": "numeric", "step": 1})


class SchemeForm(forms.ModelForm):
    region = RegionField(
        label=_("Wilayah skema"),
        max_level=RegionLevel.REGENCY,
        help_text=_("Provinsi atau kabupaten/kota; penerima harus tinggal di dalam wilayah ini."),
    )

    class Meta:
        model = Scheme
        fields = list(services.SCHEME_FIELDS)
        widgets = {
            "amount_per_person": _RUPIAH,
            "budget_ceiling": _RUPIAH,
            "second_approval_above": _RUPIAH,
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        permission = "assistance.change_scheme" if self.instance.pk else "assistance.add_scheme"
        organisations: Any = self.fields["organisation"]
        organisations.queryset = active_organisations()
        events: Any = self.fields["completed_event"]
        events.queryset = Event.objects.restrict(user, "view").order_by("-start_date", "title")
        events.label_from_instance = lambda event: f"{event.title} ({event.start_date:%d-%m-%Y})"
        region: RegionField = self.fields["region"]  # type: ignore[assignment]
        region.within = jurisdiction_or_all(user, permission)
        if not self.instance.pk:
            self.initial.setdefault("organisation", user.organisation_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == SchemeKind.IN_KIND:
            # An in-kind scheme is valued by its package; an amount typed before switching kinds is dropped.
            cleaned["amount_per_person"] = None
        elif (
            kind == SchemeKind.CASH and not cleaned.get("amount_per_person") and "amount_per_person" not in self.errors
        ):
            self.add_error("amount_per_person", _("Isi nilai bantuan per orang, dalam rupiah utuh."))
        return cleaned

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.SCHEME_FIELDS}


class SchemeItemForm(forms.Form):
    name = forms.CharField(label=_("Barang"), max_length=150)
    quantity = forms.IntegerField(
        label=_("Jumlah per penerima"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    unit = forms.CharField(label=_("Satuan"), max_length=30, initial="buah")
    unit_value = forms.IntegerField(label=_("Harga satuan (Rp)"), min_value=1, widget=_RUPIAH)


class ConfirmForm(forms.Form):
    """A step that needs nothing but the button."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    """The decree (SK penerima) under which the list is approved; a second approver confirms the one recorded."""

    decree_number = forms.CharField(label=_("Nomor SK penerima"), max_length=100)
    decree_date = forms.DateField(label=_("Tanggal SK penerima"), widget=DateInput)

    def __init__(self, *args: Any, tranche: Tranche, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tranche.approved_by_id is not None:  # the second approval: the decree is already on the record
            del self.fields["decree_number"]
            del self.fields["decree_date"]


class BankResultForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas hasil dari bank (CSV)"),
        help_text=_("Baris pertama menamai kolom, sekurang-kurangnya reference dan status."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > RESULT_FILE_MAX_BYTES:
            raise ValidationError(
                _("Berkas hasil paling besar %(mb)d MB.") % {"mb": RESULT_FILE_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class PaymentRecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil"),
        choices=[
            (PaymentOutcome.PAID, PaymentOutcome.PAID.label),
            (PaymentOutcome.FAILED, PaymentOutcome.FAILED.label),
        ],
    )
    settled_on = forms.DateField(label=_("Tanggal hasil"), widget=DateInput)
    bank_reference = forms.CharField(
        label=_("Referensi bank"), max_length=60, required=False, help_text=_("Wajib bila dibayar.")
    )
    failure_code = forms.ChoiceField(
        label=_("Alasan gagal"), choices=[("", "—"), *FailureReason.choices], required=False
    )
    reason = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class HandoverReceiptForm(forms.Form):
    """The Berita Acara's header. The handover page holds three forms: each prefixes its inputs' ids."""

    number = forms.CharField(label=_("Nomor berita acara"), max_length=100)
    place = forms.CharField(label=_("Tempat serah terima"), max_length=200)
    handed_on = forms.DateField(label=_("Tanggal serah terima"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bast_%s")
        super().__init__(*args, **kwargs)


class HandoverRecordForm(forms.Form):
    """The recipients ticked as handed their package on one day; per item, how many each was handed when less
    than the package (blank: the whole package)."""

    entitlements = forms.ModelMultipleChoiceField(
        label=_("Penerima"),
        queryset=Entitlement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Centang penerima yang menerima paketnya.")},
    )
    handed_on = forms.DateField(label=_("Tanggal serah terima"), widget=DateInput)
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)

    def __init__(self, *args: Any, tranche: Tranche, items: list[SchemeItem], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "handed_%s")
        super().__init__(*args, **kwargs)
        chosen: Any = self.fields["entitlements"]
        chosen.queryset = waiting_for_handover(tranche)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name} ({item.quantity} {item.unit})",
                required=False,
                min_value=0,
                max_value=item.quantity,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": str(item.quantity)}),
            )

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.pk}"] for item in self.items]

    def quantities(self) -> dict[int, int] | None:
        """Item id → quantity handed, for the items where less than the package was handed; None for the whole."""
        less = {
            item.pk: self.cleaned_data[f"item_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}") is not None
        }
        return less or None


def waiting_for_handover(tranche: Tranche) -> QuerySet[Entitlement]:
    return tranche.entitlements.filter(state=EntitlementState.APPROVED)


class HandoverScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Pindaian berita acara yang ditandatangani"),
        help_text=_("PDF, JPEG atau PNG, paling besar 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "scan_%s")
        super().__init__(*args, **kwargs)
