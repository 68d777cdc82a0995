"""The Kupang event the programs benchmarks enrol people in: a case worker of Kabupaten Kupang, the regency's
program of the year and a one-day social-guidance event at Gereja GMIT Bethesda Tarus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from typing import Any


@dataclass(frozen=True)
class KupangEvent:
    organisation: Any
    worker: Any
    event: Any


def make_kupang_event(*, capacity: int, day: date | None = None) -> KupangEvent:
    """The event (on `day`, by default 30 December of this year) and the case worker who enrols in it."""
    from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
    from bangkit.accounts.roles import Role
    from bangkit.programs import services
    from bangkit.regions.models import Region

    regency = Region.objects.get(pk="53.01")
    organisation = Organisation.objects.create(
        name="Dinas Sosial Kabupaten Kupang (bench)", kind=OrganisationKind.DINSOS_REGENCY, region=regency
    )
    worker = User.objects.create_user(
        email="bench.enrol@bangkit.invalid", password=None, full_name="Bench", organisation=organisation
    )
    Grant.objects.create(user=worker, role=Role.CASE_WORKER, region=regency)
    planner = User.objects.create_superuser(
        email="bench.planner@bangkit.invalid", password=None, full_name="Planner", organisation=organisation
    )
    day = day or datetime(datetime.now(tz=UTC).year, 12, 30, tzinfo=UTC).date()
    program = services.program_save(
        actor=planner, name="Bimsos (bench)", year=day.year, organisation=organisation, region=regency
    )
    event = services.event_save(
        actor=planner,
        program=program,
        kind="social_guidance",
        title="Bimbingan Sosial dan Bantuan Stimulan WNI-M KPO (bench)",
        venue_name="Gereja GMIT Bethesda Tarus",
        region=Region.objects.get(pk="53.01.08.1007"),
        start_date=day,
        end_date=day,
        daily_start=clock(8),
        daily_end=clock(16),
        organiser=organisation,
        capacity=capacity,
        participant_region=regency,
    )
    return KupangEvent(organisation=organisation, worker=worker, event=event)
