"""Reading people: the scoped list with keyset pagination, exact search by identifier, and one person's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet, Subquery

from bangkit.core.models import ScopedModelQuerySet
from bangkit.registry.identifiers import phone_digits
from bangkit.registry.models import Person, Phone

PAGE_SIZE = 50


def people_visible_to(user: Any, action: str = "view") -> ScopedModelQuerySet[Person]:
    """People in the user's jurisdictions who were not merged into another record."""
    people = cast("ScopedModelQuerySet[Person]", Person.objects.restrict(user, action))
    return people.filter(merged_into__isnull=True)


@dataclass(frozen=True)
class Page:
    rows: list[Person]
    next_cursor: int | None  # the id to continue after; an opaque number, never an identifier


def keyset_page(queryset: QuerySet[Person], *, after: int | None, size: int = PAGE_SIZE) -> Page:
    """Newest first, `size` at a time after the id `after`: constant cost on page 1 and page 10,000 alike.

    The filters pick the page's ids in a subquery; only those rows are then read whole and joined to their region
    (one statement still), rather than joining every row a name filter matches before the limit.
    """
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    page_ids = queryset.order_by("-pk").values("pk")[: size + 1]
    rows = list(Person.objects.filter(pk__in=Subquery(page_ids)).select_related("region").order_by("-pk"))
    return Page(rows=rows[:size], next_cursor=rows[size - 1].pk if len(rows) > size else None)


def person_find_exact(user: Any, *, nik: str = "", phone: str = "") -> list[Person]:
    """People in the user's jurisdictions with this NIK or phone number, found through blind indexes."""
    people = people_visible_to(user)
    if nik.strip():
        return list(people.filter_exact(nik=nik).select_related("region", "organisation"))
    if phone_digits(phone):
        holders = Phone.objects.filter_exact(number=phone).values("person_id")
        return list(people.filter(pk__in=holders).select_related("region", "organisation").order_by("-pk")[:PAGE_SIZE])
    return []
