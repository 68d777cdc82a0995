"""Writes on the work inside a case: assessments, the intervention plan, services, referrals, notes and tasks.

Each takes the acting user, checks the model permission over the case's region, validates (`full_clean` plus the
database constraints), runs in one transaction and writes a line on the case's timeline. Timeline lines name kinds,
components and dates, never a note's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import OVERRIDE_CONSENT
from bangkit.audit.history import log_bulk_created
from bangkit.cases.choices import (
    AtensiComponent,
    CaseEventKind,
    FamilySituation,
    ReferralStatus,
    RiskFactor,
    Severity,
)
from bangkit.cases.models import (
    Assessment,
    AssessmentNeed,
    AssessmentRiskFactor,
    Case,
    CaseEvent,
    CaseNote,
    PlanLine,
    Referral,
    ServiceDelivery,
    Task,
)
from bangkit.cases.screening import QUESTION_COUNT, srq20_flagged, srq20_suicide_item
from bangkit.cases.services.access import eligible_users, holds_on_case, require_on_case, site_language
from bangkit.cases.services.timeline import record_event
from bangkit.cases.signals import assessment_recorded
from bangkit.core.exceptions import ServiceError
from bangkit.core.validation import clean
from bangkit.registry.selectors.consents import consent_for_sharing

NOTE_MAX = 500
# Days a case worker has to act on an SRQ-20 flag; thoughts of ending one's life are acted on the same day.
SRQ20_REFERRAL_DAYS = 7


@dataclass(frozen=True)
class Checked:
    """One line of a checklist: an ATENSI need, or a risk factor, with what the case worker noted about it."""

    yes: bool = False
    note: str = ""


def _require_open(case: Case, field: str | None = None) -> None:
    if not case.is_open:
        raise ServiceError(_("Kasus ini sudah selesai; buka kembali kasusnya lebih dulu."), field=field)


def _require_not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(_("%(label)s tidak boleh di masa depan.") % {"label": label}, field=field)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _checklist(
    values: Mapping[str, Checked] | None, allowed: type[AtensiComponent] | type[RiskFactor], field: str
) -> dict[str, Checked]:
    values = dict(values or {})
    unknown = sorted(set(values) - set(allowed.values))
    if unknown:
        raise ServiceError(_("Pilihan tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}, field=field)
    for checked in values.values():
        if len(checked.note) > NOTE_MAX:
            raise ServiceError(_("Catatan paling banyak %(max)d karakter.") % {"max": NOTE_MAX}, field=field)
    return {code: values.get(code, Checked()) for code in allowed.values}


def _validate_srq20(answers: Sequence[Any] | None) -> list[bool]:
    if not answers:
        return []
    if len(answers) != QUESTION_COUNT or not all(isinstance(answer, bool) for answer in answers):
        raise ServiceError(
            _(
                "Jawab ke-%(count)d pertanyaan SRQ-20 dengan ya atau tidak, "
                "atau kosongkan semuanya bila skrining tidak dilakukan."
            )
            % {"count": QUESTION_COUNT},
            field="srq20_answers",
        )
    return list(answers)


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case: Case,
    assessed_on: date | None = None,
    srq20_answers: Sequence[bool] | None = None,
    stress: str = Severity.NONE,
    depression: str = Severity.NONE,
    isolation: str = Severity.NONE,
    psychosocial_note: str = "",
    health_note: str = "",
    family_situation: str = FamilySituation.UNKNOWN,
    family_note: str = "",
    debt_amount: int | None = None,
    debt_note: str = "",
    summary: str = "",
    needs: Mapping[str, Checked] | None = None,
    risk_factors: Mapping[str, Checked] | None = None,
) -> Assessment:
    """Records the next assessment of the series, with all seven ATENSI needs and all eight risk factors.

    An SRQ-20 result at or above the cut-off, or "yes" to question 17, gives the case worker a task to refer the
    person to a mental-health service (the case page shows the warning too).
    """
    require_on_case(actor, "cases.add_assessment", case)
    _require_open(case)
    assessed_on = assessed_on or timezone.localdate()
    _require_not_future(assessed_on, "assessed_on", _("Tanggal asesmen"))
    if assessed_on < case.opened_on:
        raise ServiceError(_("Tanggal asesmen tidak boleh sebelum kasus dibuka."), field="assessed_on")
    answers = _validate_srq20(srq20_answers)
    need_lines = _checklist(needs, AtensiComponent, "needs")
    risk_lines = _checklist(risk_factors, RiskFactor, "risk_factors")
    locked = _lock(case)
    sequence = (locked.assessments.aggregate(last=Max("sequence"))["last"] or 0) + 1
    assessment = Assessment(
        case=locked,
        sequence=sequence,
        assessed_on=assessed_on,
        assessor=actor,
        srq20_answers=answers,
        stress=stress,
        depression=depression,
        isolation=isolation,
        psychosocial_note=psychosocial_note,
        health_note=health_note,
        family_situation=family_situation,
        family_note=family_note,
        debt_amount=debt_amount,
        debt_note=debt_note,
        summary=summary,
    )
    clean(assessment)
    assessment.save()
    for component, checked in need_lines.items():
        AssessmentNeed.objects.create(
            assessment=assessment, component=component, needed=checked.yes, note=checked.note.strip()
        )
    for factor, checked in risk_lines.items():
        AssessmentRiskFactor.objects.create(
            assessment=assessment, factor=factor, present=checked.yes, note=checked.note.strip()
        )
    with site_language():
        record_event(
            case=locked,
            kind=CaseEventKind.ASSESSMENT,
            actor=actor,
            summary=_("Asesmen ke-%(sequence)d dicatat (tanggal %(day)s).")
            % {"sequence": sequence, "day": assessed_on.strftime("%d-%m-%Y")},
        )
    assessment_recorded.send(sender=Assessment, assessment=assessment, actor=actor)
    if srq20_flagged(answers):
        today = timezone.localdate()
        with site_language():
            title = _("Rujuk ke layanan kesehatan jiwa (hasil skrining SRQ-20 asesmen ke-%(sequence)d)") % {
                "sequence": sequence
            }
        task_give(
            actor=actor,
            case=locked,
            title=title,
            due_on=today if srq20_suicide_item(answers) else today + timedelta(days=SRQ20_REFERRAL_DAYS),
            assigned_to=locked.case_worker or actor,
        )
    return assessment


def _organisation_active(organisation: Organisation | None, field: str) -> None:
    if organisation is not None and not organisation.is_active:
        raise ServiceError(_("Organisasi ini tidak aktif."), field=field)


@transaction.atomic
def plan_line_add(
    *,
    actor: User,
    case: Case,
    component: str,
    description: str,
    responsible_organisation: Organisation | None = None,
    due_on: date | None = None,
) -> PlanLine:
    require_on_case(actor, "cases.add_planline", case)
    _require_open(case)
    _organisation_active(responsible_organisation, "responsible_organisation")
    line = PlanLine(
        case=case,
        component=component,
        description=description.strip(),
        responsible_organisation=responsible_organisation,
        due_on=due_on,
    )
    clean(line)
    line.save()
    with site_language():
        record_event(
            case=case,
            kind=CaseEventKind.PLAN_LINE,
            actor=actor,
            summary=_("Kegiatan rencana intervensi ditambahkan (%(component)s).")
            % {"component": line.get_component_display()},
        )
    return line


@transaction.atomic
def plan_line_update(
    *,
    actor: User,
    plan_line: PlanLine,
    component: str,
    description: str,
    responsible_organisation: Organisation | None,
    due_on: date | None,
    status: str,
) -> PlanLine:
    line = PlanLine.objects.select_for_update().select_related("case").get(pk=plan_line.pk)
    require_on_case(actor, "cases.change_planline", line.case)
    _require_open(line.case)
    _organisation_active(responsible_organisation, "responsible_organisation")
    before = line.status
    line.component = component
    line.description = description.strip()
    line.responsible_organisation = responsible_organisation
    line.due_on = due_on
    line.status = status
    clean(line)
    line.save()
    with site_language():
        summary = _("Kegiatan rencana intervensi diubah (%(component)s).") % {"component": line.get_component_display()}
        if before != line.status:
            summary = _("Kegiatan rencana intervensi (%(component)s): %(status)s.") % {
                "component": line.get_component_display(),
                "status": line.get_status_display(),
            }
        record_event(case=line.case, kind=CaseEventKind.PLAN_LINE, actor=actor, summary=summary)
    return line


@transaction.atomic
def service_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    component: str,
    delivered_on: date | None = None,
    plan_line: PlanLine | None = None,
    provider: Organisation | None = None,
    provider_name: str = "",
    notes: str = "",
) -> ServiceDelivery:
    require_on_case(actor, "cases.add_servicedelivery", case)
    _require_open(case)
    delivered_on = delivered_on or timezone.localdate()
    _require_not_future(delivered_on, "delivered_on", _("Tanggal layanan"))
    if delivered_on < case.opened_on:
        raise ServiceError(_("Tanggal layanan tidak boleh sebelum kasus dibuka."), field="delivered_on")
    if plan_line is not None and plan_line.case_id != case.pk:
        raise ServiceError(_("Kegiatan rencana ini bukan milik kasus ini."), field="plan_line")
    provider_name = provider_name.strip()
    if provider is None and not provider_name:
        provider = actor.organisation
    service = ServiceDelivery(
        case=case,
        delivered_on=delivered_on,
        kind=kind,
        component=component,
        plan_line=plan_line,
        provider=provider,
        provider_name=provider_name,
        notes=notes,
        recorded_by=actor,
    )
    clean(service)
    service.save()
    with site_language():
        record_event(
            case=case,
            kind=CaseEventKind.SERVICE,
            actor=actor,
            summary=_("Layanan diberikan: %(kind)s (%(day)s).")
            % {"kind": service.get_kind_display(), "day": delivered_on.strftime("%d-%m-%Y")},
        )
    return service


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    service: str,
    reason: str,
    to_organisation: Organisation | None = None,
    to_name: str = "",
    referred_on: date | None = None,
    override_reason: str = "",
) -> Referral:
    """Refers the person out. Needs their consent to share data with the destination, in force on the day; without
    one, only a user with `cases.override_consent` over the case's region may refer, giving a reason."""
    require_on_case(actor, "cases.add_referral", case)
    _require_open(case)
    referred_on = referred_on or timezone.localdate()
    _require_not_future(referred_on, "referred_on", _("Tanggal rujukan"))
    to_name = to_name.strip()
    if to_organisation is None and not to_name:
        raise ServiceError(_("Sebutkan lembaga tujuan rujukan."), field="to_organisation")
    _organisation_active(to_organisation, "to_organisation")
    override_reason = override_reason.strip()
    consent = consent_for_sharing(person=case.person, organisation=to_organisation, on=referred_on)
    override_by = None
    if consent is None:
        if not override_reason:
            raise ServiceError(
                _(
                    "Orang ini belum memberi persetujuan berbagi data dengan lembaga tujuan yang berlaku pada tanggal "
                    "rujukan. Catat persetujuannya lebih dulu, atau minta supervisor mencatat pengecualian dengan "
                    "alasan."
                ),
                field="to_organisation",
            )
        if not holds_on_case(actor, OVERRIDE_CONSENT, case):
            raise ServiceError(
                _("Hanya supervisor yang dapat mencatat pengecualian persetujuan."), field="override_reason"
            )
        if len(override_reason) > NOTE_MAX:
            raise ServiceError(_("Alasan paling banyak %(max)d karakter.") % {"max": NOTE_MAX}, field="override_reason")
        override_by = actor
    referral = Referral(
        case=case,
        service=service,
        to_organisation=to_organisation,
        to_name=to_name,
        reason=reason.strip(),
        referred_on=referred_on,
        consent=consent,
        consent_override_by=override_by,
        consent_override_reason=override_reason if override_by else "",
        created_by=actor,
    )
    clean(referral)
    referral.save()
    with site_language():
        summary = _("Dirujuk ke %(to)s untuk layanan %(service)s.") % {
            "to": to_organisation.name if to_organisation else _("lembaga yang tidak terdaftar"),
            "service": referral.get_service_display(),
        }
        if override_by is not None:
            summary += " " + _(
                "Tanpa persetujuan berbagi data: pengecualian dicatat oleh %(name)s dengan alasan: %(reason)s"
            ) % {"name": actor.full_name or actor.email, "reason": override_reason}
        record_event(case=case, kind=CaseEventKind.REFERRAL, actor=actor, summary=summary)
    return referral


