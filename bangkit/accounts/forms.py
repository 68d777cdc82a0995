from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import ApiToken, Grant, Organisation, User
from bangkit.accounts.roles import Role
from bangkit.core.scoping import ALL_REGIONS, permission_name
from bangkit.regions.forms import RegionField
from bangkit.regions.models import RegionLevel


def jurisdiction_or_all(user: User, permission: str) -> list[str] | None:
    """Region codes a form may offer for `permission`; None when every region may be offered."""
    codes = user.jurisdiction_codes(permission)
    return None if user.is_superuser or ALL_REGIONS in codes else sorted(codes)


class OrganisationForm(forms.ModelForm):
    region = RegionField(label=_("Wilayah"), max_level=RegionLevel.VILLAGE)

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "region", "address", "is_active"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        region_field: RegionField = self.fields["region"]  # type: ignore[assignment]
        region_field.within = jurisdiction_or_all(user, permission_name(Organisation, action))


class UserForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Kata sandi awal"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Wajib untuk pengguna baru. Minimal 10 karakter; pengguna sebaiknya menggantinya."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), required=False
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "organisation", "phone", "language", "is_active"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = Organisation.objects.restrict(
            user, permission=permission_name(User, action)
        ).select_related("region")
        organisation_field.required = True
        if self.instance.pk:
            # An administrator never sets an existing user's password: the user resets it by e-mail.
            del self.fields["password1"]
            del self.fields["password2"]
        else:
            self.fields["password1"].required = True
            self.fields["password2"].required = True

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Alamat e-mail ini sudah dipakai."))
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("Kedua kata sandi tidak sama."))
            else:
                try:
                    password_validation.validate_password(str(password1), self.instance)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        return cleaned


class GrantForm(forms.ModelForm):
    region = RegionField(
        label=_("Yurisdiksi"),
        max_level=RegionLevel.REGENCY,
        required=False,
        help_text=_("Provinsi atau kabupaten/kota; kosongkan untuk seluruh Indonesia."),
    )

    class Meta:
        model = Grant
        fields = ["role", "region", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        role_field: Any = self.fields["role"]
        role_field.choices = Role.choices
        region_field: RegionField = self.fields["region"]  # type: ignore[assignment]
        region_field.within = jurisdiction_or_all(user, permission_name(Grant, "add"))


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires_at"]
        widgets = {"expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].help_text = _(
            "Kosongkan agar token berlaku %(default)d hari. Paling lama %(max)d hari."
        ) % {"default": settings.BANGKIT_API_TOKEN_DEFAULT_DAYS, "max": settings.BANGKIT_API_TOKEN_MAX_DAYS}
