"""Filters of the scheme list and of a tranche's recipients."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.assistance.choices import EntitlementState, SchemeKind
from bangkit.assistance.models import Entitlement, Scheme


class SchemeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), field_name="name", lookup_expr="icontains", max_length=100)
    year = django_filters.NumberFilter(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=SchemeKind.choices, empty_label=_("Semua"))

    class Meta:
        model = Scheme
        fields = ["q", "year", "kind"]


class EntitlementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama penerima"), method="by_name", max_length=100)
    state = django_filters.ChoiceFilter(label=_("Status"), choices=EntitlementState.choices, empty_label=_("Semua"))

    class Meta:
        model = Entitlement
        fields = ["q", "state"]

    def by_name(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(person__full_name__icontains=value) if value else queryset
