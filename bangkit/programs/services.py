"""Writes on programs and events: planning, enrolment, attendance and certificates.

Every service takes the acting user, checks their permission over the record's region (an event's venue), validates,
runs in one transaction and lets the database settle races: the event row is locked while its seats are counted,
and one attendance mark per person per session and one certificate per participant are unique constraints.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import ISSUE_CERTIFICATE
from bangkit.audit.history import log_bulk_created
from bangkit.core.bulk import insert_rows
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.scoping import holds_over, sees
from bangkit.core.validation import clean
from bangkit.programs import selectors
from bangkit.programs.choices import AttendanceSource, AttendanceStatus, EnrolmentState, WithdrawalReason
from bangkit.programs.models import (
    Attendance,
    Certificate,
    Enrolment,
    Event,
    EventFacilitator,
    EventModule,
    EventPartner,
    EventSession,
    Module,
    Program,
    ProgramPartner,
)
from bangkit.regions.timezones import local_today
from bangkit.registry.models import Person

MAX_EVENT_DAYS = 31
# Crockford's base 32 without I, L, O, U: nothing to misread when a code is typed from paper.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


# --- access ---------------------------------------------------------------------------------------------------


def sees_program(user: Any, program: Program) -> bool:
    """Whether `user` may read `program`: in their jurisdiction, or above it (see Program)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or sees(Program, user.jurisdiction_codes("programs.view_program"), program.region_id))


def require_on_event(actor: Any, permission: str, event: Event, message: str | None = None) -> None:
    """Refuses unless `actor` may see the event (else as if it did not exist) and holds `permission` over it."""
    if not holds_over(actor, "programs.view_event", event.region_id):
        raise OutOfJurisdiction(_("Kegiatan tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_over(actor, permission, event.region_id):
        raise NotPermitted(message or _("Anda tidak berwenang melakukan ini pada kegiatan ini."))


def _require_on_program(actor: Any, permission: str, program: Program) -> None:
    if not sees_program(actor, program):
        raise OutOfJurisdiction(_("Program tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_over(actor, permission, program.region_id):
        raise NotPermitted(_("Anda tidak berwenang mengubah program ini."))


def venue_today(event: Event) -> date:
    """Today at the venue."""
    return local_today(event.region_id)


# --- programs -------------------------------------------------------------------------------------------------

PROGRAM_FIELDS = ("name", "year", "organisation", "region", "objectives", "target_people", "budget")


@transaction.atomic
def program_save(*, actor: User, program: Program | None = None, **values: Any) -> Program:
    """Creates a program (no `program`) or changes one; its region must lie inside the actor's jurisdiction."""
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"program_save: unknown fields {sorted(unknown)}")
    if program is not None:
        _require_on_program(actor, "programs.change_program", program)
    program = program or Program()
    for name, value in values.items():
        setattr(program, name, value)
    if not holds_over(
        actor, "programs.add_program" if program.pk is None else "programs.change_program", program.region_id
    ):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field="region")
    if program.pk is not None:
        outside = program.events.exclude(region__code=program.region_id).exclude(
            region__code__startswith=f"{program.region_id}."
        )
        if outside.exists():
            raise ServiceError(
                _("Ada kegiatan program ini di luar wilayah baru; pindahkan kegiatan itu dulu."), field="region"
            )
    clean(program)
    program.save()
    return program


@transaction.atomic
def program_partner_add(*, actor: User, program: Program, organisation: Organisation, role: str) -> ProgramPartner:
    _require_on_program(actor, "programs.add_programpartner", program)
    partner = ProgramPartner(program=program, organisation=organisation, role=role)
    clean(partner)
    partner.save()
    return partner


# --- events ---------------------------------------------------------------------------------------------------

EVENT_FIELDS = (
    "kind",
    "title",
    "venue_name",
    "region",
    "start_date",
    "end_date",
    "daily_start",
    "daily_end",
    "organiser",
    "capacity",
    "participant_region",
    "require_open_case",
    "allow_repeat_in_program",
    "completion_percent",
)


def _inside(region_code: str | None, area_code: str) -> bool:
    return region_code is not None and (region_code == area_code or region_code.startswith(f"{area_code}."))


def _check_event(event: Event) -> None:
    if not _inside(event.region_id, event.program.region_id):
        raise ServiceError(
            _("Tempat kegiatan harus di dalam wilayah program (%(region)s).") % {"region": event.program.region},
            field="region",
        )
    if event.start_date and event.end_date and (event.end_date - event.start_date).days >= MAX_EVENT_DAYS:
        raise ServiceError(
            _("Satu kegiatan paling lama %(days)d hari; buat beberapa kegiatan.") % {"days": MAX_EVENT_DAYS},
            field="end_date",
        )
    if event.start_date and event.start_date.year != event.program.year:
        raise ServiceError(
            _("Kegiatan harus dimulai pada tahun anggaran program (%(year)d).") % {"year": event.program.year},
            field="start_date",
        )


def _event_days(event: Event) -> list[date]:
    return [event.start_date + timedelta(days=offset) for offset in range((event.end_date - event.start_date).days + 1)]


@transaction.atomic
def event_save(*, actor: User, program: Program, event: Event | None = None, **values: Any) -> Event:
    """Creates an event of `program` with one session per day at the daily times, or changes one.

    Changing the dates adds the new days' sessions and removes sessions that fall outside, unless attendance was
    taken in them: then the change is refused and nothing is written.
    """
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_save: unknown fields {sorted(unknown)}")
    creating = event is None
    if event is not None:
        require_on_event(actor, "programs.change_event", event)
    event = event or Event(program=program)
    event.program = program
    for name, value in values.items():
        setattr(event, name, value)
    if not holds_over(actor, "programs.add_event" if creating else "programs.change_event", event.region_id):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field="region")
    clean(event)
    _check_event(event)
    event.save()
    days = _event_days(event)
    sessions = EventSession.objects.filter(event=event)
    dropped = sessions.exclude(date__in=days)
    if Attendance.objects.filter(session__in=dropped).exists():
        raise ServiceError(
            _("Kehadiran sudah dicatat pada hari yang akan dihapus; tanggal kegiatan tidak dapat diubah begitu."),
            field="start_date",
        )
    if EventModule.objects.filter(session__in=dropped).exists():
        EventModule.objects.filter(session__in=dropped).delete()
    dropped.delete()
    have = set(sessions.values_list("date", flat=True))
    EventSession.objects.bulk_create(
        EventSession(event=event, date=day, starts_at=event.daily_start, ends_at=event.daily_end)
        for day in days
        if day not in have
    )
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, on: date | None = None) -> Event:
    require_on_event(actor, "programs.change_event", event)
    if event.cancelled_on is not None:
        raise ServiceError(_("Kegiatan ini sudah dibatalkan."))
    if Attendance.objects.filter(session__event=event).exists():
        raise ServiceError(_("Kehadiran sudah dicatat: kegiatan yang sudah berjalan tidak dapat dibatalkan."))
    event.cancelled_on = on or venue_today(event)
    event.save(update_fields=["cancelled_on", "updated_at"])
    return event


