"""Test records for prevention: a prevention session at the seed village of Kabupaten Kupang (Tarus) or Kabupaten
Indramayu (Mundakjaya), and its head count recorded by the place's case worker."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.prevention import services
from bangkit.prevention.models import Headcount
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event, Program
from bangkit.programs.testing import EVENT_PLACES, make_event, make_program
from bangkit.regions.timezones import province_time_zone

CASE_WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def venue_today(place: str) -> date:
    return timezone.localdate(timezone=ZoneInfo(province_time_zone(EVENT_PLACES[place][1])))


def _program(people: People, place: str, year: int) -> Program:
    """The place's program of the year, made once."""
    program_region, _village, _regency, organiser = EVENT_PLACES[place]
    existing = Program.objects.filter(
        organisation=getattr(people.orgs, organiser), year=year, region_id=program_region
    ).first()
    return existing or make_program(people, place, year=year)


def prevention_event(people: People, place: str = "kupang", *, start: date | None = None, **fields: Any) -> Event:
    """A community prevention session at the place's seed village, starting today there unless told."""
    start = start or venue_today(place)
    values: dict[str, Any] = {"kind": EventKind.PREVENTION, "title": f"Sosialisasi migrasi aman {place.title()}"}
    return make_event(people, place, program=_program(people, place, start.year), start=start, **{**values, **fields})


def make_headcount(people: People, place: str = "kupang", *, event: Event | None = None, **values: Any) -> Headcount:
    """A head count of the first day of a new (or the given) prevention session, by the place's case worker."""
    event = event or prevention_event(people, place)
    counts: dict[str, Any] = {
        "date": event.start_date,
        "women": 23,
        "men": 17,
        "youths": 6,
        "former_migrants": 4,
        **values,
    }
    return services.headcount_create(actor=getattr(people, CASE_WORKERS[place]), event=event, **counts)
