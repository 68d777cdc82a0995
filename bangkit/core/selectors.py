from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from bangkit.core.registry import shell
from bangkit.core.scoping import permission_name


@dataclass(frozen=True)
class HomeCount:
    label: str | Promise
    count: int
    url: str


def home_summary(*, user: Any) -> list[HomeCount]:
    """The record counts this user may see, each counted inside their jurisdictions only."""
    return [
        HomeCount(counter.label, counter.model.objects.restrict(user, "view").count(), reverse(counter.url_name))  # type: ignore[attr-defined]
        for counter in shell.counters
        if user.has_perm(permission_name(counter.model, "view"))
    ]
