"""Reads about duplicates, scoped: which pairs a user may resolve, and what a user may be told about candidates.

A pair is resolvable by holders of `registry.resolve_duplicatepair` over **both** people's regions; anyone else is
told nothing about it (404). A candidate outside the caller's jurisdiction is reported only as existing, with
neither name nor id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.roles import RESOLVE_DUPLICATES
from bangkit.core.scoping import ALL_REGIONS, region_q
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.matching import Candidate
from bangkit.registry.models import DuplicatePair, Person
from bangkit.registry.services.duplicates import find_duplicate_candidates

PAIR_RELATED = ("first", "second", "first__region", "second__region")


def resolvable_pairs(user: Any) -> QuerySet[DuplicatePair]:
    """Pairs (of any status) whose two people both lie inside the user's jurisdictions for resolving duplicates."""
    queryset = DuplicatePair.objects.restrict(user, permission=RESOLVE_DUPLICATES)
    if getattr(user, "is_authenticated", False) and not user.is_superuser:
        codes = user.jurisdiction_codes(RESOLVE_DUPLICATES)
        if ALL_REGIONS not in codes:
            queryset = queryset.filter(region_q("second__region", codes))
    return queryset.select_related(*PAIR_RELATED).order_by("-score", "id")


class DuplicatePairFilterSet(django_filters.FilterSet):
    """Shared by the review list and the API. Without a status, only the pairs still to review."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*DuplicateStatus.choices, ("all", _("Semua"))],
        method="with_status",
        empty_label=None,
    )
    min_score = django_filters.NumberFilter(label=_("Skor minimal"), field_name="score", lookup_expr="gte", min_value=0)
    person = django_filters.NumberFilter(label=_("ID orang"), method="of_person", min_value=1)

    class Meta:
        model = DuplicatePair
        fields = ["status", "min_score", "person"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = DuplicateStatus.OPEN
        super().__init__(data, *args, **kwargs)

    def with_status(self, queryset: QuerySet[DuplicatePair], name: str, value: str) -> QuerySet[DuplicatePair]:
        return queryset if value == "all" else queryset.filter(status=value)

    def of_person(self, queryset: QuerySet[DuplicatePair], name: str, value: Any) -> QuerySet[DuplicatePair]:
        return queryset.filter(Q(first_id=value) | Q(second_id=value))


def open_pairs_of(user: Any, person: Person) -> list[DuplicatePair]:
    """The open pairs of `person` that `user` may resolve (for the person's page)."""
    return list(resolvable_pairs(user).filter(Q(first=person) | Q(second=person), status=DuplicateStatus.OPEN)[:20])


def merged_into_visible(user: Any, person: Person) -> Person | None:
    """The record `person` was merged into, when `user` may see it; None otherwise (or when not merged)."""
    if person.merged_into_id is None:
        return None
    return Person.objects.restrict(user, "view").filter(pk=person.merged_into_id).first()


@dataclass
class CandidateReport:
    """What a user may be told about the candidates for a person they can see."""

    visible: list[Candidate] = field(default_factory=list)
    outside_jurisdiction: int = 0
    pairs: dict[int, int] = field(default_factory=dict)  # candidate id → id of the open pair the user may resolve


def candidates_for(user: Any, person: Person) -> CandidateReport:
    """The candidates for `person`: those the user may see, with their pair when the user may resolve it, and a
    count of those outside the user's jurisdiction, which are never named."""
    candidates = find_duplicate_candidates(person=person)
    ids = [candidate.other.pk for candidate in candidates]
    visible_ids = set(Person.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))
    report = CandidateReport()
    for candidate in candidates:
        if candidate.other.pk in visible_ids:
            report.visible.append(candidate)
        else:
            report.outside_jurisdiction += 1
    if report.visible:
        for pair in resolvable_pairs(user).filter(
            Q(first=person, second_id__in=visible_ids) | Q(second=person, first_id__in=visible_ids),
            status=DuplicateStatus.OPEN,
        ):
            report.pairs[pair.second_id if pair.first_id == person.pk else pair.first_id] = pair.pk
    return report
