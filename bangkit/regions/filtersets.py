from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from bangkit.regions.models import Region, RegionLevel


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(
        label=_("Tingkat"),
        choices=RegionLevel.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Tingkat wilayah harus 1 (provinsi) sampai 4 (desa/kelurahan).")},
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Kode wilayah induk"),
        queryset=Region.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Wilayah induk tidak ditemukan.")},
    )

    class Meta:
        model = Region
        fields = ["level", "parent"]
