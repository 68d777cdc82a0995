"""Test records for programs: a program and an event in Kabupaten Kupang (at Tarus) or Kabupaten Indramayu (at
Mundakjaya), made through the services by the place's program officer or a superuser."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from bangkit.accounts.models import User
from bangkit.accounts.testing import People
from bangkit.programs import services
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event, Program
from bangkit.regions.timezones import province_time_zone

# place → (program region, venue village, participants' regency, organiser attribute on People.orgs)
EVENT_PLACES = {
    "kupang": ("53", "53.01.08.1007", "53.01", "directorate"),
    "indramayu": ("32.12", "32.12.04.2013", "32.12", "indramayu_dinsos"),
}


def planner() -> User:
    """Whoever plans the test events: a superuser, so that any place may be used."""
    user, _ = User.objects.get_or_create(
        email="planner@bangkit.invalid", defaults={"full_name": "Planner", "is_superuser": True}
    )
    return user


def make_program(people: People, place: str = "kupang", *, year: int | None = None, **fields: Any) -> Program:
    program_region, _village, _regency, organiser = EVENT_PLACES[place]
    year = year or date.today().year
    values: dict[str, Any] = {
        "name": f"Bimbingan Sosial {place.title()} {year}",
        "year": year,
        "organisation": getattr(people.orgs, organiser),
        "region": people.regions[program_region],
        "target_people": 250,
        "budget": 225_000_000,
        **fields,
    }
    return services.program_save(actor=planner(), **values)


def make_event(
    people: People,
    place: str = "kupang",
    *,
    program: Program | None = None,
    start: date | None = None,
    days: int = 1,
    **fields: Any,
) -> Event:
    """An event at the place's seed village; one session per day, participants from the place's regency."""
    _program_region, village, regency, organiser = EVENT_PLACES[place]
    # The venue's today: in Kupang the day starts eight hours before UTC's, and services judge dates by it.
    start = start or timezone.localdate(timezone=ZoneInfo(province_time_zone(village)))
    program = program or make_program(people, place, year=start.year)
    values: dict[str, Any] = {
        "kind": EventKind.SOCIAL_GUIDANCE,
        "title": f"Bimsos {place.title()}",
        "venue_name": "Gereja GMIT Bethesda Tarus" if place == "kupang" else "RSBM Tunas Mandiri",
        "region": people.regions[village],
        "start_date": start,
        "end_date": date.fromordinal(start.toordinal() + days - 1),
        "daily_start": time(8, 0),
        "daily_end": time(16, 0),
        "organiser": getattr(people.orgs, organiser),
        "capacity": 250,
        "participant_region": people.regions[regency],
        **fields,
    }
    return services.event_save(actor=planner(), program=program, **values)
