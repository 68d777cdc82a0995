"""Filters shared by the case pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.filtersets import YES_NO_ALL
from bangkit.accounts.models import User
from bangkit.cases.choices import (
    FINAL_STATES,
    ApprovalDecision,
    ApprovalKind,
    AtensiComponent,
    CaseCategory,
    CaseEventKind,
    CaseState,
    Priority,
    ReferralStatus,
)
from bangkit.cases.models import (
    Assessment,
    Case,
    CaseApproval,
    CaseEvent,
    CaseNote,
    PlanLine,
    Referral,
    ServiceDelivery,
    Task,
)
from bangkit.cases.selectors import overdue_tasks_q
from bangkit.regions.models import search_key
from bangkit.registry.filtersets import jurisdiction_regencies, name_words_q
from bangkit.registry.models import Person


def _case_workers(request: Any) -> QuerySet[User]:
    """The choices of the case-worker filter: the user, and people assigned to cases the user sees; nobody else."""
    user = getattr(request, "user", None)
    assigned = Case.objects.restrict(user, "view").filter(case_worker__isnull=False).values("case_worker")
    condition = Q(pk__in=assigned)
    if user is not None and user.is_authenticated:
        condition |= Q(pk=user.pk)
    return User.objects.filter(condition).order_by("full_name", "pk")


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        max_length=100,
        help_text=_("Nomor kasus atau nama orang."),
    )
    state = django_filters.ChoiceFilter(label=_("Tahap"), choices=CaseState.choices, empty_label=_("Semua"))
    open = django_filters.BooleanFilter(label=_("Masih berjalan"), method="filter_open", widget=YES_NO_ALL)
    category = django_filters.ChoiceFilter(label=_("Kategori"), choices=CaseCategory.choices, empty_label=_("Semua"))
    priority = django_filters.ChoiceFilter(label=_("Prioritas"), choices=Priority.choices, empty_label=_("Semua"))
    case_worker = django_filters.ModelChoiceFilter(
        label=_("Pendamping"), queryset=_case_workers, empty_label=_("Semua")
    )
    region = django_filters.CharFilter(
        label=_("Kode wilayah"),
        method="within_region",
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "53.01", "inputmode": "decimal"}),
    )
    overdue = django_filters.BooleanFilter(label=_("Ada tugas terlambat"), method="filter_overdue", widget=YES_NO_ALL)

    class Meta:
        model = Case
        fields = ["q", "state", "open", "category", "priority", "case_worker", "region", "overdue"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """A case number (or part of one) when digits are typed; names as the people list finds them, each word
        the start of a word of the name, through the name tokens' index rather than a scan of every case."""
        value = value.strip()
        condition = Q(pk__in=[])
        if any(char.isdigit() for char in value):
            condition |= Q(number__icontains=value)
        if any(char.isalpha() for char in search_key(value)):
            user = getattr(self.request, "user", None)
            regencies = jurisdiction_regencies(user) if user is not None and user.is_authenticated else None
            named = Person.objects.filter(name_words_q(value, regencies=regencies)).values("pk")
            condition |= Q(person__in=named)
        return queryset.filter(condition)

    def filter_open(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        finished = Q(state__in=sorted(FINAL_STATES))
        return queryset.exclude(finished) if value else queryset.filter(finished)

    def within_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(Q(region__code=value) | Q(region__code__startswith=f"{value}."))

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        overdue = Q(pk__in=Task.objects.filter(overdue_tasks_q()).values("case_id"))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number the database can hold, so that no drawn value reaches it out of range."""

    field_class = forms.IntegerField


class _ByCase(django_filters.FilterSet):
    case = IdFilter(label=_("Kasus"), field_name="case_id", min_value=1, max_value=2**63 - 1)


class CaseApprovalFilterSet(_ByCase):
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=ApprovalKind.choices, empty_label=_("Semua"))
    decision = django_filters.ChoiceFilter(
        label=_("Keputusan"), choices=ApprovalDecision.choices, empty_label=_("Semua")
    )

    class Meta:
        model = CaseApproval
        fields = ["case", "kind", "decision"]


class CaseEventFilterSet(_ByCase):
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=CaseEventKind.choices, empty_label=_("Semua"))

    class Meta:
        model = CaseEvent
        fields = ["case", "kind"]


class AssessmentFilterSet(_ByCase):
    class Meta:
        model = Assessment
        fields = ["case"]


class PlanLineFilterSet(_ByCase):
    component = django_filters.ChoiceFilter(
        label=_("Komponen ATENSI"), choices=AtensiComponent.choices, empty_label=_("Semua")
    )

    class Meta:
        model = PlanLine
        fields = ["case", "component"]


class ServiceDeliveryFilterSet(_ByCase):
    class Meta:
        model = ServiceDelivery
        fields = ["case"]


class ReferralFilterSet(_ByCase):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices, empty_label=_("Semua"))

    class Meta:
        model = Referral
        fields = ["case", "status"]


class CaseNoteFilterSet(_ByCase):
    class Meta:
        model = CaseNote
        fields = ["case"]


class TaskFilterSet(_ByCase):
    mine = django_filters.BooleanFilter(label=_("Tugas saya"), method="filter_mine", widget=YES_NO_ALL)
    open = django_filters.BooleanFilter(label=_("Belum selesai"), field_name="done_at", lookup_expr="isnull")
    overdue = django_filters.BooleanFilter(label=_("Terlambat"), method="filter_overdue", widget=YES_NO_ALL)

    class Meta:
        model = Task
        fields = ["case", "mine", "open", "overdue"]

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(assigned_to=user) if value else queryset.exclude(assigned_to=user)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(overdue_tasks_q()) if value else queryset.exclude(overdue_tasks_q())
