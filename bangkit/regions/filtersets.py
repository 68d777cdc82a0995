from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.regions.codes import INVALID_CODE_MESSAGE, is_region_code
from bangkit.regions.forms import RegionCodesField
from bangkit.regions.models import Region, RegionLevel


class RegionCodeChoiceField(forms.ModelChoiceField):
    """A region by its code; a malformed code is refused before it is looked up."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_region_code(str(value).strip()):
            raise ValidationError(INVALID_CODE_MESSAGE, code="invalid_region_code")
        return super().to_python(value.strip() if isinstance(value, str) else value)


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """One region by its code (`to_field_name="code"`), e.g. `?parent=53.01`."""

    field_class = RegionCodeChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)


class RegionWithinFilter(django_filters.Filter):
    """Records placed in the given regions or under them: `?region=53.01` or `?region=53.01,32.12`.

    `field_name` is the path of the record's Region foreign key ("region", "organisation__region"). Codes are the
    key itself, so the test needs no join. A malformed code, or more than MAX_REGION_CODES, is a field error; a
    well-formed code that names no region finds nothing.
    """

    field_class = RegionCodesField

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        if not value:
            return qs
        condition = Q()
        for code in value:
            condition |= Q(**{f"{self.field_name}__code": code}) | Q(
                **{f"{self.field_name}__code__startswith": f"{code}."}
            )
        return qs.filter(condition)


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(
        label=_("Tingkat"),
        choices=RegionLevel.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Tingkat wilayah harus 1 (provinsi) sampai 4 (desa/kelurahan).")},
    )
    parent = RegionChoiceFilter(
        label=_("Kode wilayah induk"),
        error_messages={"invalid_choice": _("Wilayah induk tidak ditemukan.")},
    )

    class Meta:
        model = Region
        fields = ["level", "parent"]