@transaction.atomic
def event_session_add(
    *, actor: User, event: Event, on: date, starts_at: time, ends_at: time, title: str = ""
) -> EventSession:
    """A further session (e.g. an afternoon) on one of the event's days."""
    require_on_event(actor, "programs.add_eventsession", event)
    if not event.start_date <= on <= event.end_date:
        raise ServiceError(
            _("Tanggal sesi harus di antara %(start)s dan %(end)s.")
            % {"start": event.start_date.strftime("%d-%m-%Y"), "end": event.end_date.strftime("%d-%m-%Y")},
            field="date",
        )
    session = EventSession(event=event, date=on, starts_at=starts_at, ends_at=ends_at, title=title)
    clean(session)
    session.save()
    return session


@transaction.atomic
def event_module_add(
    *, actor: User, event: Event, module: Module, session: EventSession | None = None, hours: Decimal | None = None
) -> EventModule:
    """Teaches `module` at `event` (in its first session unless another is named) for `hours` (the module's usual
    hours by default)."""
    require_on_event(actor, "programs.add_eventmodule", event)
    session = session or event.sessions.order_by("date", "starts_at").first()
    if session is None or session.event_id != event.pk:
        raise ServiceError(_("Pilih sesi kegiatan ini."), field="session")
    if not module.is_active:
        raise ServiceError(_("Modul ini tidak aktif lagi."), field="module")
    taught = EventModule(event=event, module=module, session=session, hours=hours or module.default_hours)
    clean(taught)
    taught.save()
    return taught


