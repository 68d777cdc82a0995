"""Forms of people and of their phones, identity documents and household. The services decide; these only read.

Identifier fields (NIK, KK) appear only for users who may see them in clear; the others edit everything else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.forms import jurisdiction_or_all
from bangkit.accounts.models import User
from bangkit.core.scoping import permission_name
from bangkit.regions.forms import RegionField
from bangkit.regions.models import RegionLevel
from bangkit.regions.nik import normalize_nik
from bangkit.registry.forms_details import DateInput
from bangkit.registry.masking import UNMASK_IDENTIFIERS, may_unmask
from bangkit.registry.models import HouseholdMember, IdentityDocument, Person, Phone
from bangkit.registry.validation import KK_SEPARATORS


class PersonForm(forms.ModelForm):
    # Typed or pasted as on the KTP, often in groups ("5301 0841 0790 0001"): longer than the 16 digits it is made
    # of, so the box takes what the API takes and the separators go before the model checks the length.
    nik = forms.CharField(
        label=_("NIK"), required=False, max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    kk_number = forms.CharField(
        label=_("Nomor KK"), required=False, max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    region = RegionField(
        label=_("Alamat (desa/kelurahan)"),
        min_level=RegionLevel.REGENCY,
        help_text=_("Tempat tinggal sekarang; bila desanya belum diketahui, cukup kabupaten/kota."),
    )
    estimated_age = forms.IntegerField(
        label=_("Perkiraan umur (tahun)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Hanya bila tanggal lahir tidak diketahui."),
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "other_names",
            "sex",
            "birth_date",
            "estimated_age",
            "nik",
            "nik_conflict_confirmed",
            "kk_number",
            "region",
            "street",
            "marital_status",
            "education",
            "disabilities",
            "photo",
            "deceased_on",
        ]
        widgets = {"birth_date": DateInput, "deceased_on": DateInput, "sex": forms.RadioSelect}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        region_field: RegionField = self.fields["region"]  # type: ignore[assignment]
        region_field.within = jurisdiction_or_all(user, permission_name(Person, action))
        if self.instance.pk and not may_unmask(user, UNMASK_IDENTIFIERS, self.instance):
            for name in ("nik", "kk_number", "nik_conflict_confirmed"):
                del self.fields[name]
        if self.instance.birth_date_estimated:
            self.initial["birth_date"] = None
            self.initial["estimated_age"] = self.instance.age_on(timezone.localdate())

    def clean_nik(self) -> str:
        return normalize_nik(self.cleaned_data.get("nik") or "")

    def clean_kk_number(self) -> str:
        return KK_SEPARATORS.sub("", self.cleaned_data.get("kk_number") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("birth_date") is not None:
            self.instance.birth_date_estimated = False
        elif cleaned.get("estimated_age") is None and not self.instance.birth_date_estimated:
            self.add_error("birth_date", _("Isi tanggal lahir atau perkiraan umur."))
        return cleaned


class PhoneForm(forms.ModelForm):
    class Meta:
        model = Phone
        fields = ["number", "label", "is_whatsapp"]
        widgets = {"number": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}


class IdentityDocumentForm(forms.ModelForm):
    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issuer", "issued_on", "expires_on", "is_valid", "note"]
        widgets = {
            "issued_on": DateInput,
            "expires_on": DateInput,
            "number": forms.TextInput(attrs={"autocomplete": "off"}),
        }


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relationship", "sex", "birth_date", "is_dependant"]
        widgets = {"birth_date": DateInput}
