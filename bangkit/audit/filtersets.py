"""The audit log's filters, shared by the auditor page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import User
from bangkit.audit.display import ACTION_CHOICES, ACTIONS
from bangkit.audit.selectors import auditable_users


def record_type_choices() -> list[tuple[str, str]]:
    """The models under history, as "app_label.model" with their names, sorted by name.

    Entries about a proxy model's records are stored under its concrete model, so only concrete models are offered.
    """
    concrete = {model._meta.concrete_model or model for model in auditlog.get_models()}
    choices = [(model._meta.label_lower, capfirst(str(model._meta.verbose_name))) for model in concrete]
    return sorted(choices, key=lambda choice: choice[1])


def _actor_choices(request: HttpRequest | None) -> QuerySet[User]:
    # Without a request (schema generation) there is nobody to scope for.
    return auditable_users(request.user) if request is not None else User.objects.none()


def _start_of_day(day: dt.date) -> dt.datetime | None:
    """Midnight of `day` in the active (the user's) zone: a date filter means the user's calendar day.

    None when that instant is outside what a datetime holds in UTC, i.e. before 0001-01-01 00:00 UTC, as the first
    midnight of the calendar is anywhere east of Greenwich (0001-01-01 00:00 WIB): every entry is after it.
    """
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    try:
        start.astimezone(dt.UTC)
    except OverflowError:
        return None
    return start


class LogEntryFilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
            form_field.widget.attrs["class"] = f"{css} {css}-sm"

    def full_clean(self) -> None:
        super().full_clean()
        # Bootstrap marks, and screen readers announce, each field at fault with its message.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_error"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return cleaned


_DATE_ERRORS = {"invalid": _("Tanggal tidak valid. Gunakan format TTTT-BB-HH, misalnya 2025-01-31.")}


class LogEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=_("Pengguna"),
        queryset=_actor_choices,
        empty_label=_("Semua pengguna"),
        error_messages={"invalid_choice": _("Pengguna tidak ditemukan atau di luar yurisdiksi Anda.")},
    )
    action = django_filters.ChoiceFilter(
        label=_("Tindakan"),
        choices=ACTION_CHOICES,
        method="filter_action",
        empty_label=_("Semua tindakan"),
        error_messages={"invalid_choice": _("Tindakan tidak dikenal.")},
    )
    record_type = django_filters.ChoiceFilter(
        label=_("Jenis data"),
        choices=record_type_choices,
        method="filter_record_type",
        empty_label=_("Semua jenis data"),
        error_messages={"invalid_choice": _("Jenis data tidak dikenal.")},
    )
    record_id = django_filters.CharFilter(label=_("ID data"), field_name="object_pk", max_length=255)
    date_from = django_filters.DateFilter(
        label=_("Dari tanggal"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE_ERRORS,
    )
    date_to = django_filters.DateFilter(
        label=_("Sampai tanggal"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE_ERRORS,
    )
    request_id = django_filters.CharFilter(label=_("ID permintaan"), field_name="cid", max_length=255)

    class Meta:
        model = LogEntry
        fields = ["actor", "action", "record_type", "record_id", "date_from", "date_to", "request_id"]
        form = LogEntryFilterForm

    def filter_action(self, queryset: QuerySet[LogEntry], name: str, value: str) -> QuerySet[LogEntry]:
        return queryset.filter(action=ACTIONS[value][0])

    def filter_record_type(self, queryset: QuerySet[LogEntry], name: str, value: str) -> QuerySet[LogEntry]:
        app_label, model = value.split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)

    def filter_date_from(self, queryset: QuerySet[LogEntry], name: str, value: dt.date) -> QuerySet[LogEntry]:
        start = _start_of_day(value)
        return queryset if start is None else queryset.filter(timestamp__gte=start)

    def filter_date_to(self, queryset: QuerySet[LogEntry], name: str, value: dt.date) -> QuerySet[LogEntry]:
        # Up to the end of the last day there is (9999-12-31) is no upper bound at all.
        end = None if value == dt.date.max else _start_of_day(value + dt.timedelta(days=1))
        return queryset if end is None else queryset.filter(timestamp__lt=end)
