"""Writes of the livelihoods app: enterprises, follow-up visits (scheduled, recorded, escalated when missed), the
re-trafficking risk of each person (re-scored at every assessment, visit and departure), alerts and departures.

A rise to high risk, an intention to leave non-procedurally and a non-procedural departure each open an alert (one
open alert of a kind per person, by a database constraint) and give the case worker a task on the person's case;
the case worker and the district's supervisors are notified; missed visits reach the case worker, then a
supervisor of the district.
"""

from __future__ import annotations

import calendar
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_CASE
from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.models import Entitlement, Scheme, follow_up_intervals
from bangkit.audit.history import log_bulk_created
from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import Case, Task
from bangkit.cases.services.access import eligible_users, site_language
from bangkit.cases.services.care import task_give, tasks_give
from bangkit.cases.services.timeline import record_event
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.expressions import Among
from bangkit.core.scoping import holds_over
from bangkit.core.uploads import checked_scan
from bangkit.core.validation import clean
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import (
    AlertKind,
    BusinessRunning,
    EnterpriseForm,
    EnterpriseStatus,
    FollowUpState,
    MemberRole,
    MigrationIntention,
    RiskFactor,
    RiskLevel,
    RiskSource,
    RunState,
)
from bangkit.livelihoods.models import (
    MAX_MONTHLY_RUPIAH,
    Alert,
    Enterprise,
    EnterpriseCapital,
    EnterpriseMember,
    FollowUp,
    PersonRisk,
    Remigration,
    RescoreRun,
    RiskScore,
    RiskThresholds,
    RiskWeight,
)
from bangkit.notifications.kinds import NotificationKind
from bangkit.notifications.services import notify
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Certificate
from bangkit.regions.models import Region
from bangkit.regions.timezones import local_today
from bangkit.registry.choices import DepartureRoute
from bangkit.registry.models import Person
from bangkit.registry.selectors.details import refuse_merged, require_on_person

logger = logging.getLogger(__name__)

CHANGE_WEIGHTS = "livelihoods.change_riskweight"
VIEW_ALERT = "livelihoods.view_alert"
ALERT_NOTIFICATION = NotificationKind(
    "livelihoods.alert", _l("Peringatan tindak lanjut"), email=True, icon="exclamation-triangle"
)
# A visit not recorded this many days after its date becomes a task for the case worker; as many days later again,
# one for the district's supervisor too.
OVERDUE_GRACE_DAYS = 14
RESCORE_STALLED_AFTER = timedelta(minutes=15)
ESCALATION_DAYS = 14
SCHEDULE_BATCH = 5_000
# A skills training nobody paid a grant for is followed up as a grant is by default.
DEFAULT_FOLLOW_UP_MONTHS = (3, 6, 12)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 January + 1 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- enterprises -------------------------------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    name: str,
    form: str,
    kind: str,
    owner: Person,
    organisation: Any,
    region: Any = None,
    started_on: date | None = None,
    sells_at: str = "",
) -> Enterprise:
    """A business of `owner` (a UEP) or a group (KUBE) that `owner` chairs; placed where the owner lives unless
    `region` says otherwise."""
    require_on_person(actor, Enterprise, "add", owner)
    refuse_merged(owner)
    _require_not_future(started_on, "started_on", owner.region_id)
    enterprise = Enterprise(
        name=name.strip(),
        form=form,
        kind=kind,
        region_id=getattr(region, "pk", region) or owner.region_id,
        organisation=organisation,
        started_on=started_on,
        sells_at=sells_at.strip(),
        status=EnterpriseStatus.RUNNING if started_on else EnterpriseStatus.PLANNED,
        status_changed_on=started_on,
    )
    clean(enterprise)
    enterprise.save()
    role = MemberRole.OWNER if form == EnterpriseForm.INDIVIDUAL else MemberRole.CHAIR
    EnterpriseMember.objects.create(enterprise=enterprise, person=owner, role=role, joined_on=started_on)
    _timeline(owner, _("Usaha dicatat: %(name)s.") % {"name": enterprise.name}, actor=actor)
    return enterprise


@transaction.atomic
def enterprise_member_add(
    *, actor: User, enterprise: Enterprise, person: Person, role: str = MemberRole.MEMBER, joined_on: date | None = None
) -> EnterpriseMember:
    require_on_person(actor, EnterpriseMember, "add", person)
    refuse_merged(person)
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_on_enterprise(actor, locked)
    if locked.form == EnterpriseForm.INDIVIDUAL:
        raise ServiceError(
            _("Usaha perorangan hanya punya satu pemilik; jadikan kelompok (KUBE) dulu."), field="person"
        )
    member = EnterpriseMember(enterprise=locked, person=person, role=role, joined_on=joined_on)
    clean(member)
    member.save()
    return member


