"""The API's filters on events, sessions, participants, attendance and certificates. Programs and modules are
filtered as their pages are (`bangkit.programs.filtersets`); the event list here says `upcoming` where the page has
its own default and a "past too" box."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.accounts.filtersets import YES_NO_ALL
from bangkit.programs.choices import AttendanceStatus, EnrolmentState, EventKind
from bangkit.programs.models import Attendance, Certificate, Enrolment, Event, EventSession

BIGINT_MAX = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number the database can hold, so that no value a client sends reaches it out of range."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=BIGINT_MAX, **kwargs)


def _within(path: str, code: str) -> Q:
    code = code.strip()
    return Q(**{path: code}) | Q(**{f"{path}__startswith": f"{code}."})


class EventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Jenis kegiatan"), choices=EventKind.choices, empty_label=_("Semua"))
    program = IdFilter(label=_("Program"), field_name="program_id")
    date_from = django_filters.DateFilter(
        label=_("Dari tanggal"), field_name="end_date", lookup_expr="gte", help_text=_("Kegiatan yang belum selesai.")
    )
    date_to = django_filters.DateFilter(
        label=_("Sampai tanggal"), field_name="start_date", lookup_expr="lte", help_text=_("Kegiatan yang sudah mulai.")
    )
    region = django_filters.CharFilter(
        label=_("Kode wilayah"),
        method="within_region",
        max_length=13,
        help_text=_("Tempat kegiatan di dalam wilayah ini."),
    )
    upcoming = django_filters.BooleanFilter(
        label=_("Akan datang"),
        method="filter_upcoming",
        widget=YES_NO_ALL,
        help_text=_("Ya: kegiatan yang belum selesai dan tidak dibatalkan."),
    )

    class Meta:
        model = Event
        fields = ["kind", "program", "date_from", "date_to", "region", "upcoming"]

    def within_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_within("region__code", value))

    def filter_upcoming(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        ahead = Q(end_date__gte=timezone.localdate(), cancelled_on__isnull=True)
        return queryset.filter(ahead) if value else queryset.exclude(ahead)


class _ByEvent(django_filters.FilterSet):
    event = IdFilter(label=pgettext_lazy("event", "Kegiatan"), field_name="event_id")


class EventSessionFilterSet(_ByEvent):
    class Meta:
        model = EventSession
        fields = ["event"]


class EnrolmentFilterSet(_ByEvent):
    state = django_filters.ChoiceFilter(label=_("Status"), choices=EnrolmentState.choices, empty_label=_("Semua"))

    class Meta:
        model = Enrolment
        fields = ["event", "state"]


class AttendanceFilterSet(django_filters.FilterSet):
    session = IdFilter(label=_("Sesi"), field_name="session_id")
    event = IdFilter(label=pgettext_lazy("event", "Kegiatan"), field_name="session__event_id")
    status = django_filters.ChoiceFilter(label=_("Kehadiran"), choices=AttendanceStatus.choices, empty_label=_("Semua"))

    class Meta:
        model = Attendance
        fields = ["session", "event", "status"]


class CertificateFilterSet(django_filters.FilterSet):
    event = IdFilter(label=pgettext_lazy("event", "Kegiatan"), field_name="enrolment__event_id")
    revoked = django_filters.BooleanFilter(
        label=_("Dicabut"), field_name="revoked_on", lookup_expr="isnull", exclude=True, widget=YES_NO_ALL
    )

    class Meta:
        model = Certificate
        fields = ["event", "revoked"]
