"""Filters shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.filtersets import YES_NO_ALL
from bangkit.notifications.choices import Channel, MessagePurpose, MessageState
from bangkit.notifications.models import Notification, OutboxMessage


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label=_("Belum dibaca"), method="filter_unread", widget=YES_NO_ALL)

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class OutboxMessageFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("Status"), choices=MessageState.choices, empty_label=_("Semua"))
    channel = django_filters.ChoiceFilter(label=_("Saluran"), choices=Channel.choices, empty_label=_("Semua"))
    purpose = django_filters.ChoiceFilter(label=_("Keperluan"), choices=MessagePurpose.choices, empty_label=_("Semua"))
    person = django_filters.NumberFilter(label=_("Id orang"), field_name="person_id", min_value=1)

    class Meta:
        model = OutboxMessage
        fields = ["state", "channel", "purpose", "person"]
