"""Reads on programs and events: who may be enrolled and why not, completion, the event report, upcoming events,
and the public certificate check."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.cases.models import Case
from bangkit.core.expressions import Among
from bangkit.core.scoping import ALL_REGIONS, region_q
from bangkit.programs.choices import ATTENDED, AttendanceStatus, EnrolmentState
from bangkit.programs.models import Attendance, Certificate, Enrolment, Event, EventModule, EventSession, Program
from bangkit.regions.models import ancestor_codes
from bangkit.registry.filtersets import AGE_BANDS
from bangkit.registry.models import Person


def _inside_q(path: str, code: str) -> Q:
    return Q(**{path: code}) | Q(**{f"{path}__startswith": f"{code}."})


def programs_reaching(user: User, permission: str) -> QuerySet[Program]:
    """Programs under which the user may hold `permission` over some event: those whose region contains one of
    their jurisdictions (a Kupang officer plans events of the NTT program) or lies inside one."""
    codes = user.jurisdiction_codes(permission)
    programs = Program.objects.order_by("-year", "name")
    if user.is_superuser or ALL_REGIONS in codes:
        return programs
    above = sorted({ancestor for code in codes for ancestor in ancestor_codes(code)})
    return programs.filter(Q(region_id__in=above) | region_q("region", codes))


# --- eligibility ---------------------------------------------------------------------------------------------


def eligibility_rules(event: Event) -> list[str]:
    """The event's enrolment rules in plain words, as the enrolment screen shows them."""
    rules = []
    if event.participant_region is not None:
        rules.append(_("tinggal di %(region)s") % {"region": event.participant_region.name})
    if event.require_open_case:
        rules.append(_("punya kasus yang masih aktif"))
    if not event.allow_repeat_in_program:
        rules.append(_("belum ikut kegiatan lain dalam program %(program)s") % {"program": event.program})
    rules.append(_("belum terdaftar pada kegiatan ini, masih hidup, dan datanya tidak digabung ke data lain"))
    return rules


def _with_open_case() -> QuerySet[Case, Any]:
    return Case.objects.filter(closed_on__isnull=True).values("person_id")


def _repeat_events(event: Event) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(event__program_id=event.program_id)
        .exclude(event=event)
        .exclude(state=EnrolmentState.WITHDRAWN)
    )


def eligible_people(*, actor: Any, event: Event) -> QuerySet[Person]:
    """People the actor may see who meet every rule of the event: what the enrolment screen searches in."""
    people = Person.objects.restrict(actor, "view").filter(merged_into__isnull=True, deceased_on__isnull=True)
    if event.participant_region_id:
        people = people.filter(_inside_q("region__code", event.participant_region_id))
    if event.require_open_case:
        people = people.filter(pk__in=_with_open_case())
    people = people.exclude(pk__in=Enrolment.objects.filter(event=event).values("person_id"))
    if not event.allow_repeat_in_program:
        people = people.exclude(pk__in=_repeat_events(event).values("person_id"))
    return people


def ineligibility(*, actor: Any, event: Event, people: list[Person]) -> dict[int, str]:
    """For each of `people` who may not be enrolled in `event`, why (the first rule they fail). A few queries
    whatever the number of people."""
    ids = [person.pk for person in people]
    visible = set(Person.objects.restrict(actor, "view").filter(Among("pk", ids)).values_list("pk", flat=True))
    # The event's own list, whole: never longer than a few thousand, and cheaper than sending the ids.
    enrolled_here = set(Enrolment.objects.filter(event=event).values_list("person_id", flat=True))
    elsewhere = (
        dict(_repeat_events(event).filter(Among("person_id", ids)).values_list("person_id", "event__title"))
        if not event.allow_repeat_in_program
        else {}
    )
    with_open_case = (
        set(_with_open_case().filter(Among("person_id", ids)).values_list("person_id", flat=True))
        if event.require_open_case
        else set()
    )
    reasons: dict[int, str] = {}
    area = event.participant_region
    for person in people:
        if person.pk not in visible:
            reason = _("Orang ini tidak ditemukan atau di luar yurisdiksi Anda.")
        elif person.pk in enrolled_here:
            reason = _("Sudah terdaftar pada kegiatan ini.")
        elif person.merged_into_id is not None:
            reason = _("Data orang ini sudah digabung ke data lain; daftarkan data yang dipertahankan.")
        elif person.deceased_on is not None:
            reason = _("Orang ini tercatat sudah meninggal.")
        elif area and not (person.region_id == area.code or person.region_id.startswith(f"{area.code}.")):
            reason = _("Tidak tinggal di %(region)s.") % {"region": area.name}
        elif event.require_open_case and person.pk not in with_open_case:
            reason = _("Tidak punya kasus yang masih aktif.")
        elif person.pk in elsewhere:
            reason = _("Sudah ikut kegiatan lain dalam program yang sama: %(event)s.") % {"event": elsewhere[person.pk]}
        else:
            continue
        reasons[person.pk] = reason
    return reasons


