"""Reads of the livelihoods app: the worklists of case workers and supervisors, and what a person's follow-up tab
shows. Everything is narrowed by `restrict` to the reader's jurisdictions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.roles import APPROVE_CASE
from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.models import Entitlement
from bangkit.cases.models import Case, CaseApproval, Task
from bangkit.cases.selectors import overdue_tasks_q
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import FollowUpState, RiskFactor, RiskLevel, RiskSource
from bangkit.livelihoods.models import Alert, FollowUp, PersonRisk, RiskScore
from bangkit.livelihoods.services import current_thresholds, current_weights
from bangkit.registry.models import Person

WORKLIST_ROWS = 20
VISIT_LINE = ("person__full_name", "months_after", "due_on", "escalation")
DUE_SOON_DAYS = 14


@dataclass
class WorkItem:
    title: str
    reason: str
    url: str
    due: Any = None
    urgent: bool = False


@dataclass
class WorkSection:
    key: str
    title: str | Promise
    count: int
    items: list[WorkItem] = field(default_factory=list)
    more_url: str = ""


def follow_ups_of_my_people(user: Any, follow_ups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """The visits of people whose open case the user is the case worker of."""
    mine = Case.objects.filter(person=OuterRef("person"), case_worker=user, closed_on__isnull=True)
    return follow_ups.filter(Exists(mine))


def worklist(user: Any) -> list[WorkSection]:
    """What the user must act on, most urgent first, inside their jurisdictions. A supervisor (who approves plans)
    sees the whole district's; a case worker the visits of their own people and the district's alerts."""
    today = timezone.localdate()
    supervisor = user.has_perm(APPROVE_CASE)
    sections = []

    visits: QuerySet[FollowUp] = FollowUp.objects.restrict(user, "view").filter(state=FollowUpState.SCHEDULED)
    if not supervisor:
        visits = follow_ups_of_my_people(user, visits)
    # Only what the lines show: a person's row holds encrypted identifiers that would be decrypted for nothing.
    visits = visits.select_related("person").only(*VISIT_LINE)
    overdue = visits.filter(due_on__lt=today).order_by("due_on", "pk")
    sections.append(
        _section(
            "overdue_visits",
            _("Kunjungan tindak lanjut terlambat"),
            overdue,
            lambda visit: WorkItem(
                visit.person.full_name,
                _("Kunjungan %(months)d bulan, jadwal %(day)s (%(late)d hari lalu)")
                % {
                    "months": visit.months_after,
                    "day": visit.due_on.strftime("%d-%m-%Y"),
                    "late": (today - visit.due_on).days,
                },
                reverse("livelihoods:follow_up_record", args=[visit.pk]),
                visit.due_on,
                urgent=visit.escalation > 0,
            ),
            reverse("livelihoods:follow_up_list") + "?overdue=true",
        )
    )
    soon = visits.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)).order_by("due_on", "pk")
    sections.append(
        _section(
            "visits_due",
            _("Kunjungan dalam 14 hari"),
            soon,
            lambda visit: WorkItem(
                visit.person.full_name,
                _("Kunjungan %(months)d bulan, jadwal %(day)s")
                % {"months": visit.months_after, "day": visit.due_on.strftime("%d-%m-%Y")},
                reverse("livelihoods:follow_up_record", args=[visit.pk]),
                visit.due_on,
            ),
        )
    )
    alerts = (
        Alert.objects.restrict(user, "view")
        .filter(resolved_at__isnull=True)
        .select_related("person")
        .only("person__full_name", "kind", "reason", "created_at")
    )
    sections.append(
        _section(
            "alerts",
            _("Peringatan terbuka"),
            alerts.order_by("-pk"),
            lambda alert: WorkItem(
                alert.person.full_name,
                f"{alert.get_kind_display()}: {alert.reason}",
                reverse("livelihoods:person_follow_up", args=[alert.person_id]),
                alert.created_at,
                urgent=True,
            ),
        )
    )
    high = (
        PersonRisk.objects.restrict(user, "view")
        .filter(level=RiskLevel.HIGH)
        .select_related("person")
        .only("person__full_name", "score", "present", "level_since")
    )
    sections.append(
        _section(
            "high_risk",
            _("Orang berisiko tinggi"),
            high.order_by("-score", "pk"),
            lambda current: WorkItem(
                current.person.full_name,
                _("Skor %(score)d: %(factors)s")
                % {"score": current.score, "factors": present_factors_text(current.present)},
                reverse("livelihoods:person_follow_up", args=[current.person_id]),
                current.level_since,
                urgent=True,
            ),
        )
    )
    if supervisor:
        approvals = (
            CaseApproval.objects.restrict(user, "view")
            .filter(decision="pending")
            .exclude(submitted_by=user)
            .select_related("case")
            .order_by("submitted_at", "pk")
        )
        sections.append(
            _section(
                "approvals",
                _("Menunggu persetujuan Anda"),
                approvals,
                lambda approval: WorkItem(
                    approval.case.number,
                    str(approval.get_kind_display()),
                    approval.case.get_absolute_url(),
                    approval.submitted_at,
                ),
            )
        )
    if user.has_perm("assistance.view_entitlement"):
        failed = (
            Entitlement.objects.restrict(user, "view")
            .filter(state=EntitlementState.FAILED)
            .select_related("person", "scheme")
            .order_by("pk")
        )
        sections.append(
            _section(
                "failed_payments",
                _("Pembayaran gagal yang perlu diperbaiki"),
                failed,
                lambda entitlement: WorkItem(
                    entitlement.person.full_name,
                    f"{entitlement.scheme.name}: {entitlement.failure_reason}",
                    reverse("assistance:person_ledger", args=[entitlement.person_id]),
                ),
            )
        )
    tasks = (
        Task.objects.restrict(user, "view")
        .filter(overdue_tasks_q(), assigned_to=user)
        .select_related("case")
        .order_by("due_on", "pk")
    )
    sections.append(
        _section(
            "tasks",
            _("Tugas Anda yang terlambat"),
            tasks,
            lambda task: WorkItem(task.case.number, task.title, task.case.get_absolute_url(), task.due_on, urgent=True),
        )
    )
    return sections


def _section(key: str, title: Any, rows: QuerySet[Any], item: Any, more_url: str = "") -> WorkSection:
    count = rows.count()
    items = [item(row) for row in rows[:WORKLIST_ROWS]] if count else []
    return WorkSection(key, title, count, items, more_url if count > WORKLIST_ROWS else "")


def present_factors_text(mask: int) -> str:
    return ", ".join(str(RiskFactor(factor).label) for factor in risk.FACTORS if mask & risk.BIT[factor])


@dataclass
class PersonRiskView:
    level: str
    score: int
    lines: list[dict[str, Any]]
    series: list[RiskScore]
    thresholds: Any


def person_risk(person: Person) -> PersonRiskView | None:
    """The person's current risk explained factor by factor under the current weights, and its series."""
    current = PersonRisk.objects.filter(person=person).first()
    if current is None:
        return None
    weights = current_weights()
    lines = risk.explain(current.evidence, weights)
    sources = dict(RiskSource.choices)
    for line in lines:
        line["label"] = RiskFactor(line["factor"]).label
        line["source_label"] = sources.get(line["source"], "")
    series = list(RiskScore.objects.filter(person=person).order_by("scored_on", "pk"))
    return PersonRiskView(current.level, current.score, lines, series, current_thresholds())