@transaction.atomic
def enterprise_status_change(
    *, actor: User, enterprise: Enterprise, status: str, on: date | None = None, reason: str = ""
) -> Enterprise:
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_on_enterprise(actor, locked)
    on = on or local_today(locked.region_id)
    _require_not_future(on, "on", locked.region_id)
    if status == locked.status:
        raise ServiceError(_("Usaha sudah berstatus ini."), field="status")
    if status == EnterpriseStatus.PLANNED:
        raise ServiceError(_("Usaha yang sudah berjalan tidak kembali menjadi rencana."), field="status")
    locked.status, locked.status_reason, locked.status_changed_on = status, reason.strip(), on
    if status == EnterpriseStatus.RUNNING and locked.started_on is None:
        locked.started_on = on
    if locked.started_on and on < locked.started_on:
        raise ServiceError(_("Tanggal tidak boleh sebelum usaha mulai."), field="on")
    clean(locked)
    locked.save()
    return locked


@transaction.atomic
def enterprise_capital_add(*, actor: User, enterprise: Enterprise, entitlement: Entitlement) -> EnterpriseCapital:
    """Links a grant received by one of the members to the business, as its capital."""
    _require_on_enterprise(actor, enterprise)
    if entitlement.state != EntitlementState.PAID:
        raise ServiceError(
            _("Hanya bantuan yang sudah dibayar atau diserahkan dapat menjadi modal."), field="entitlement"
        )
    if not enterprise.members.filter(person_id=entitlement.person_id).exists():
        raise ServiceError(_("Bantuan ini bukan milik anggota usaha."), field="entitlement")
    line = EnterpriseCapital(enterprise=enterprise, entitlement=entitlement)
    clean(line)
    line.save()
    return line


# --- follow-up visits --------------------------------------------------------------------------------------------


def follow_ups_schedule(*, entitlement_ids: Iterable[int] | None = None) -> int:
    """Schedules the visits of every grant paid or handed over, and of every skills training completed, that has
    none yet: a grant at its scheme's intervals, a training at DEFAULT_FOLLOW_UP_MONTHS. A training that a scheme
    rewards (its `completed_event`) is followed up through that scheme's grants, not twice. `entitlement_ids`: only
    those grants (what a payment round just paid), no trainings. Safe to run at any time and as often as wanted (a
    task after each payment round, and daily from cron): the unique constraints keep one visit per grant or
    certificate and interval. Returns how many were scheduled."""
    grants = Entitlement.objects.filter(state=EntitlementState.PAID, paid_on__isnull=False)
    if entitlement_ids is not None:
        grants = grants.filter(Among("id", entitlement_ids))
    paid = (
        grants.exclude(pk__in=FollowUp.objects.filter(entitlement__isnull=False).values("entitlement_id"))
        .values_list("pk", "person_id", "person__region_id", "paid_on", "scheme_id", "scheme__follow_up_months")
        .order_by("pk")
    )
    visits = (
        FollowUp(
            person_id=person_id,
            region_id=region_id,
            entitlement_id=entitlement_id,
            months_after=interval,
            granted_on=paid_on,
            due_on=add_months(paid_on, interval),
        )
        for entitlement_id, person_id, region_id, paid_on, scheme_id, months in paid.iterator(chunk_size=SCHEDULE_BATCH)
        if paid_on is not None  # filtered above
        for interval in _scheme_intervals(scheme_id, months)
    )
    sources: list[Iterable[FollowUp]] = [visits]
    if entitlement_ids is None:
        trained = (
            Certificate.objects.filter(revoked_on__isnull=True, enrolment__event__kind=EventKind.SKILLS_TRAINING)
            .exclude(
                enrolment__event__in=Scheme.objects.filter(completed_event__isnull=False).values("completed_event")
            )
            .exclude(pk__in=FollowUp.objects.filter(certificate__isnull=False).values("certificate_id"))
            .values_list("pk", "enrolment__person_id", "enrolment__person__region_id", "issued_on")
            .order_by("pk")
        )
        sources.append(
            FollowUp(
                person_id=person_id,
                region_id=region_id,
                certificate_id=certificate_id,
                months_after=interval,
                granted_on=issued_on,
                due_on=add_months(issued_on, interval),
            )
            for certificate_id, person_id, region_id, issued_on in trained.iterator(chunk_size=SCHEDULE_BATCH)
            for interval in DEFAULT_FOLLOW_UP_MONTHS
        )
    created = 0
    for source in sources:
        source_iterator = iter(source)
        while batch := list(islice(source_iterator, SCHEDULE_BATCH)):
            with transaction.atomic():
                # Another run may have scheduled some of them meanwhile: count what this one added.
                before = _visits_of(batch).count()
                FollowUp.objects.bulk_create(batch, ignore_conflicts=True)
                created += _visits_of(batch).count() - before
    return created


def _visits_of(batch: list[FollowUp]) -> QuerySet[FollowUp]:
    grants = {visit.entitlement_id for visit in batch if visit.entitlement_id}
    certificates = {visit.certificate_id for visit in batch if visit.certificate_id}
    return FollowUp.objects.filter(Among("entitlement_id", grants) | Among("certificate_id", certificates))


