"""Filters of the visit and enterprise lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.filtersets import YES_NO_ALL
from bangkit.livelihoods.choices import (
    AlertKind,
    EnterpriseForm,
    EnterpriseKind,
    EnterpriseStatus,
    FollowUpState,
    RiskLevel,
)
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, PersonRisk
from bangkit.livelihoods.selectors import follow_ups_of_my_people


class FollowUpFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("Status"), choices=FollowUpState.choices, empty_label=_("Semua"))
    overdue = django_filters.BooleanFilter(label=_("Terlambat"), method="filter_overdue", widget=YES_NO_ALL)
    mine = django_filters.BooleanFilter(label=_("Orang dampingan saya"), method="filter_mine", widget=YES_NO_ALL)
    due_from = django_filters.DateFilter(label=_("Jadwal sejak"), field_name="due_on", lookup_expr="gte")
    due_until = django_filters.DateFilter(label=_("Jadwal sampai"), field_name="due_on", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["state", "overdue", "mine", "due_from", "due_until"]

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        late = {"state": FollowUpState.SCHEDULED, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return follow_ups_of_my_people(user, queryset)


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), field_name="name", lookup_expr="icontains", max_length=100)
    form = django_filters.ChoiceFilter(label=_("Bentuk"), choices=EnterpriseForm.choices, empty_label=_("Semua"))
    kind = django_filters.ChoiceFilter(label=_("Jenis usaha"), choices=EnterpriseKind.choices, empty_label=_("Semua"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EnterpriseStatus.choices, empty_label=_("Semua"))

    class Meta:
        model = Enterprise
        fields = ["q", "form", "kind", "status"]


class AlertFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=AlertKind.choices, empty_label=_("Semua"))
    open = django_filters.BooleanFilter(label=_("Belum ditangani"), field_name="resolved_at", lookup_expr="isnull")

    class Meta:
        model = Alert
        fields = ["kind", "open"]


class PersonRiskFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Tingkat"), choices=RiskLevel.choices, empty_label=_("Semua"))

    class Meta:
        model = PersonRisk
        fields = ["level"]
