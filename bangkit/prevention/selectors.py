"""Reads of the prevention app: head counts summed per province or regency and year, the checklist's uses per
province and month, and the events a user may record head counts for. Counts only; nothing here names anyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, Left

from bangkit.core.scoping import region_q
from bangkit.prevention.models import ChecklistUse, Headcount
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event
from bangkit.regions.models import Region, RegionLevel

# Length of a region code's prefix naming its province ("53") and its regency ("53.01").
_PREFIX: dict[int, int] = {RegionLevel.PROVINCE: 2, RegionLevel.REGENCY: 5}
# How far back the head count form offers events: counts are written down soon after the session (a paper tally
# may take weeks to come in), and the choice stays short.
HEADCOUNT_EVENT_DAYS = 400


@dataclass(frozen=True)
class HeadcountTotal:
    """The head counts of one year in one province or regency (the venue's)."""

    region_code: str
    region_name: str
    year: int
    sessions: int
    events: int
    women: int
    men: int
    youths: int
    former_migrants: int

    @property
    def total(self) -> int:
        return self.women + self.men


def headcount_totals(
    user: Any, *, level: int = RegionLevel.PROVINCE, year: int | None = None, within: str | None = None
) -> list[HeadcountTotal]:
    """Head counts summed per province or regency of the venue (`level`) and year, over the records `user` may
    see; one year or all, optionally only inside the region `within`. Ordered by year, then region code.

    Two queries, however many records: the sums are grouped by the database on the venue code's prefix.
    """
    if level not in _PREFIX:
        raise ValueError(f"headcount_totals: level must be province or regency, not {level!r}")
    headcounts = Headcount.objects.restrict(user, "view")
    if year is not None:
        headcounts = headcounts.filter(date__year=year)
    if within:
        headcounts = headcounts.filter(region_q("event__region", {within}))
    rows = list(
        headcounts.annotate(area=Left("event__region", _PREFIX[level]), year=ExtractYear("date"))
        .values("area", "year")
        .annotate(
            sessions=Count("id"),
            events=Count("event", distinct=True),
            women_sum=Sum("women"),
            men_sum=Sum("men"),
            youths_sum=Sum("youths"),
            former_migrants_sum=Sum("former_migrants"),
        )
        .order_by("year", "area")
    )
    names = dict(Region.objects.filter(code__in={row["area"] for row in rows}).values_list("code", "name"))
    return [
        HeadcountTotal(
            region_code=row["area"],
            region_name=names.get(row["area"], row["area"]),
            year=row["year"],
            sessions=row["sessions"],
            events=row["events"],
            women=row["women_sum"],
            men=row["men_sum"],
            youths=row["youths_sum"],
            former_migrants=row["former_migrants_sum"],
        )
        for row in rows
    ]


@dataclass
class ChecklistUseRow:
    """One province's completed checklists in each month of a year (index 0: January). No province: not said."""

    province_code: str | None
    province_name: str
    months: list[int] = field(default_factory=lambda: [0] * 12)

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass
class ChecklistUses:
    rows: list[ChecklistUseRow]
    months: list[int]  # all rows together, per month

    @property
    def total(self) -> int:
        return sum(self.months)


def checklist_uses(user: Any, *, year: int) -> ChecklistUses:
    """Completed checklists of `year` per province and month, over the provinces `user` may see (a regency's
    officer: their province; a national grant: all, and the uses whose province was not said). One query."""
    uses = (
        ChecklistUse.objects.restrict(user, "view")
        .filter(day__year=year)
        .annotate(month=ExtractMonth("day"))
        .values("province", "province__name", "month")
        .annotate(completed_sum=Sum("completed"))
        .order_by()
    )
    by_province: dict[str | None, ChecklistUseRow] = {}
    totals = [0] * 12
    for use in uses:
        code = use["province"]
        row = by_province.setdefault(code, ChecklistUseRow(code, use["province__name"] or ""))
        row.months[use["month"] - 1] += use["completed_sum"]
        totals[use["month"] - 1] += use["completed_sum"]
    # Provinces by name; the uses that named none last.
    rows = sorted(by_province.values(), key=lambda row: (row.province_code is None, row.province_name))
    return ChecklistUses(rows, totals)


def headcount_years(user: Any) -> list[int]:
    """The years that have head counts the user may see, newest first."""
    return [day.year for day in Headcount.objects.restrict(user, "view").dates("date", "year", order="DESC")]


def checklist_years(user: Any) -> list[int]:
    """The years that have checklist uses the user may see, newest first."""
    return [day.year for day in ChecklistUse.objects.restrict(user, "view").dates("day", "year", order="DESC")]


def events_for_headcounts(user: Any, *, today: date) -> QuerySet[Event]:
    """Prevention events in which `user` may record head counts: not cancelled, already started, not long ago."""
    return (
        Event.objects.restrict(user, "view", permission="prevention.add_headcount")
        .filter(
            kind=EventKind.PREVENTION,
            cancelled_on__isnull=True,
            start_date__lte=today,
            end_date__gte=today - timedelta(days=HEADCOUNT_EVENT_DAYS),
        )
        .select_related("region")
        .order_by("-start_date", "-id")
    )
