from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bangkit.core.registry import MenuEntry, shell


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu groups holding only the entries this user's roles allow, in registration order; the top bar's items."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_groups": [], "navbar_items": []}
    groups: dict[str, tuple[Any, list[MenuEntry]]] = {}
    for entry in shell.menu:
        if user.has_perm(entry.permission):
            groups.setdefault(str(entry.group), (entry.group, []))[1].append(entry)
    return {"nav_groups": list(groups.values()), "navbar_items": shell.navbar}