def _scheme_intervals(scheme_id: int, months: str) -> list[int]:
    """A scheme's intervals; one stored unreadable (written around the form) is followed up at the defaults and
    logged, rather than stopping every other scheme's scheduling."""
    try:
        return follow_up_intervals(months)
    except ValidationError:
        logger.warning("scheme %s has unreadable follow-up months %r: using the defaults", scheme_id, months)
        return list(DEFAULT_FOLLOW_UP_MONTHS)


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    visited_on: date,
    business: str,
    monthly_revenue: int | None = None,
    monthly_profit: int | None = None,
    household_income: int | None = None,
    other_work: str = "",
    debt_amount: int | None = None,
    debt_note: str = "",
    family_situation: str = "",
    health: str = "",
    recruiter_contact: bool = False,
    migration_intention: str = "",
    notes: str = "",
    photo: Any = None,
    enterprise: Enterprise | None = None,
) -> FollowUp:
    """Records what a visit found, re-scores the person's risk with it, and puts it on their case's timeline."""
    locked = FollowUp.objects.select_for_update().select_related("person").get(pk=follow_up.pk)
    require_on_person(actor, FollowUp, "change", locked.person)
    if locked.state != FollowUpState.SCHEDULED:
        raise ServiceError(_("Kunjungan ini sudah dicatat atau dibatalkan."))
    _require_not_future(visited_on, "visited_on", locked.person.region_id)
    if visited_on < locked.granted_on:
        raise ServiceError(
            _("Kunjungan tidak boleh sebelum tanggal bantuan (%(day)s).")
            % {"day": locked.granted_on.strftime("%d-%m-%Y")},
            field="visited_on",
        )
    for field, amount in (
        ("monthly_revenue", monthly_revenue),
        ("monthly_profit", monthly_profit),
        ("household_income", household_income),
        ("debt_amount", debt_amount),
    ):
        if amount is not None and abs(amount) > MAX_MONTHLY_RUPIAH:
            raise ServiceError(_("Jumlah ini terlalu besar; periksa angka nolnya."), field=field)
    if business == BusinessRunning.NO_BUSINESS and (monthly_revenue or monthly_profit):
        raise ServiceError(_("Omzet dan laba diisi hanya bila ada usaha."), field="monthly_revenue")
    if enterprise is not None:
        if not holds_over(actor, "livelihoods.view_enterprise", enterprise.region_id):
            raise ServiceError(_("Usaha ini tidak ditemukan atau di luar yurisdiksi Anda."), field="enterprise")
        if not enterprise.members.filter(person_id=locked.person_id).exists():
            raise ServiceError(_("Orang ini bukan anggota usaha tersebut."), field="enterprise")
    locked.state = FollowUpState.DONE
    locked.visited_on = visited_on
    locked.recorded_by = actor
    locked.business = business
    locked.monthly_revenue = monthly_revenue
    locked.monthly_profit = monthly_profit
    locked.household_income = household_income
    locked.other_work = other_work.strip()
    locked.debt_amount = debt_amount
    locked.debt_note = debt_note.strip()
    locked.family_situation = family_situation
    locked.health = health
    locked.recruiter_contact = recruiter_contact
    locked.migration_intention = migration_intention
    locked.notes = notes.strip()
    if enterprise is not None:
        locked.enterprise = enterprise
    if photo:
        locked.photo = checked_scan(photo, field="photo")
        if not locked.photo.name.endswith((".jpg", ".png")):
            raise ServiceError(_("Foto harus berupa JPEG atau PNG."), field="photo")
    clean(locked)
    locked.save()
    _timeline(
        locked.person,
        _("Kunjungan tindak lanjut %(months)d bulan dicatat (tanggal %(day)s).")
        % {"months": locked.months_after, "day": visited_on.strftime("%d-%m-%Y")},
        actor=actor,
    )
    observations = risk.from_follow_up(locked)
    person_rescore(
        person=locked.person,
        observations={
            factor: risk.Observation(present, RiskSource.FOLLOW_UP, visited_on)
            for factor, present in observations.items()
        },
        source=RiskSource.FOLLOW_UP,
        on=visited_on,
        actor=actor,
        follow_up=locked,
    )
    if migration_intention == MigrationIntention.NON_PROCEDURAL:
        alert_raise(
            person=locked.person,
            kind=AlertKind.INTENDS_NON_PROCEDURAL,
            reason=_("Pada kunjungan %(day)s menyatakan niat berangkat lagi secara nonprosedural.")
            % {"day": visited_on.strftime("%d-%m-%Y")},
            actor=actor,
        )
    return locked