@transaction.atomic
def event_partner_add(*, actor: User, event: Event, organisation: Organisation, role: str) -> EventPartner:
    require_on_event(actor, "programs.add_eventpartner", event)
    partner = EventPartner(event=event, organisation=organisation, role=role)
    clean(partner)
    partner.save()
    return partner


@transaction.atomic
def event_facilitator_add(
    *, actor: User, event: Event, name: str, role: str, organisation: Organisation | None = None
) -> EventFacilitator:
    require_on_event(actor, "programs.add_eventfacilitator", event)
    facilitator = EventFacilitator(event=event, name=name.strip(), role=role, organisation=organisation)
    clean(facilitator)
    facilitator.save()
    return facilitator


# --- enrolment ------------------------------------------------------------------------------------------------


@dataclass
class EnrolmentResult:
    enrolled: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    # (person, why) for those refused; the others were still enrolled.
    refused: list[tuple[Person, str]] = field(default_factory=list)


def _locked_event(event: Event) -> Event:
    # Seats are counted under this lock, so two officers enrolling at once cannot both take the last seat.
    return Event.objects.select_for_update().select_related("program").get(pk=event.pk)


def _open_for_enrolment(event: Event) -> None:
    # A past event stays open: its paper list is often typed in after the event.
    if event.cancelled_on is not None:
        raise ServiceError(_("Kegiatan ini dibatalkan."))


@transaction.atomic
def enrol_people(*, actor: User, event: Event, people: Iterable[Person]) -> EnrolmentResult:
    """Enrols each eligible person: a seat while there is one, else the waiting list. Ineligible people are
    refused one by one with the rule they fail; the others are enrolled."""
    require_on_event(actor, "programs.add_enrolment", event)
    event = _locked_event(event)
    _open_for_enrolment(event)
    people = list(people)
    reasons = selectors.ineligibility(actor=actor, event=event, people=people)
    seats = event.capacity - event.enrolments.filter(state=EnrolmentState.ENROLLED).count()
    result = EnrolmentResult()
    seen: set[int] = set()
    for person in people:
        if person.pk in seen:  # listed twice: the first stands
            result.refused.append((person, _("Sudah terdaftar pada kegiatan ini.")))
            continue
        seen.add(person.pk)
        if person.pk in reasons:
            result.refused.append((person, reasons[person.pk]))
            continue
        state = EnrolmentState.ENROLLED if seats > 0 else EnrolmentState.WAITLISTED
        seats -= state == EnrolmentState.ENROLLED
        enrolment = _new_enrolment(event, person, state, actor)
        (result.enrolled if state == EnrolmentState.ENROLLED else result.waitlisted).append(enrolment)
    created = [*result.enrolled, *result.waitlisted]
    _insert_enrolments(event, created)
    log_bulk_created(created, actor=actor)
    return result


def _new_enrolment(event: Event, person: Person, state: str, actor: User) -> Enrolment:
    # Ids, not instances: the related descriptors' checks took a fifth of the time of a list of 10,000. The caches
    # keep `enrolment.event` and `.person` (its history's text and region) free of queries.
    enrolment = Enrolment(event_id=event.pk, person_id=person.pk, state=state, enrolled_by_id=actor.pk)
    _ENROLMENT_EVENT.set_cached_value(enrolment, event)
    _ENROLMENT_PERSON.set_cached_value(enrolment, person)
    return enrolment


_ENROLMENT_EVENT = Enrolment._meta.get_field("event")
_ENROLMENT_PERSON = Enrolment._meta.get_field("person")


def _insert_enrolments(event: Event, enrolments: list[Enrolment]) -> None:
    """One multi-row insert (COPY on PostgreSQL), then each row's id: a list of 10,000 takes a second, where
    `bulk_create` took several."""
    now = timezone.now()
    stamp = Enrolment._meta.get_field("created_at").get_db_prep_save(now, connection)
    insert_rows(
        Enrolment,
        ("created_at", "updated_at", "event", "person", "state", "enrolled_by", "withdrawal_reason", "withdrawal_note"),
        ((stamp, stamp, event.pk, item.person_id, item.state, item.enrolled_by_id, "", "") for item in enrolments),
    )
    # One enrolment per person and event (a constraint): the event's whole list maps each person to their row,
    # without sending 10,000 ids back to the database.
    ids = dict(Enrolment.objects.filter(event=event).values_list("person_id", "id"))
    for item in enrolments:
        item.pk, item.created_at, item.updated_at = ids[item.person_id], now, now
        item._state.adding = False


