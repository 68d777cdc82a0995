"""Jurisdiction scoping, in one place.

Every scoped read and write — base views, API viewsets, form choices, selectors, exports, tasks — narrows its
queryset with `restrict(user, action)`. A jurisdiction grant on a region covers that region and every region under
it; because region keys are dotted codes, "under" is a prefix test on the record's own column.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q

ALL_REGIONS = "*"

_M = TypeVar("_M", bound=models.Model)


class ScopedUser(Protocol):
    is_authenticated: bool
    is_active: bool
    is_superuser: bool

    def jurisdiction_codes(self, permission: str) -> frozenset[str]: ...


def permission_name(model: type[models.Model], action: str) -> str:
    """`registry.view_person` for (Person, "view"): the name a role must hold to take `action` on `model`."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def region_q(path: str, codes: frozenset[str] | set[str] | list[str]) -> Q:
    """Records whose region at `path` lies inside any of `codes`. `path__code` is the FK column itself (no join).

    Region codes have fixed widths per level (`regions.loading.CODE_SHAPES`), so the records inside 53.01 are those
    whose code starts with "53.01": one prefix, which PostgreSQL answers from one range of an index with a pattern
    operator class (the worklists' indexes) and estimates well."""
    condition = Q(pk__in=[])
    for code in sorted(codes):
        condition |= Q(**{f"{path}__code__startswith": code})
    return condition


def regions_above(codes: frozenset[str] | set[str]) -> set[str]:
    """The regions that contain any of `codes` without being one: 53 for 53.01.08; none for a province."""
    above: set[str] = set()
    for code in codes:
        parts = code.split(".")
        above.update(".".join(parts[:length]) for length in range(1, len(parts)))
    return above


def read_from_below(model: type[models.Model]) -> bool:
    """Whether `model`'s records are also read by the users of the regions inside theirs (a province's program
    by the officers of its regencies, who run its events); changing them still needs the record's own region."""
    return bool(getattr(model, "scope_read_from_below", False))


def sees(model: type[models.Model], codes: frozenset[str], region_code: str | None) -> bool:
    """`covers` for reading a record of `model`: also true of a region above the jurisdictions when the model is
    read from below."""
    if covers(codes, region_code):
        return True
    return read_from_below(model) and region_code in regions_above(codes)


def holds_over(user: Any, permission: str, region_code: str | None) -> bool:
    """Whether `user` holds `permission` over `region_code`, from their grants alone (no query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or covers(user.jurisdiction_codes(permission), region_code))


def covers(codes: frozenset[str], region_code: str | None) -> bool:
    """Whether jurisdiction `codes` (from `jurisdiction_codes`) include the region `region_code`, without a query."""
    if ALL_REGIONS in codes:
        return True
    return region_code is not None and any(region_code == code or region_code.startswith(code + ".") for code in codes)


class ScopedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: Any, action: str = "view", *, permission: str | None = None) -> ScopedQuerySet[_M]:
        """Only the records `user` may take `action` on; nothing for anonymous or inactive users.

        `permission` replaces the model's own permission when the question is another one, e.g. the
        organisations in which the user may add users (`accounts.add_user`).
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        codes: frozenset[str] = user.jurisdiction_codes(permission or permission_name(self.model, action))
        if not codes:
            return self.none()
        if ALL_REGIONS in codes:
            return self
        path: str | None = getattr(self.model, "scope_region_path", None)
        if path is None:
            return self
        condition = region_q(path, codes)
        if action == "view" and permission is None and read_from_below(self.model):
            condition |= Q(**{f"{path}__code__in": sorted(regions_above(codes))})
        return self.filter(condition)
