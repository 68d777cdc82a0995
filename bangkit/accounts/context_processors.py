from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import HttpRequest

from bangkit.core.registry import shell


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu groups holding only the entries this user's roles allow."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_groups": []}
    entries = [entry for entry in shell.menu if user.has_perm(entry.permission)]
    groups = [(group, list(items)) for group, items in groupby(entries, key=lambda entry: entry.group)]
    return {"nav_groups": groups}