# Which answers may follow which: a pending referral is accepted, declined or done; an accepted one done or declined.
REFERRAL_NEXT: dict[str, frozenset[str]] = {
    ReferralStatus.PENDING: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.DONE, ReferralStatus.DECLINED}),
}


@transaction.atomic
def referral_respond(
    *, actor: User, referral: Referral, status: str, responded_on: date | None = None, outcome_note: str = ""
) -> Referral:
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    require_on_case(actor, "cases.change_referral", locked.case)
    allowed = REFERRAL_NEXT.get(locked.status, frozenset())
    if status not in allowed:
        raise ServiceError(
            _("Rujukan berstatus “%(current)s” tidak dapat diubah menjadi “%(status)s”.")
            % {
                "current": locked.get_status_display(),
                "status": ReferralStatus(status).label if status in ReferralStatus.values else status,
            },
            field="status",
        )
    responded_on = responded_on or timezone.localdate()
    _require_not_future(responded_on, "responded_on", _("Tanggal jawaban"))
    if responded_on < locked.referred_on:
        raise ServiceError(_("Tanggal jawaban tidak boleh sebelum tanggal rujukan."), field="responded_on")
    locked.status = status
    locked.responded_on = responded_on
    locked.outcome_note = outcome_note.strip()
    clean(locked)
    locked.save()
    with site_language():
        record_event(
            case=locked.case,
            kind=CaseEventKind.REFERRAL,
            actor=actor,
            summary=_("Rujukan %(service)s ke %(to)s: %(status)s.")
            % {
                "service": locked.get_service_display(),
                "to": locked.to_organisation.name if locked.to_organisation else _("lembaga yang tidak terdaftar"),
                "status": locked.get_status_display(),
            },
        )
    return locked


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    """Adds an encrypted case note. The timeline says that a note was added, never what it says."""
    require_on_case(actor, "cases.add_casenote", case)
    text = text.strip()
    if not text:
        raise ServiceError(_("Tuliskan catatannya."), field="text")
    note = CaseNote(case=case, author=actor, text=text)
    clean(note)
    note.save()
    with site_language():
        record_event(case=case, kind=CaseEventKind.NOTE, actor=actor, summary=_("Catatan kasus ditambahkan."))
    return note


