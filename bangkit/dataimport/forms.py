from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import User
from bangkit.core.scoping import ALL_REGIONS
from bangkit.dataimport.services import default_target_region, import_jurisdiction, max_upload_bytes
from bangkit.regions.forms import RegionField
from bangkit.regions.models import RegionLevel


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        help_text=_("Satu baris per orang, dengan baris judul kolom. Unduh templat bila perlu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    region = RegionField(
        label=_("Wilayah tujuan"),
        min_level=RegionLevel.PROVINCE,
        max_level=RegionLevel.REGENCY,
        required=False,
        help_text=_("Setiap orang di berkas harus tinggal di wilayah ini. Kosongkan untuk wilayah organisasi Anda."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = import_jurisdiction(user)
        region_field: RegionField = self.fields["region"]  # type: ignore[assignment]
        region_field.within = None if ALL_REGIONS in codes else sorted(codes)
        default = default_target_region(user)
        if default is not None:
            self.initial.setdefault("region", default.code)
        else:
            region_field.required = True

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("Berkas terlalu besar; paling besar %(max)d MB.") % {"max": max_upload_bytes() // 1024 // 1024}
            )
        return upload
