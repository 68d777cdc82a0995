from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import Organisation, OrganisationKind, User
from bangkit.accounts.roles import Role

# "All / yes / no" rather than Django's "Unknown / Yes / No" for an optional yes-no filter.
YES_NO_ALL = forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))])


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=OrganisationKind.choices, empty_label=_("Semua"))
    region = django_filters.CharFilter(
        label=_("Kode wilayah"),
        method="within_region",
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "53.01", "inputmode": "decimal"}),
    )
    is_active = django_filters.BooleanFilter(label=_("Aktif"), widget=YES_NO_ALL)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "is_active"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def within_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(region__code=value) | Q(region__code__startswith=f"{value}."))


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="search", max_length=100)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisasi"),
        queryset=lambda request: Organisation.objects.restrict(getattr(request, "user", None)),
        empty_label=_("Semua"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Peran"), choices=Role.choices, field_name="grants__role", distinct=True, empty_label=_("Semua")
    )
    is_active = django_filters.BooleanFilter(label=_("Aktif"), widget=YES_NO_ALL)

    class Meta:
        model = User
        fields = ["q", "organisation", "role", "is_active"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))
