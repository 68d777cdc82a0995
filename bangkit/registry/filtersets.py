"""Filters of the people list, shared by the page and the API. Identifiers are never filters here: exact search by
NIK or phone goes through `selectors.people.person_find_exact`, from a POSTed form, so that it stays out of URLs."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.core.scoping import ALL_REGIONS, permission_name
from bangkit.regions.filtersets import RegionWithinFilter
from bangkit.regions.models import search_key
from bangkit.registry import choices
from bangkit.registry.models import Person, PersonNameToken, name_tokens, regency_of

# CTDC's broad age bands (DOMAIN.md): (label, youngest, oldest).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-8", 0, 8),
    ("9-17", 9, 17),
    ("18-20", 18, 20),
    ("21-23", 21, 23),
    ("24-26", 24, 26),
    ("27-29", 27, 29),
    ("30-38", 30, 38),
    ("39-47", 39, 47),
    ("48+", 48, None),
)


def born_between(youngest: int, oldest: int | None, *, today: date | None = None) -> Q:
    """People aged `youngest`–`oldest` today, as a range on birth_date that its index can serve."""
    today = today or timezone.localdate()
    latest = _years_before(today, youngest)
    condition = Q(birth_date__lte=latest)
    if oldest is not None:
        condition &= Q(birth_date__gt=_years_before(today, oldest + 1))
    return condition


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def name_words_q(text: str, *, regencies: Collection[str] | None = None) -> Q:
    """Each word typed must begin a word of the name: "bria mar" finds "Maria Goreti Bria". One prefix range on the
    name tokens per word, inside `regencies` when given (the user's jurisdiction lies in them), so that a rare name
    is found through the index and a common one while reading the newest people first."""
    condition = Q()
    for prefix in name_tokens(search_key(text)):
        tokens = PersonNameToken.objects.filter(person=OuterRef("pk"), token__gte=prefix, token__lt=prefix + b"\xff")
        if regencies is not None:
            tokens = tokens.filter(regency__in=sorted(regencies))
        condition &= Q(Exists(tokens))
    return condition


def jurisdiction_regencies(user: Any) -> frozenset[str] | None:
    """The regencies holding all of the user's jurisdiction for people; None when it spans provinces."""
    regencies = set()
    for code in user.jurisdiction_codes(permission_name(Person, "view")):
        regency = regency_of(code) if code != ALL_REGIONS else ""
        if not regency:
            return None
        regencies.add(regency)
    return frozenset(regencies)


class PersonFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Nama"), method="filter_name", max_length=100)
    region = RegionWithinFilter(field_name="region", label=_("Wilayah"))
    sex = django_filters.ChoiceFilter(label=_("Jenis kelamin"), choices=choices.Sex.choices)
    age_band = django_filters.ChoiceFilter(
        label=_("Kelompok umur"), choices=[(band, band) for band, _young, _old in AGE_BANDS], method="filter_age"
    )

    def filter_name(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value.strip():
            return queryset
        user = getattr(self.request, "user", None)
        regencies = jurisdiction_regencies(user) if user is not None and user.is_authenticated else None
        return queryset.filter(name_words_q(value, regencies=regencies))

    def filter_age(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        band = next((band for band in AGE_BANDS if band[0] == value), None)
        return queryset.filter(born_between(band[1], band[2])) if band else queryset
