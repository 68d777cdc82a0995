"""Demo community prevention: a few safe-migration sessions in the two seed regencies, counted and never named, and
the public checklist's daily tally per province, so that the prevention pages have something to show after
`make run`.

- Kabupaten Kupang: Dinas Sosial Kabupaten Kupang plans the sessions, with LKS Rumah Perempuan Kupang, whose case
  worker counts who came: at the kelurahan office and the church of Tarus, and one for a senior high school.
- Kabupaten Indramayu: Dinas Sosial Kabupaten Indramayu plans them and the case worker of RSBM Tunas Mandiri counts:
  at the village hall of Mundakjaya and at the RSBM, where mostly women came, many of them former migrant workers.
- The checklist: how many times it was completed each day of the last CHECKLIST_DAYS days, in the provinces of the
  seed events and three other provinces that send many migrant workers (those whose regions are loaded), and by
  visitors who named no province.

The sessions are dated some days before the day the demo is loaded (the two latest in the current year), so that
the overview's default year shows them. Everything goes through the services acting as the demo user who would have
done it. Loading again adds nothing: a session whose title is already there is left alone, whatever its date, and a
day's tally already there (the demo's or a real visitor's) is never added to.
"""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import date, time, timedelta

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.prevention import services
from bangkit.prevention.models import ChecklistUse
from bangkit.programs import services as programs
from bangkit.programs.choices import EventKind, PartnerRole
from bangkit.programs.models import Event, Program
from bangkit.regions.models import Region, RegionLevel
from bangkit.regions.timezones import province_time_zone
from bangkit.registry.demo import demo_history, demo_organisation, demo_user_holding

CHECKLIST_DAYS = 150
# The seed events' provinces, then Jawa Tengah, Jawa Timur and Nusa Tenggara Barat, which send many migrant workers.
CHECKLIST_PROVINCES = ("53", "32", "33", "35", "52")


@dataclass(frozen=True)
class DemoPlace:
    label: str
    regency: str
    village: str
    organiser: str  # slug of the demo organisation whose program officer plans the sessions
    counter: str  # slug of the demo organisation whose case worker counts who came
    partner: str | None = None  # slug of a co-organiser


KUPANG = DemoPlace("Kabupaten Kupang", "53.01", "53.01.08.1007", "dinsos-kupang", "lks-rpk", partner="lks-rpk")
INDRAMAYU = DemoPlace("Kabupaten Indramayu", "32.12", "32.12.04.2013", "dinsos-indramayu", "rsbm-tunas-mandiri")


@dataclass(frozen=True)
class DemoSession:
    place: DemoPlace
    title: str
    venue_name: str
    days_ago: int  # its first day, counted back from the day the demo is loaded (the venue's)
    # (women, men, under 18, former migrant workers) on each day of the session
    counts: tuple[tuple[int, int, int, int], ...]
    # Kept in the current year (no earlier than 1 January) so that the overview's default year is not empty.
    this_year: bool = False

    @property
    def days(self) -> int:
        return len(self.counts)


DEMO_SESSIONS: tuple[DemoSession, ...] = (
    DemoSession(
        KUPANG,
        "Sosialisasi Migrasi Aman bagi Calon Pekerja Migran, Kelurahan Tarus",
        "Aula Kantor Lurah Tarus",
        days_ago=9,
        counts=((46, 31, 12, 7),),
        this_year=True,
    ),
    DemoSession(
        KUPANG,
        "Sosialisasi Pencegahan Perdagangan Orang bagi Jemaat dan Pemuda Gereja",
        "Gereja GMIT Bethesda Tarus",
        days_ago=38,
        counts=((58, 44, 21, 5),),
    ),
    DemoSession(
        KUPANG,
        "Sosialisasi Migrasi Aman di Sekolah Menengah Atas, Kupang Tengah",
        "Aula SMA Negeri Kupang Tengah",
        days_ago=97,
        counts=((63, 57, 118, 0),),
    ),
    DemoSession(
        KUPANG,
        "Sosialisasi Bahaya Calo dan Perekrutan Tanpa Dokumen, Kupang Tengah",
        "Aula Kantor Lurah Tarus",
        days_ago=290,
        counts=((37, 29, 4, 11), (33, 25, 3, 9)),
    ),
    DemoSession(
        INDRAMAYU,
        "Sosialisasi Migrasi Aman bagi Calon Pekerja Migran, Desa Mundakjaya",
        "Balai Desa Mundakjaya",
        days_ago=5,
        counts=((52, 18, 6, 14),),
        this_year=True,
    ),
    DemoSession(
        INDRAMAYU,
        "Penyuluhan Jeratan Utang dan Calo Pekerja Migran bagi Keluarga",
        "RSBM Tunas Mandiri",
        days_ago=61,
        counts=((34, 12, 3, 9), (29, 10, 2, 8)),
    ),
    DemoSession(
        INDRAMAYU,
        "Sosialisasi Migrasi Aman bagi Karang Taruna Kecamatan Cikedung",
        "Balai Desa Mundakjaya",
        days_ago=205,
        counts=((27, 35, 40, 2),),
    ),
)


def _venue_today(place: DemoPlace) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(province_time_zone(place.regency)))


def _start(session: DemoSession) -> date:
    today = _venue_today(session.place)
    start = today - timedelta(days=session.days_ago)
    if session.this_year:
        start = max(start, date(today.year, 1, 1))
    return start