def task_give(*, actor: User | None, case: Case, title: str, due_on: date, assigned_to: User) -> Task:
    """A task the services give on their own account (a screening result, a missed visit, a risk alert): no
    permission is checked, and with no acting user (a scheduled job) the task is the assignee's own."""
    task = Task(case=case, title=title.strip(), due_on=due_on, assigned_to=assigned_to, created_by=actor or assigned_to)
    clean(task)
    return tasks_give(actor=actor, tasks=[task])[0]


def tasks_give(*, actor: User | None, tasks: Sequence[Task]) -> list[Task]:
    """Unsaved tasks the services made (a re-scoring's alerts: thousands at once), saved with multi-row inserts,
    each with its history entry and its line on its case's timeline. Nothing is checked: the callers built them."""
    for task in tasks:
        task.created_by = actor or task.assigned_to
    with transaction.atomic():
        saved = Task.objects.bulk_create(tasks, batch_size=1_000)
        log_bulk_created(saved, actor=actor)
        now = timezone.now()
        by = actor if getattr(actor, "is_authenticated", False) else None
        with site_language():
            events = [
                CaseEvent(
                    case=task.case,
                    kind=CaseEventKind.TASK,
                    at=now,
                    actor=by,
                    summary=(
                        _("Tugas untuk %(name)s, batas %(day)s: %(title)s")
                        % {
                            "name": task.assigned_to.full_name or task.assigned_to.email,
                            "day": task.due_on.strftime("%d-%m-%Y"),
                            "title": task.title,
                        }
                    )[:500],
                )
                for task in saved
            ]
        CaseEvent.objects.bulk_create(events, batch_size=1_000)
    return saved