@transaction.atomic
def follow_up_cancel(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    locked = FollowUp.objects.select_for_update().select_related("person").get(pk=follow_up.pk)
    require_on_person(actor, FollowUp, "change", locked.person)
    if locked.state != FollowUpState.SCHEDULED:
        raise ServiceError(_("Kunjungan ini sudah dicatat atau dibatalkan."))
    if not reason.strip():
        raise ServiceError(_("Sebutkan alasan pembatalan."), field="reason")
    locked.state = FollowUpState.CANCELLED
    locked.notes = reason.strip()
    locked.save(update_fields=["state", "notes", "updated_at"])
    return locked


def follow_ups_escalate(*, today: date | None = None, actor: User | None = None) -> tuple[int, int]:
    """Missed visits: OVERDUE_GRACE_DAYS after the date a task goes to the case worker of the person's case;
    ESCALATION_DAYS after that task, if still not recorded, one to a supervisor of the case's regency. Returns how
    many of each were given. People without a case have no one to task: their visits stay on the district's worklist."""
    today = today or timezone.localdate()
    to_case_worker = to_supervisor = 0
    responsible = ResponsibleWorkers()
    first = FollowUp.objects.filter(
        state=FollowUpState.SCHEDULED, escalation=0, due_on__lte=today - timedelta(days=OVERDUE_GRACE_DAYS)
    )
    # The case worker has ESCALATION_DAYS from their own task before the supervisor is told, even for a backlog.
    second = FollowUp.objects.filter(
        state=FollowUpState.SCHEDULED, escalation=1, escalated_on__lte=today - timedelta(days=ESCALATION_DAYS)
    )
    for level, pending in ((1, first), (2, second)):
        for follow_up in pending.select_related("person").order_by("due_on", "pk").iterator(chunk_size=500):
            with transaction.atomic():
                # Two runs at once: only the one whose UPDATE moves the level gives the task.
                moved = FollowUp.objects.filter(pk=follow_up.pk, escalation=level - 1)
                if not moved.update(escalation=level, escalated_on=today):
                    continue
                case = current_case(follow_up.person_id)
                if case is None:
                    continue
                region = follow_up.person.region_id
                assignee = (
                    responsible.worker(case, region)
                    if level == 1
                    else next(iter(responsible.supervisors(region)), None)
                )
                if assignee is None:
                    continue
                with site_language():
                    title = (
                        _("Kunjungan tindak lanjut %(months)d bulan terlewat (jadwal %(day)s)")
                        if level == 1
                        else _("Kunjungan tindak lanjut %(months)d bulan belum dilakukan pendamping (jadwal %(day)s)")
                    ) % {"months": follow_up.months_after, "day": follow_up.due_on.strftime("%d-%m-%Y")}
                task_give(actor=actor, case=case, title=title, due_on=today + timedelta(days=7), assigned_to=assignee)
                if level == 1:
                    to_case_worker += 1
                else:
                    to_supervisor += 1
    return to_case_worker, to_supervisor


# --- risk --------------------------------------------------------------------------------------------------------


def current_weights() -> dict[str, int]:
    weights = dict(RiskWeight.objects.values_list("factor", "weight"))
    return {factor: weights.get(factor, risk.DEFAULT_WEIGHTS[factor][0]) for factor in risk.FACTORS}


def current_thresholds() -> RiskThresholds:
    found = RiskThresholds.objects.filter(pk=1).first()
    return found or RiskThresholds(pk=1, **risk.DEFAULT_THRESHOLDS)


def _hold_instrument() -> None:
    """Waits for a change of the weights being saved, and keeps them from changing until this transaction ends: a
    person scored now is scored either before a change commits (and the re-scoring it queues sees them) or under
    the new weights, never under the old ones after that re-scoring went past them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {RiskThresholds._meta.db_table} WHERE id = 1 FOR SHARE")  # noqa: S608
    # SQLite's IMMEDIATE transactions already run one at a time.


def person_rescore(
    *,
    person: Person,
    observations: Mapping[str, risk.Observation],
    source: str,
    on: date,
    actor: Any,
    follow_up: FollowUp | None = None,
) -> RiskScore:
    """Takes in what a source saw (each factor's latest observation wins), scores the person under the current
    weights, keeps the score in their series, and raises an alert when the level rises to high."""
    with transaction.atomic():
        _hold_instrument()
        current, _created = PersonRisk.objects.select_for_update().get_or_create(
            person=person, defaults={"level_since": timezone.now()}
        )
        weights, thresholds = current_weights(), current_thresholds()
        evidence = dict(current.evidence)
        for factor, seen in observations.items():
            # Visits typed in weeks later must not undo what a later visit found: the latest observation wins.
            earlier = evidence.get(factor)
            if earlier is None or seen.on.isoformat() >= earlier[2]:
                evidence[factor] = [seen.present, seen.source, seen.on.isoformat()]
        mask = risk.mask_of(factor for factor, (present, *_rest) in evidence.items() if present)
        score = risk.score_of(mask, weights)
        level = risk.level_of(score, medium_from=thresholds.medium_from, high_from=thresholds.high_from)
        previous = current.level
        current.present, current.evidence, current.score = mask, evidence, score
        if level != previous:
            current.level, current.level_since = level, timezone.now()
        current.save()
        scored = RiskScore.objects.create(
            person=person,
            score=score,
            level=level,
            source=source,
            scored_on=on,
            follow_up=follow_up,
            factors=risk.explain(evidence, weights),
        )
        if level == RiskLevel.HIGH and previous != RiskLevel.HIGH:
            reasons = ", ".join(str(RiskFactor(factor).label) for factor in risk.FACTORS if mask & risk.BIT[factor])
            alert_raise(
                person=person,
                kind=AlertKind.HIGH_RISK,
                reason=_("Skor risiko %(score)d (tinggi): %(reasons)s.") % {"score": score, "reasons": reasons},
                visit_within_days=thresholds.high_visit_days,
                actor=actor,
            )
    return scored


@transaction.atomic
def risk_instrument_update(
    *, actor: User, weights: Mapping[str, tuple[int, str]], thresholds: Mapping[str, int] | None = None
) -> int:
    """Sets the weights (factor → (weight, rationale)) and, if given, the thresholds; out-of-range values and empty
    rationales are refused, nothing is saved then. The weights are the same for the whole country: only a national
    administrator changes them. A change queues the re-scoring of everyone. Returns how many
    rows changed."""
    if not holds_over(actor, CHANGE_WEIGHTS, None):
        raise NotPermitted(_("Hanya administrator nasional yang mengubah bobot risiko."))
    # Locked first: scoring one person waits for this change to commit (`_hold_instrument`).
    current = RiskThresholds.objects.select_for_update().filter(pk=1).first() or RiskThresholds(
        pk=1, **risk.DEFAULT_THRESHOLDS
    )
    changed = 0
    for factor, (weight, rationale) in weights.items():
        if factor not in risk.BIT:
            raise ServiceError(_("Faktor tidak dikenal."), field=factor)
        if not isinstance(weight, int) or not 0 <= weight <= 10:
            raise ServiceError(_("Bobot harus bilangan bulat 0 sampai 10."), field=factor)
        if not rationale.strip():
            raise ServiceError(_("Tulis alasan bobot ini."), field=factor)
        row = RiskWeight.objects.select_for_update().filter(factor=factor).first() or RiskWeight(factor=factor)
        if row.pk is not None and row.weight == weight and row.rationale == rationale.strip():
            continue
        row.weight, row.rationale = weight, rationale.strip()
        clean(row)
        row.save()
        changed += 1
    if sum(current_weights().values()) == 0:
        raise ServiceError(_("Setidaknya satu faktor harus berbobot."))
    if thresholds is not None and (
        any(getattr(current, name) != value for name, value in thresholds.items()) or current._state.adding
    ):
        for name, value in thresholds.items():
            setattr(current, name, value)
        clean(current)
        current.save()
        changed += 1
    if changed:
        rescore_queue(actor=actor)
    return changed


def rescore_queue(*, actor: User | None) -> RescoreRun:
    """Queues a re-scoring of everyone (after the weights or thresholds changed); its progress is on the run."""
    from bangkit.livelihoods.tasks import rescore_everyone_task

    run = RescoreRun.objects.create(requested_by=actor, people_total=PersonRisk.objects.count())
    transaction.on_commit(rescore_everyone_task.enqueue)
    return run


def rescore_runs_work() -> None:
    """Runs the newest queued re-scoring, then any queued while it ran, one at a time (a database constraint):
    queued runs older than the newest are skipped, since it re-scores everyone under the newest weights. When
    another worker is running one, returns at once: that worker takes what is queued when it ends."""
    while (claimed := _rescore_claim()) is not None:
        run_pk: int = claimed

        def progress(done: int, total: int, run_pk: int = run_pk) -> None:
            RescoreRun.objects.filter(pk=run_pk).update(people_done=done, people_total=total, updated_at=timezone.now())

        try:
            changed = rescore_everyone(progress=progress)
        except Exception:
            logger.exception("risk re-scoring run %s failed", run_pk)
            RescoreRun.objects.filter(pk=run_pk).update(state=RunState.FAILED, finished_at=timezone.now())
            raise
        RescoreRun.objects.filter(pk=run_pk).update(
            state=RunState.DONE, level_changes=changed, finished_at=timezone.now()
        )


def _rescore_claim() -> int | None:
    now = timezone.now()
    with transaction.atomic():
        # A worker killed mid-run (no progress for this long) would otherwise hold every later run back.
        RescoreRun.objects.filter(state=RunState.RUNNING, updated_at__lt=now - RESCORE_STALLED_AFTER).update(
            state=RunState.FAILED, finished_at=now
        )
        queued = RescoreRun.objects.filter(state=RunState.QUEUED)
        newest = queued.order_by("-pk").values_list("pk", flat=True).first()
        if newest is None:
            return None
        try:
            with transaction.atomic():
                claimed = RescoreRun.objects.filter(pk=newest, state=RunState.QUEUED).update(
                    state=RunState.RUNNING, updated_at=now
                )
        except IntegrityError:
            return None  # another one is running
        if not claimed:
            return None
        queued.filter(pk__lt=newest).update(state=RunState.SKIPPED, finished_at=now)
        return newest


def rescore_everyone(*, progress: Callable[[int, int], None] | None = None, chunk: int = 50_000) -> int:
    """Re-scores every person's current risk under the current weights, in SQL, a range of ids at a time (so that
    progress shows and no transaction holds a million rows). People rising to high get their alert; every change of
    level is kept in the person's series. Returns how many people changed level. One run at a time
    (`rescore_everyone_task`); the weights are read again for each range, so a change during a run reaches the
    rest of it, and the run that change queued redoes the whole."""
    bounds = PersonRisk.objects.aggregate(low=Min("id"), high=Max("id"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return 0
    changed_level = 0
    start = low
    while start <= high:
        end = start + chunk
        with transaction.atomic():
            weights, thresholds = current_weights(), current_thresholds()
            moved = _rescore_range(start, end, weights, thresholds)
            changed_level += _after_rescore(moved, weights, thresholds)
        if progress is not None:
            progress(min(end, high + 1) - low, high + 1 - low)
        start = end
    return changed_level


def _rescore_range(
    start: int, end: int, weights: Mapping[str, int], thresholds: RiskThresholds
) -> list[tuple[int, int, str, int, str, Any]]:
    """Re-scores the people whose risk row id is in [start, end) and whose score or level the weights change;
    returns (id, person id, level before, score, level after, evidence) of each."""
    table = PersonRisk._meta.db_table

    def rules(row: str) -> tuple[str, str, str]:
        """The new score, the new level, and what changes, in SQL over the columns of `row` ("" or "risk.")."""
        score = " + ".join(
            f"(CASE WHEN ({row}present & {risk.BIT[factor]}) <> 0 THEN {weights[factor]} ELSE 0 END)"
            for factor in risk.FACTORS
        )
        level = (
            f"CASE WHEN ({score}) >= {thresholds.high_from} THEN 'high' "
            f"WHEN ({score}) >= {thresholds.medium_from} THEN 'medium' ELSE 'low' END"
        )
        # SET expressions read the row as it was: level_since moves only when the level does.
        assign = (
            f"score = {score}, level = {level}, updated_at = %s, "
            f"level_since = CASE WHEN {row}level <> {level} THEN %s ELSE {row}level_since END"
        )
        return f"({score})", level, assign

    score, level, assign = rules("")
    stale = f"id >= %s AND id < %s AND (score <> {score} OR level <> {level})"
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the rows are locked as they are read, and each one's old level comes back beside the
            # new, so that a visit recorded meanwhile cannot slip between a read and the write.
            cursor.execute(
                f"UPDATE {table} AS risk SET {rules('risk.')[2]} "  # noqa: S608 - weights, thresholds are integers
                f"FROM (SELECT id, level FROM {table} WHERE {stale} FOR UPDATE) AS before "
                "WHERE risk.id = before.id "
                "RETURNING risk.id, risk.person_id, before.level, risk.score, risk.level, risk.evidence",
                [now, now, start, end],
            )
            moved = cursor.fetchall()
        else:
            # SQLite: the IMMEDIATE transaction holds the database from the read to the write.
            cursor.execute(
                f"SELECT id, person_id, level, {score}, {level}, evidence FROM {table} WHERE {stale}",  # noqa: S608
                [start, end],
            )
            moved = cursor.fetchall()
            cursor.execute(f"UPDATE {table} SET {assign} WHERE {stale}", [now, now, start, end])  # noqa: S608
    # A raw cursor returns JSON as text on both databases.
    return [(*row[:5], json.loads(row[5])) for row in moved]


def _after_rescore(
    moved: list[tuple[int, int, str, int, str, Any]], weights: Mapping[str, int], thresholds: RiskThresholds
) -> int:
    """Keeps each change of level in the person's series and raises the alerts of those who rose to high; returns
    how many changed level."""
    today = timezone.localdate()
    level_moved = [row for row in moved if row[2] != row[4]]
    RiskScore.objects.bulk_create(
        (
            RiskScore(
                person_id=person_id,
                score=score,
                level=after,
                source=RiskSource.WEIGHTS,
                scored_on=today,
                factors=risk.explain(evidence, weights),
            )
            for _pk, person_id, _before, score, after, evidence in level_moved
        ),
        batch_size=2_000,
    )
    risen = {
        person_id: _("Skor risiko %(score)d (tinggi) setelah bobot faktor diubah.") % {"score": score}
        for _pk, person_id, _before, score, after, _evidence in level_moved
        if after == RiskLevel.HIGH
    }
    alerts_raise(kind=AlertKind.HIGH_RISK, reasons=risen, visit_within_days=thresholds.high_visit_days, actor=None)
    return len(level_moved)


# --- alerts and departures ---------------------------------------------------------------------------------------


def alert_raise(*, person: Person, kind: str, reason: str, actor: Any, visit_within_days: int = 7) -> Alert | None:
    """One person's alert (`alerts_raise`); None when one of this kind is already open for them."""
    raised = alerts_raise(kind=kind, reasons={person.pk: reason}, actor=actor, visit_within_days=visit_within_days)
    return raised[0] if raised else None


def alerts_raise(*, kind: str, reasons: Mapping[int, str], actor: Any, visit_within_days: int = 7) -> list[Alert]:
    """Opens an alert of `kind` for each person of `reasons` (person id → reason) who has none of this kind open,
    each with a task on the person's case for whoever answers for them (`responsible_worker`) to visit within
    `visit_within_days`, and tells those workers and the district's supervisors: of a single alert, its reason in
    the application (by e-mail only its title and a link); of several (a re-scoring), once each, how many."""
    if not reasons:
        return []
    people = dict(Person.objects.filter(Among("id", reasons)).values_list("pk", "region_id"))
    cases = current_cases(list(people))
    responsible = ResponsibleWorkers()
    with site_language():
        title = _("Kunjungi segera: %(kind)s") % {"kind": AlertKind(kind).label}
    try:
        with transaction.atomic():
            already = set(
                Alert.objects.filter(Among("person_id", people), kind=kind, resolved_at__isnull=True).values_list(
                    "person_id", flat=True
                )
            )
            fresh = [pk for pk in people if pk not in already]
            tasks: dict[int, Task] = {}
            for pk in fresh:
                case = cases.get(pk)
                worker = responsible.worker(case, people[pk]) if case is not None else None
                if case is not None and worker is not None:
                    due_on = local_today(people[pk]) + timedelta(days=visit_within_days)
                    tasks[pk] = Task(case=case, title=title, due_on=due_on, assigned_to=worker)
            tasks_give(actor=actor, tasks=list(tasks.values()))
            alerts = Alert.objects.bulk_create(
                [
                    Alert(person_id=pk, region_id=people[pk], kind=kind, reason=reasons[pk][:500], task=tasks.get(pk))
                    for pk in fresh
                ],
                batch_size=1_000,
            )
            log_bulk_created(alerts, actor=actor)
    except IntegrityError:
        return []  # raised meanwhile by another visit of the same person
    _tell_of_alerts(kind, alerts, people, cases, responsible, reasons)
    return alerts


# In each recipient's own language (`notify` renders lazy texts per recipient).
_people_alerted = lazy(
    lambda count: (
        ngettext(
            "%(count)d orang dalam wilayah Anda mendapat peringatan ini.",
            "%(count)d orang dalam wilayah Anda mendapat peringatan ini.",
            count,
        )
        % {"count": count}
    ),
    str,
)


def _tell_of_alerts(
    kind: str,
    alerts: list[Alert],
    people: Mapping[int, str],
    cases: Mapping[int, Case],
    responsible: ResponsibleWorkers,
    reasons: Mapping[int, str],
) -> None:
    told: dict[int, tuple[User, list[int]]] = {}
    for alert in alerts:
        region = people[alert.person_id]
        case = cases.get(alert.person_id)
        worker = responsible.case_worker(case, region) if case is not None else None
        for user in ([worker] if worker else []) + responsible.supervisors(region):
            told.setdefault(user.pk, (user, []))[1].append(alert.person_id)
    for user, person_ids in told.values():
        if len(person_ids) == 1:
            person_id = person_ids[0]
            notify(
                recipients=[user],
                kind=ALERT_NOTIFICATION.code,
                title=AlertKind(kind).label,
                body=reasons[person_id],
                url=reverse("registry:person_detail", args=[person_id]) + "?tab=follow_up",
                region=Region.objects.filter(pk=people[person_id]).first(),
            )
        else:
            notify(
                recipients=[user],
                kind=ALERT_NOTIFICATION.code,
                title=AlertKind(kind).label,
                body=_people_alerted(len(person_ids)),
                url=reverse("livelihoods:worklist"),
            )


@transaction.atomic
def alert_resolve(*, actor: User, alert: Alert, resolution: str) -> Alert:
    locked = Alert.objects.select_for_update().select_related("person").get(pk=alert.pk)
    require_on_person(actor, Alert, "change", locked.person)
    if locked.resolved_at is not None:
        raise ServiceError(_("Peringatan ini sudah ditangani."))
    if not resolution.strip():
        raise ServiceError(_("Sebutkan tindakan yang diambil."), field="resolution")
    locked.resolved_at, locked.resolved_by, locked.resolution = timezone.now(), actor, resolution.strip()
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    return locked


@transaction.atomic
def remigration_record(
    *,
    actor: User,
    person: Person,
    departed_on: date,
    country: str,
    route: str,
    documents_held: Iterable[str] = (),
    through: str = "",
    note: str = "",
) -> Remigration:
    """Records a departure abroad. A non-procedural one alerts the case worker and the district, and counts in
    the person's risk."""
    require_on_person(actor, Remigration, "add", person)
    refuse_merged(person)
    _require_not_future(departed_on, "departed_on", person.region_id)
    if country.upper() == "ID":
        raise ServiceError(_("Negara tujuan harus di luar Indonesia."), field="country")
    departure = Remigration(
        person=person,
        departed_on=departed_on,
        country=country.upper(),
        route=route,
        documents_held=list(documents_held),
        through=through.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    clean(departure)
    departure.save()
    _timeline(
        person,
        _("Berangkat lagi ke %(country)s (%(route)s) pada %(day)s.")
        % {
            "country": departure.country.name,
            "route": DepartureRoute(route).label,
            "day": departed_on.strftime("%d-%m-%Y"),
        },
        actor=actor,
    )
    non_procedural = route == DepartureRoute.NON_PROCEDURAL
    person_rescore(
        person=person,
        observations={
            RiskFactor.NON_PROCEDURAL_REMIGRATION: risk.Observation(non_procedural, RiskSource.REMIGRATION, departed_on)
        },
        source=RiskSource.REMIGRATION,
        on=departed_on,
        actor=actor,
    )
    if non_procedural:
        alert_raise(
            person=person,
            kind=AlertKind.NON_PROCEDURAL_DEPARTURE,
            reason=_("Berangkat ke %(country)s secara nonprosedural pada %(day)s.")
            % {"country": departure.country.name, "day": departed_on.strftime("%d-%m-%Y")},
            actor=actor,
        )
    return departure


# --- helpers -----------------------------------------------------------------------------------------------------


def current_cases(person_ids: Iterable[int]) -> dict[int, Case]:
    """Each person's open case, else the one closed last (as the case timeline does), with its case worker."""
    found: dict[int, Case] = {}
    cases = (
        Case.objects.filter(Among("person_id", person_ids))
        .select_related("case_worker")
        .order_by("person_id", F("closed_on").desc(nulls_first=True), "-id")
    )
    for case in cases.iterator(chunk_size=2_000):
        found.setdefault(case.person_id, case)
    return found


def current_case(person_id: int) -> Case | None:
    return current_cases([person_id]).get(person_id)


def district_supervisors(region_code: str) -> QuerySet[User]:
    """The supervisors of the person's regency itself (not every provincial or national one above it, who would
    hear of every alert in the country); those of the province when the regency has none."""
    parts = region_code.split(".")
    for level in (".".join(parts[:2]), parts[0]):
        here = eligible_users(permission=APPROVE_CASE, region_code=level, granted_there=True)
        if here.exists():
            return here
    return User.objects.none()


class ResponsibleWorkers:
    """Who answers for a person, remembered across the thousands of people of a re-scoring: the case worker of
    their current case while that worker still holds alerts over where the person lives (not one who moved to
    another district), else a supervisor of the person's regency (of the province when it has none)."""

    def __init__(self) -> None:
        self._supervisors: dict[str, list[User]] = {}
        self._workers: dict[int, User] = {}

    def supervisors(self, region_code: str) -> list[User]:
        regency = ".".join(region_code.split(".")[:2])
        if regency not in self._supervisors:
            self._supervisors[regency] = list(district_supervisors(regency))
        return self._supervisors[regency]

    def case_worker(self, case: Case, region_code: str) -> User | None:
        if case.case_worker is None:
            return None
        # One instance per worker, so that their grants are read once however many of their people come up.
        worker = self._workers.setdefault(case.case_worker.pk, case.case_worker)
        return worker if holds_over(worker, VIEW_ALERT, region_code) else None

    def worker(self, case: Case, region_code: str) -> User | None:
        supervisors = self.supervisors(region_code)
        return self.case_worker(case, region_code) or (supervisors[0] if supervisors else None)


def _timeline(person: Person, summary: str, *, actor: Any) -> None:
    case = current_case(person.pk)
    if case is not None:
        with site_language():
            record_event(case=case, kind=CaseEventKind.FOLLOW_UP, actor=actor, summary=summary)


def _require_on_enterprise(actor: Any, enterprise: Enterprise) -> None:
    """As for a person: a business outside the actor's jurisdictions does not exist for them."""
    if not holds_over(actor, "livelihoods.view_enterprise", enterprise.region_id):
        raise OutOfJurisdiction(_("Usaha ini tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_over(actor, "livelihoods.change_enterprise", enterprise.region_id):
        raise NotPermitted(_("Anda tidak berwenang mengubah usaha ini."))


def _require_not_future(day: date | None, field: str, region_code: str | None = None) -> None:
    """Refuses a date after today where `region_code` lies (a visit in Jayapura at 01:00 is already tomorrow in
    Jakarta's terms of yesterday), or in the active zone without one."""
    today = local_today(region_code) if region_code else timezone.localdate()
    if day is not None and day > today:
        raise ServiceError(_("Tanggal tidak boleh di masa depan."), field=field)
