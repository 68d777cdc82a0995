from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bangkit.audit.display import describe_entries
from bangkit.audit.filtersets import LogEntryFilterSet
from bangkit.audit.history import VIEW_HISTORY
from bangkit.audit.selectors import visible_entries

PAGE_SIZE = 50
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _cursor(entry: LogEntry) -> str:
    """Where the next page starts: the last entry's time (in whole microseconds) and id."""
    return f"{(entry.timestamp - _EPOCH) // _MICROSECOND}.{entry.pk}"


def _older_than(cursor: str) -> Q:
    micros, pk = (int(part) for part in cursor.split("."))
    moment = _EPOCH + dt.timedelta(microseconds=micros)
    return Q(timestamp__lt=moment) | Q(timestamp=moment, id__lt=pk)


def _keyset_page(entries: QuerySet[LogEntry], cursor: str) -> tuple[list[LogEntry], str]:
    """One page, newest first, and the cursor of the next one (empty on the last page).

    Keyset pagination: the log is the largest table and grows with every view of a sensitive record, so a page
    costs one indexed range scan, never a count or an offset over everything newer.
    """
    if cursor:
        entries = entries.filter(_older_than(cursor))
    rows = list(entries.order_by("-timestamp", "-id")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], _cursor(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else ""


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_HISTORY):
        raise PermissionDenied
    filterset = LogEntryFilterSet(request.GET or None, queryset=visible_entries(request.user), request=request)
    cursor = request.GET.get("after", "")
    page_error = ""
    entries: list[LogEntry] = []
    next_cursor = ""
    # With a bad filter the form says what is wrong and no rows show: an unfiltered list would pass for a filtered one.
    if not filterset.is_bound or filterset.is_valid():
        try:
            entries, next_cursor = _keyset_page(filterset.qs, cursor)
        except (ValueError, OverflowError):
            page_error = _("Tautan halaman ini tidak valid. Mulai lagi dari halaman pertama.")
    context = {
        "filterset": filterset,
        "rows": describe_entries(entries, request.user),
        "next_cursor": next_cursor,
        "is_first_page": not cursor,
        "page_error": page_error,
    }
    return render(request, "audit/log.html", context)
