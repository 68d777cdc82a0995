"""Writes of the livelihoods app: enterprises, follow-up visits (scheduled, recorded, escalated when missed), the
re-trafficking risk of each person (re-scored at every assessment, visit and departure), alerts and departures.

A rise to high risk, an intention to leave non-procedurally and a non-procedural departure each open an alert (one
open alert of a kind per person, by a database constraint) and give the case worker a task on the person's case;
the case worker and the district's supervisors are notified; missed visits reach the case worker, then a
supervisor of the district.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_CASE
from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.models import Entitlement, Scheme, follow_up_intervals
from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import Case
from bangkit.cases.services.access import eligible_users, site_language
from bangkit.cases.services.care import task_give
from bangkit.cases.services.timeline import record_event
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
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
from bangkit.registry.choices import DepartureRoute
from bangkit.registry.models import Person
from bangkit.registry.selectors.details import refuse_merged, require_on_person

CHANGE_WEIGHTS = "livelihoods.change_riskweight"
ALERT_NOTIFICATION = NotificationKind(
    "livelihoods.alert", _l("Peringatan tindak lanjut"), email=True, icon="exclamation-triangle"
)
# A visit not recorded this many days after its date becomes a task for the case worker; as many days later again,
# one for the district's supervisor too.
OVERDUE_GRACE_DAYS = 14
ESCALATION_DAYS = 14
SCHEDULE_BATCH = 5_000
# A skills training nobody paid a grant for is followed up as a grant is by default.
TRAINING_FOLLOW_UP_MONTHS = (3, 6, 12)


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
    _require_not_future(started_on, "started_on")
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
    on = on or timezone.localdate()
    _require_not_future(on, "on")
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


def follow_ups_schedule() -> int:
    """Schedules the visits of every grant paid or handed over, and of every skills training completed, that has
    none yet: a grant at its scheme's intervals, a training at TRAINING_FOLLOW_UP_MONTHS. A training that a scheme
    rewards (its `completed_event`) is followed up through that scheme's grants, not twice. Safe to run at any time
    and as often as wanted (a task after each payment round, and daily from cron): the unique constraints keep one
    visit per grant or certificate and interval. Returns how many were scheduled."""
    paid = (
        Entitlement.objects.filter(state=EntitlementState.PAID, paid_on__isnull=False)
        .exclude(pk__in=FollowUp.objects.filter(entitlement__isnull=False).values("entitlement_id"))
        .values_list("pk", "person_id", "paid_on", "scheme__follow_up_months")
        .order_by("pk")
    )
    trained = (
        Certificate.objects.filter(revoked_on__isnull=True, enrolment__event__kind=EventKind.SKILLS_TRAINING)
        .exclude(enrolment__event__in=Scheme.objects.filter(completed_event__isnull=False).values("completed_event"))
        .exclude(pk__in=FollowUp.objects.filter(certificate__isnull=False).values("certificate_id"))
        .values_list("pk", "enrolment__person_id", "issued_on")
        .order_by("pk")
    )
    visits = (
        FollowUp(
            person_id=person_id,
            entitlement_id=entitlement_id,
            months_after=interval,
            granted_on=paid_on,
            due_on=add_months(paid_on, interval),
        )
        for entitlement_id, person_id, paid_on, months in paid.iterator(chunk_size=SCHEDULE_BATCH)
        if paid_on is not None  # filtered above
        for interval in follow_up_intervals(months)
    )
    training_visits = (
        FollowUp(
            person_id=person_id,
            certificate_id=certificate_id,
            months_after=interval,
            granted_on=issued_on,
            due_on=add_months(issued_on, interval),
        )
        for certificate_id, person_id, issued_on in trained.iterator(chunk_size=SCHEDULE_BATCH)
        for interval in TRAINING_FOLLOW_UP_MONTHS
    )
    created = 0
    for source in (visits, training_visits):
        while batch := list(islice(source, SCHEDULE_BATCH)):
            with transaction.atomic():
                created += len(FollowUp.objects.bulk_create(batch, ignore_conflicts=True))
    return created


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
    _require_not_future(visited_on, "visited_on")
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
    if enterprise is not None and not enterprise.members.filter(person_id=locked.person_id).exists():
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
                assignee = case.case_worker if level == 1 else district_supervisor(case.region_id)
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
    weights, thresholds = current_weights(), current_thresholds()
    with transaction.atomic():
        current, _created = PersonRisk.objects.select_for_update().get_or_create(
            person=person, defaults={"level_since": timezone.now()}
        )
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
    if thresholds is not None:
        current = RiskThresholds.objects.select_for_update().filter(pk=1).first() or RiskThresholds(
            pk=1, **risk.DEFAULT_THRESHOLDS
        )
        if any(getattr(current, name) != value for name, value in thresholds.items()) or current._state.adding:
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
    transaction.on_commit(lambda: rescore_everyone_task.enqueue(run.pk))
    return run


def rescore_everyone(*, progress: Callable[[int, int], None] | None = None, chunk: int = 50_000) -> int:
    """Re-scores every person's current risk under the current weights, in SQL, a range of ids at a time (so that
    progress shows and no transaction holds a million rows). People rising to high get their alert; every change of
    level is kept in the person's series. Returns how many people changed level."""
    weights, thresholds = current_weights(), current_thresholds()
    score_sql = " + ".join(
        f"(CASE WHEN (present & {risk.BIT[factor]}) <> 0 THEN {weights[factor]} ELSE 0 END)" for factor in risk.FACTORS
    )
    score_sql = f"({score_sql})"
    level_sql = (
        f"CASE WHEN {score_sql} >= {thresholds.high_from} THEN 'high' "
        f"WHEN {score_sql} >= {thresholds.medium_from} THEN 'medium' ELSE 'low' END"
    )
    table = PersonRisk._meta.db_table
    bounds = PersonRisk.objects.aggregate(low=Min("id"), high=Max("id"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return 0
    changed_level = 0
    start = low
    while start <= high:
        end = start + chunk
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, person_id, level, {score_sql}, {level_sql} FROM {table} "  # noqa: S608
                f"WHERE id >= %s AND id < %s AND (score <> {score_sql} OR level <> {level_sql})",
                [start, end],
            )
            moved = cursor.fetchall()
            cursor.execute(
                f"UPDATE {table} SET score = {score_sql}, level = {level_sql}, updated_at = %s "  # noqa: S608
                f"WHERE id >= %s AND id < %s AND (score <> {score_sql} OR level <> {level_sql})",
                [timezone.now(), start, end],
            )
            _after_rescore(moved, weights, thresholds)
            changed_level += sum(1 for _pk, _person, before, _score, after in moved if before != after)
        if progress is not None:
            progress(min(end, high + 1) - low, high + 1 - low)
        start = end
    return changed_level


def _after_rescore(moved: list[tuple[Any, ...]], weights: Mapping[str, int], thresholds: RiskThresholds) -> None:
    today = timezone.localdate()
    now = timezone.now()
    level_moved = [
        (pk, person_id, before, score, after) for pk, person_id, before, score, after in moved if before != after
    ]
    if not level_moved:
        return
    PersonRisk.objects.filter(pk__in=[pk for pk, *_rest in level_moved]).update(level_since=now)
    evidence = dict(PersonRisk.objects.filter(pk__in=[pk for pk, *_rest in level_moved]).values_list("pk", "evidence"))
    RiskScore.objects.bulk_create(
        RiskScore(
            person_id=person_id,
            score=score,
            level=after,
            source=RiskSource.WEIGHTS,
            scored_on=today,
            factors=risk.explain(evidence[pk], weights),
        )
        for pk, person_id, _before, score, after in level_moved
    )
    risen = [(person_id, score) for _pk, person_id, before, score, after in level_moved if after == RiskLevel.HIGH]
    if risen:
        people = Person.objects.in_bulk([person_id for person_id, _score in risen])
        for person_id, score in risen:
            alert_raise(
                person=people[person_id],
                kind=AlertKind.HIGH_RISK,
                reason=_("Skor risiko %(score)d (tinggi) setelah bobot faktor diubah.") % {"score": score},
                visit_within_days=thresholds.high_visit_days,
                actor=None,
            )


# --- alerts and departures ---------------------------------------------------------------------------------------


def alert_raise(*, person: Person, kind: str, reason: str, actor: Any, visit_within_days: int = 7) -> Alert | None:
    """Opens an alert unless one of this kind is already open for the person (then None), with a task on their
    case for the case worker to visit within `visit_within_days`, and tells the case worker and the district's
    supervisors (in the application and by e-mail: its title and a link, never the reason)."""
    case = current_case(person.pk)
    task = None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(person=person, kind=kind, reason=reason[:500])
            if case is not None and case.case_worker is not None:
                with site_language():
                    title = _("Kunjungi segera: %(kind)s") % {"kind": AlertKind(kind).label}
                task = task_give(
                    actor=actor,
                    case=case,
                    title=title,
                    due_on=timezone.localdate() + timedelta(days=visit_within_days),
                    assigned_to=case.case_worker,
                )
                alert.task = task
                alert.save(update_fields=["task", "updated_at"])
    except IntegrityError:
        return None
    recipients = list(district_supervisors(person.region_id))
    if case is not None and case.case_worker is not None:
        recipients.insert(0, case.case_worker)
    notify(
        recipients=recipients,
        kind=ALERT_NOTIFICATION.code,
        title=AlertKind(kind).label,
        body=reason,
        url=reverse("registry:person_detail", args=[person.pk]) + "?tab=follow_up",
        region=person.region,
    )
    return alert


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
    _require_not_future(departed_on, "departed_on")
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


def current_case(person_id: int) -> Case | None:
    """The person's open case, else the one closed last (as the case timeline does)."""
    return (
        Case.objects.filter(person_id=person_id)
        .select_related("case_worker")
        .order_by(F("closed_on").desc(nulls_first=True), "-id")
        .first()
    )


def district_supervisors(region_code: str) -> QuerySet[User]:
    """The supervisors of the person's regency itself (not every provincial or national one above it, who would
    hear of every alert in the country); those of the province when the regency has none."""
    parts = region_code.split(".")
    for level in (".".join(parts[:2]), parts[0]):
        here = eligible_users(permission=APPROVE_CASE, region_code=level, granted_there=True)
        if here.exists():
            return here
    return User.objects.none()


def district_supervisor(region_code: str) -> User | None:
    return district_supervisors(region_code).first()


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


def _require_not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ServiceError(_("Tanggal tidak boleh di masa depan."), field=field)
