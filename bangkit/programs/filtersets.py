"""Filters of the program, event and module lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.filtersets import YES_NO_ALL
from bangkit.accounts.models import Organisation
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event, Module, Program
from bangkit.registry.forms_details import DateInput


def _within(path: str, code: str) -> Q:
    code = code.strip()
    return Q(**{path: code}) | Q(**{f"{path}__startswith": f"{code}."})


def _program_owners(request: Any) -> QuerySet[Organisation]:
    """The choices of the organisation filter: organisations owning a program the user sees, nobody else."""
    user = getattr(request, "user", None)
    owners = Program.objects.restrict(user, "view").values("organisation")
    return Organisation.objects.filter(pk__in=owners).order_by("name")


def _programs_with_events(request: Any) -> QuerySet[Program]:
    """The choices of the program filter: programs of the events the user sees (perhaps not the program itself:
    a Kupang officer sees the Kupang events of a province's program)."""
    user = getattr(request, "user", None)
    events = Event.objects.restrict(user, "view").values("program")
    return Program.objects.filter(pk__in=events).order_by("-year", "name")


class ProgramFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), field_name="name", lookup_expr="icontains", max_length=100)
    year = django_filters.NumberFilter(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisasi"), queryset=_program_owners, empty_label=_("Semua")
    )

    class Meta:
        model = Program
        fields = ["q", "year", "organisation"]


class EventFilterSet(django_filters.FilterSet):
    """Without `past`, the list shows the events that have not ended and are not cancelled (the view applies it,
    so that an unfiltered list shows them too)."""

    q = django_filters.CharFilter(label=_("Cari"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Jenis kegiatan"), choices=EventKind.choices, empty_label=_("Semua"))
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=_programs_with_events, empty_label=_("Semua")
    )
    date_from = django_filters.DateFilter(
        label=_("Dari tanggal"), field_name="end_date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Sampai tanggal"), field_name="start_date", lookup_expr="lte", widget=DateInput
    )
    region = django_filters.CharFilter(
        label=_("Kode wilayah"),
        method="within_region",
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "53.01", "inputmode": "decimal"}),
    )
    past = django_filters.BooleanFilter(
        label=_("Juga yang sudah lewat atau dibatalkan"), method="keep", widget=forms.CheckboxInput
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "program", "date_from", "date_to", "region", "past"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(venue_name__icontains=value)) if value else queryset

    def within_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_within("region__code", value)) if value.strip() else queryset

    def keep(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset

    @property
    def includes_past(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.form.cleaned_data.get("past"))


class ModuleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), field_name="name", lookup_expr="icontains", max_length=100)
    is_active = django_filters.BooleanFilter(label=_("Aktif"), widget=YES_NO_ALL)

    class Meta:
        model = Module
        fields = ["q", "is_active"]