def enrol(*, actor: User, event: Event, person: Person) -> Enrolment:
    """Enrols one person, or refuses with the rule they fail."""
    result = enrol_people(actor=actor, event=event, people=[person])
    if result.refused:
        raise ServiceError(result.refused[0][1], field="person")
    return (result.enrolled or result.waitlisted)[0]


@transaction.atomic
def enrolment_withdraw(
    *, actor: User, enrolment: Enrolment, reason: str, note: str = "", on: date | None = None
) -> Enrolment | None:
    """Withdraws a participant (or someone waiting); a freed seat goes to the first on the waiting list, who is
    returned."""
    require_on_event(actor, "programs.change_enrolment", enrolment.event)
    event = _locked_event(enrolment.event)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state == EnrolmentState.WITHDRAWN:
        raise ServiceError(_("Peserta ini sudah mengundurkan diri."))
    if Certificate.objects.filter(enrolment=enrolment, revoked_on__isnull=True).exists():
        raise ServiceError(_("Peserta ini sudah bersertifikat; cabut sertifikatnya dulu."))
    freed_seat = enrolment.state == EnrolmentState.ENROLLED
    enrolment.state = EnrolmentState.WITHDRAWN
    enrolment.withdrawal_reason = reason
    enrolment.withdrawal_note = note.strip()
    enrolment.withdrawn_on = on or venue_today(event)
    clean(enrolment, exclude=["event", "person", "enrolled_by"])
    enrolment.save()
    if not freed_seat or event.end_date < venue_today(event):
        return None
    first_waiting = event.enrolments.filter(state=EnrolmentState.WAITLISTED).order_by("id").first()
    if first_waiting is not None:
        first_waiting.state = EnrolmentState.ENROLLED
        first_waiting.save(update_fields=["state", "updated_at"])
    return first_waiting


# --- attendance -----------------------------------------------------------------------------------------------


def _check_attendance(actor: User, session: EventSession, enrolment: Enrolment) -> None:
    event = session.event
    require_on_event(actor, "programs.add_attendance", event)
    if enrolment.event_id != event.pk:
        raise ServiceError(_("Orang ini bukan peserta kegiatan ini."), field="enrolment")
    if enrolment.state != EnrolmentState.ENROLLED:
        raise ServiceError(
            _("Orang ini tidak terdaftar sebagai peserta (status: %(state)s).")
            % {"state": enrolment.get_state_display()},
            field="enrolment",
        )
    if event.cancelled_on is not None:
        raise ServiceError(_("Kegiatan ini dibatalkan."), field="session")
    if not event.start_date <= session.date <= event.end_date:
        raise ServiceError(_("Sesi ini di luar tanggal kegiatan."), field="session")
    if session.date > venue_today(event):
        raise ServiceError(
            _("Sesi tanggal %(date)s belum berlangsung; kehadiran dicatat pada hari itu atau sesudahnya.")
            % {"date": session.date.strftime("%d-%m-%Y")},
            field="session",
        )


@transaction.atomic
def attendance_mark(
    *,
    actor: User,
    session: EventSession,
    enrolment: Enrolment,
    status: str,
    source: str = AttendanceSource.PHONE,
    allow_change: bool = True,
) -> Attendance:
    """Marks one participant present, late or absent in one session. A mark already there is corrected (its
    history keeps the earlier one) when `allow_change`, else the second mark is refused."""
    _check_attendance(actor, session, enrolment)
    if status not in AttendanceStatus.values:
        raise ServiceError(_("Pilih hadir, terlambat atau tidak hadir."), field="status")
    existing = Attendance.objects.select_for_update().filter(session=session, enrolment=enrolment).first()
    if existing is not None:
        if not allow_change:
            raise ServiceError(
                _("Kehadiran orang ini pada sesi ini sudah tercatat (%(status)s); ubah catatan yang ada.")
                % {"status": existing.get_status_display()},
                field="enrolment",
            )
        require_on_event(actor, "programs.change_attendance", session.event)
        if (existing.status, existing.source) != (status, source):
            existing.status, existing.source, existing.recorded_by = status, source, actor
            existing.save(update_fields=["status", "source", "recorded_by", "updated_at"])
        return existing
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                session=session, enrolment=enrolment, status=status, source=source, recorded_by=actor
            )
    except IntegrityError:
        # Someone else's mark landed between our look and our write: theirs stands.
        raise ServiceError(
            _("Kehadiran orang ini baru saja dicatat oleh pengguna lain; muat ulang halaman."), field="enrolment"
        ) from None