# --- completion ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    attended_sessions: int
    attended_hours: Decimal
    total_hours: Decimal
    completed: bool

    @property
    def percent(self) -> int:
        return int(self.attended_hours * 100 / self.total_hours) if self.total_hours else 0


def completion(event: Event) -> dict[int, Progress]:
    """Per enrolled participant: the module hours of the sessions they attended (present or late) against the
    event's, and whether that reaches the event's pass mark. An event without modules counts sessions as an hour
    each. Three queries."""
    hours_by_session: dict[int, Decimal] = defaultdict(Decimal)
    for session_id, hours in EventModule.objects.filter(event=event).values_list("session_id", "hours"):
        hours_by_session[session_id] += hours
    if not hours_by_session:
        hours_by_session = {
            pk: Decimal(1) for pk in EventSession.objects.filter(event=event).values_list("pk", flat=True)
        }
    total = sum(hours_by_session.values(), Decimal(0))
    attended: dict[int, list[int]] = defaultdict(list)
    for enrolment_id, session_id in Attendance.objects.filter(
        session__event=event, status__in=sorted(ATTENDED)
    ).values_list("enrolment_id", "session_id"):
        attended[enrolment_id].append(session_id)
    result = {}
    for enrolment_id in Enrolment.objects.filter(event=event, state=EnrolmentState.ENROLLED).values_list(
        "pk", flat=True
    ):
        sessions = attended.get(enrolment_id, [])
        hours = sum((hours_by_session.get(pk, Decimal(0)) for pk in sessions), Decimal(0))
        result[enrolment_id] = Progress(
            attended_sessions=len(sessions),
            attended_hours=hours,
            total_hours=total,
            completed=bool(total) and hours * 100 >= total * event.completion_percent,
        )
    return result


# --- the event report ----------------------------------------------------------------------------------------


def age_band(age: int | None) -> str:
    if age is None:
        return _("tidak diketahui")
    for label, youngest, oldest in AGE_BANDS:
        if age >= youngest and (oldest is None or age <= oldest):
            return label
    return _("tidak diketahui")


@dataclass
class SessionAttendance:
    session: EventSession
    present: int
    late: int
    absent: int
    unmarked: int

    @property
    def rate(self) -> int:
        """Percent of participants who came (present or late)."""
        total = self.present + self.late + self.absent + self.unmarked
        return round((self.present + self.late) * 100 / total) if total else 0


@dataclass
class EventReport:
    event: Event
    participants: int
    waitlisted: int
    withdrawn: int
    completed: int
    certified: int
    by_sex: list[tuple[str, int]]
    by_age_band: list[tuple[str, int]]
    by_village: list[tuple[str, int]]
    sessions: list[SessionAttendance]
    modules: list[EventModule]


