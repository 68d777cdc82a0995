"""Filters of the head count list, shared by the page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.core.scoping import region_q
from bangkit.prevention.models import Headcount
from bangkit.programs.api.filters import IdFilter
from bangkit.regions.codes import validate_region_code


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number in a range every database can date."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=2000, max_value=2100, **kwargs)


class HeadcountFilterSet(django_filters.FilterSet):
    year = YearFilter(label=_("Tahun"), field_name="date", lookup_expr="year")
    region = django_filters.CharFilter(
        label=_("Kode wilayah"),
        method="within_region",
        max_length=13,
        validators=[validate_region_code],
        help_text=_("Tempat kegiatan di dalam wilayah ini."),
        widget=forms.TextInput(attrs={"placeholder": "53.01", "inputmode": "decimal"}),
    )
    event = IdFilter(label=_("Id kegiatan"), field_name="event_id")

    class Meta:
        model = Headcount
        fields = ["year", "region", "event"]

    def within_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(region_q("event__region", {value.strip()}))