@transaction.atomic
def task_create(*, actor: User, case: Case, title: str, due_on: date, assigned_to: User | None = None) -> Task:
    """A task with a due date for someone working in the case's regency (by default the case worker)."""
    require_on_case(actor, "cases.add_task", case)
    _require_open(case)
    if due_on < timezone.localdate():
        raise ServiceError(_("Batas waktu tidak boleh sebelum hari ini."), field="due_on")
    assigned_to = assigned_to or case.case_worker or actor
    if (
        not eligible_users(permission="cases.change_task", region_code=case.region_id)
        .filter(pk=assigned_to.pk)
        .exists()
    ):
        raise ServiceError(_("Pengguna ini tidak bertugas di kabupaten/kota kasus."), field="assigned_to")
    return task_give(actor=actor, case=case, title=title, due_on=due_on, assigned_to=assigned_to)


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    locked = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    require_on_case(actor, "cases.change_task", locked.case)
    if locked.done_at is not None:
        raise ServiceError(_("Tugas ini sudah selesai."))
    locked.done_at = timezone.now()
    locked.done_by = actor
    clean(locked)
    locked.save()
    with site_language():
        record_event(
            case=locked.case,
            kind=CaseEventKind.TASK,
            actor=actor,
            summary=_("Tugas selesai: %(title)s") % {"title": locked.title},
        )
    return locked
