from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, generics, pagination, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.audit.api.serializers import AuditLogEntrySerializer
from bangkit.audit.display import describe_entries
from bangkit.audit.filtersets import LogEntryFilterSet
from bangkit.audit.history import VIEW_HISTORY
from bangkit.audit.selectors import visible_entries


class CanViewHistory(permissions.BasePermission):
    message = _("Anda tidak berhak membaca log audit.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(VIEW_HISTORY))


class LogEntryPagination(pagination.CursorPagination):
    """Cursor pages: the log only grows, so offsets would shift under the reader and counts would be slow."""

    page_size = 50
    ordering = ("-timestamp", "-id")

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        # The position is the timestamp of the entry a page ended at: anything else was not made here, and must not
        # reach the database.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and _as_datetime(str(cursor.position)) is None:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor


def _as_datetime(text: str) -> dt.datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:  # well-formed but impossible, such as the 31st of February
        return None


class AuditLogView(generics.ListAPIView[LogEntry]):
    """The change and access history the caller may read, newest first (`audit.view_history`).

    A regional auditor reads the entries of users whose organisation lies inside their jurisdictions.
    """

    permission_classes = [permissions.IsAuthenticated, CanViewHistory]
    serializer_class = AuditLogEntrySerializer
    filterset_class = LogEntryFilterSet
    pagination_class = LogEntryPagination

    def get_queryset(self) -> QuerySet[LogEntry]:
        return visible_entries(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        return self.get_paginated_response(self.get_serializer(describe_entries(page, request.user), many=True).data)