def event_report(event: Event) -> EventReport:
    """Participants by sex, age band (CTDC's, on the first day) and village; attendance per session; modules taught.
    Aggregates only: no names. A fixed number of queries whatever the number of participants."""
    states = Counter(Enrolment.objects.filter(event=event).values_list("state", flat=True))
    enrolled = Person.objects.filter(enrolments__event=event, enrolments__state=EnrolmentState.ENROLLED)
    by_sex: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    by_village: Counter[str] = Counter()
    for person in enrolled.select_related("region").only(
        "sex", "birth_date", "birth_date_estimated", "region__name", "region__code"
    ):
        by_sex[person.get_sex_display()] += 1
        by_age[age_band(person.age_on(event.start_date))] += 1
        by_village[person.region.name] += 1
    band_order = {label: index for index, (label, _young, _old) in enumerate(AGE_BANDS)}
    marks: dict[int, Counter[str]] = defaultdict(Counter)
    for session_id, status in Attendance.objects.filter(
        session__event=event, enrolment__state=EnrolmentState.ENROLLED
    ).values_list("session_id", "status"):
        marks[session_id][status] += 1
    participants = states.get(EnrolmentState.ENROLLED, 0)
    sessions = []
    for session in EventSession.objects.filter(event=event).order_by("date", "starts_at"):
        counted = marks[session.pk]
        sessions.append(
            SessionAttendance(
                session=session,
                present=counted[AttendanceStatus.PRESENT],
                late=counted[AttendanceStatus.LATE],
                absent=counted[AttendanceStatus.ABSENT],
                unmarked=participants - sum(counted.values()),
            )
        )
    progress = completion(event)
    return EventReport(
        event=event,
        participants=participants,
        waitlisted=states.get(EnrolmentState.WAITLISTED, 0),
        withdrawn=states.get(EnrolmentState.WITHDRAWN, 0),
        completed=sum(1 for item in progress.values() if item.completed),
        certified=Certificate.objects.filter(enrolment__event=event, revoked_on__isnull=True).count(),
        by_sex=sorted(by_sex.items()),
        by_age_band=sorted(by_age.items(), key=lambda item: band_order.get(item[0], len(band_order))),
        by_village=sorted(by_village.items(), key=lambda item: (-item[1], item[0])),
        sessions=sessions,
        modules=list(EventModule.objects.filter(event=event).select_related("module", "session")),
    )


# --- lists ---------------------------------------------------------------------------------------------------


def upcoming_events(user: Any, *, today: date | None = None) -> QuerySet[Event]:
    """Events in the user's jurisdictions that have not ended, soonest first."""
    today = today or timezone.localdate()
    return (
        Event.objects.restrict(user, "view")
        .filter(end_date__gte=today, cancelled_on__isnull=True)
        .select_related("program", "region", "organiser")
        .order_by("start_date", "id")
    )


def participants(event: Event) -> QuerySet[Enrolment]:
    """The event's participants (enrolled first, then the waiting list in order, then those who withdrew), with
    what a list of them shows."""
    return (
        Enrolment.objects.filter(event=event)
        .select_related("person", "person__region", "certificate")
        # Enrolled and withdrawn by name; the waiting list in the order people joined it, which is its order.
        .order_by("state", DbCase(When(state=EnrolmentState.WAITLISTED, then=F("id"))), "person__full_name", "id")
    )


# --- public certificate check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    valid: bool
    revoked: bool
    initials: str
    event_title: str
    event_start: date
    event_end: date
    issued_on: date


def initials(full_name: str) -> str:
    """`Maria Goreti Lake` → `M.G.L.`: all the public page says about whom a certificate was issued to."""
    return "".join(f"{word[0].upper()}." for word in full_name.split() if word[:1].isalpha())


def certificate_check(code: str) -> CertificateCheck | None:
    """What the anonymous verification page may say about `code` (already normalised), or None if unknown."""
    certificate = (
        Certificate.objects.select_related("enrolment__person", "enrolment__event")
        .only(
            "code",
            "issued_on",
            "revoked_on",
            "enrolment__person__full_name",
            "enrolment__event__title",
            "enrolment__event__start_date",
            "enrolment__event__end_date",
        )
        .filter(code=code)
        .first()
    )
    if certificate is None:
        return None
    event = certificate.enrolment.event
    return CertificateCheck(
        valid=certificate.revoked_on is None,
        revoked=certificate.revoked_on is not None,
        initials=initials(certificate.enrolment.person.full_name),
        event_title=event.title,
        event_start=event.start_date,
        event_end=event.end_date,
        issued_on=certificate.issued_on,
    )