@transaction.atomic
def attendance_from_paper(
    *, actor: User, session: EventSession, marks: dict[int, str], absent_if_unmarked: bool = True
) -> int:
    """Copies a scanned paper list into `session`: `marks` maps enrolment ids to a status; with
    `absent_if_unmarked`, every other participant is recorded absent. All or nothing; returns the marks written."""
    enrolments = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.filter(event_id=session.event_id, state=EnrolmentState.ENROLLED)
    }
    strangers = set(marks) - set(enrolments)
    if strangers:
        raise ServiceError(_("Sebagian nama bukan peserta kegiatan ini."), field="marks")
    if absent_if_unmarked:
        marks = {pk: marks.get(pk, AttendanceStatus.ABSENT) for pk in enrolments}
    for pk, status in marks.items():
        attendance_mark(
            actor=actor, session=session, enrolment=enrolments[pk], status=status, source=AttendanceSource.PAPER
        )
    return len(marks)


# --- certificates ---------------------------------------------------------------------------------------------


def new_certificate_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


_MISREAD_CHARACTERS = str.maketrans("OILU", "011V")


def normalise_certificate_code(text: str) -> str:
    """What a person typed from the paper (`k7qm-2x9p-4r0a`, spaces, O for 0) as the stored code."""
    cleaned = "".join(char for char in text.upper() if char.isalnum())
    return cleaned.translate(_MISREAD_CHARACTERS)


@transaction.atomic
def certificates_issue(*, actor: User, event: Event, on: date | None = None) -> list[Certificate]:
    """Issues a certificate to every participant who completed the event and has none yet; returns the new ones."""
    require_on_event(actor, ISSUE_CERTIFICATE, event, _("Anda tidak berwenang menerbitkan sertifikat."))
    event = _locked_event(event)
    if event.cancelled_on is not None:
        raise ServiceError(_("Kegiatan ini dibatalkan."))
    today = venue_today(event)
    if event.end_date > today:
        raise ServiceError(_("Sertifikat diterbitkan setelah hari terakhir kegiatan."))
    completion = selectors.completion(event)
    have = set(Certificate.objects.filter(enrolment__event=event).values_list("enrolment_id", flat=True))
    due = [pk for pk, progress in completion.items() if progress.completed and pk not in have]
    enrolments = Enrolment.objects.filter(pk__in=due).select_related("event").order_by("id")
    issued = Certificate.objects.bulk_create(
        Certificate(enrolment=enrolment, code=new_certificate_code(), issued_on=on or today, issued_by=actor)
        for enrolment in enrolments
    )
    log_bulk_created(issued, actor=actor)
    return issued


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    require_on_event(actor, "programs.change_certificate", certificate.enrolment.event)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_on is not None:
        raise ServiceError(_("Sertifikat ini sudah dicabut."))
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasan pencabutan."), field="reason")
    certificate.revoked_on = venue_today(certificate.enrolment.event)
    certificate.revocation_reason = reason.strip()
    certificate.save(update_fields=["revoked_on", "revocation_reason", "updated_at"])
    return certificate


# --- following a person merge --------------------------------------------------------------------------------


def on_person_merged(sender: Any, *, survivor: Person, duplicate: Person, actor: Any, **kwargs: Any) -> None:
    """Receiver of `registry.signals.person_merged`: the duplicate's enrolments move to the survivor; where both
    were enrolled in the same event, the survivor's stays and the duplicate's is withdrawn as entered by mistake
    (its attendance stays with it, visible in the history)."""
    survivor_events = set(Enrolment.objects.filter(person=survivor).values_list("event_id", flat=True))
    for enrolment in Enrolment.objects.filter(person=duplicate).select_related("event"):
        if enrolment.event_id in survivor_events:
            if enrolment.state != EnrolmentState.WITHDRAWN:
                enrolment.state = EnrolmentState.WITHDRAWN
                enrolment.withdrawal_reason = WithdrawalReason.ENTERED_BY_MISTAKE
                enrolment.withdrawn_on = venue_today(enrolment.event)
                enrolment.save(update_fields=["state", "withdrawal_reason", "withdrawn_on", "updated_at"])
            continue
        enrolment.person = survivor
        enrolment.save(update_fields=["person", "updated_at"])