def _program(session: DemoSession, planner: User, year: int) -> Program:
    """The regency's prevention program of the year, made once."""
    place = session.place
    organiser = demo_organisation(place.organiser)
    name = f"Sosialisasi Migrasi Aman dan Pencegahan Perdagangan Orang {year}, {place.label}"
    program = Program.objects.filter(organisation=organiser, year=year, name=name).first()
    if program is not None:
        return program
    return programs.program_save(
        actor=planner,
        name=name,
        year=year,
        organisation=organiser,
        region=Region.objects.get(pk=place.regency),
        objectives=(
            "Warga desa, calon pekerja migran dan keluarganya tahu cara bekerja ke luar negeri lewat jalur resmi, "
            "mengenali bujukan calo dan jeratan utang, dan tahu ke mana meminta tolong."
        ),
        target_people=500,
        budget=0,
    )


def _session(session: DemoSession, planner: User, counter: User) -> Event:
    place = session.place
    start = _start(session)
    end = start + timedelta(days=session.days - 1)
    with set_actor(planner):
        event = programs.event_save(
            actor=planner,
            program=_program(session, planner, start.year),
            kind=EventKind.PREVENTION,
            title=session.title,
            venue_name=session.venue_name,
            region=Region.objects.get(pk=place.village),
            start_date=start,
            end_date=end,
            daily_start=time(9, 0),
            daily_end=time(12, 0),
            organiser=demo_organisation(place.organiser),
            capacity=150,
            participant_region=Region.objects.get(pk=place.regency),
        )
        if place.partner and (partner := demo_organisation(place.partner)) is not None:
            programs.event_partner_add(actor=planner, event=event, organisation=partner, role=PartnerRole.CO_ORGANISER)
    with set_actor(counter):
        for day, (women, men, youths, former_migrants) in enumerate(session.counts):
            services.headcount_create(
                actor=counter,
                event=event,
                date=start + timedelta(days=day),
                women=women,
                men=men,
                youths=youths,
                former_migrants=former_migrants,
            )
    return event


def load_sessions() -> list[str]:
    lines = []
    for place in (KUPANG, INDRAMAYU):
        sessions = [session for session in DEMO_SESSIONS if session.place == place]
        have = set(
            Event.objects.filter(
                kind=EventKind.PREVENTION,
                region__code__startswith=f"{place.regency}.",
                title__in=[session.title for session in sessions],
            ).values_list("title", flat=True)
        )
        missing = [session for session in sessions if session.title not in have]
        if not missing:
            lines.append(f"{place.label} prevention sessions: already there")
            continue
        planner = demo_user_holding(place.organiser, Role.PROGRAM_OFFICER, "programs.add_event", place.village)
        counter = demo_user_holding(place.counter, Role.CASE_WORKER, "prevention.add_headcount", place.village)
        if planner is None or counter is None or demo_organisation(place.organiser) is None:
            lines.append(f"{place.label} prevention sessions: left out (a demo user or organisation is missing)")
            continue
        if not Region.objects.filter(pk=place.village).exists():
            lines.append(f"{place.label} prevention sessions: left out (the regions are not loaded)")
            continue
        with transaction.atomic():
            for session in missing:
                _session(session, planner, counter)
        people = sum(women + men for session in missing for women, men, *_rest in session.counts)
        lines.append(
            f"{place.label} prevention sessions: {len(missing)} new ({len(sessions) - len(missing)} already there), "
            f"{people} people counted"
        )
    return lines


def _tally(rng: random.Random, day: date, base: int) -> int:
    """A day's completed checklists around `base`: fewer at weekends."""
    weekend = day.weekday() >= 5
    return max(0, round(rng.gauss(base * (0.6 if weekend else 1.0), base / 3)))


def load_checklist_uses() -> list[str]:
    """The checklist's tally of each of the last CHECKLIST_DAYS days (each province's own days; today is left to
    the real visitors), for the demo provinces whose regions are loaded and for visitors who named none. A day
    whose row is already there is left alone."""
    provinces: list[Region | None] = list(
        Region.objects.filter(code__in=CHECKLIST_PROVINCES, level=RegionLevel.PROVINCE).order_by("code")
    )
    if not provinces:
        return ["Checklist uses: left out (the regions are not loaded)"]
    provinces.append(None)
    base = {"53": 9, "32": 14, "33": 11, "35": 12, "52": 7, None: 4}
    new_rows: list[ChecklistUse] = []
    for province in provinces:
        code = province.code if province is not None else None
        today = services.checklist_day(province)
        first = today - timedelta(days=CHECKLIST_DAYS)
        have = set(ChecklistUse.objects.filter(province=province, day__gte=first).values_list("day", flat=True))
        rng = random.Random(f"checklist-{code}")  # the same tallies on every machine
        for offset in range(CHECKLIST_DAYS, 0, -1):
            day = today - timedelta(days=offset)
            completed = _tally(rng, day, base[code])
            if day not in have and completed:
                new_rows.append(ChecklistUse(day=day, province=province, completed=completed))
    ChecklistUse.objects.bulk_create(new_rows, batch_size=500)
    return [
        f"Checklist uses: {CHECKLIST_DAYS} days in {len(provinces) - 1} provinces and unsaid "
        f"({len(new_rows)} new daily tallies)"
    ]


def load_demo_prevention() -> list[str]:
    with demo_history():
        return [*load_sessions(), *load_checklist_uses()]
