"""Reads of business-development proposals: the eligibility a reviewer sees, drawn from the data, and the workflow
steps a user may take on a proposal now."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.livelihoods.choices import AlertKind, EnterpriseStatus, FollowUpState, RiskLevel
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, PersonRisk, Proposal
from bangkit.livelihoods.proposals import may_take
from bangkit.livelihoods.services import add_months

RUNNING_MONTHS = 6


class Rule(NamedTuple):
    rule: str | Promise
    met: bool
    explanation: str


def proposal_eligibility(proposal: Proposal, *, user: Any, today: date | None = None) -> list[Rule]:
    """What the data say about the ministry's usual conditions for more capital, as far as `user` may see them: a
    business is weighed, and named, only if the user may see it (a business stays where it was set up when its
    members move). Shown to the reviewers as warnings; none of them blocks a step (`livelihoods.proposals`)."""
    today = today or timezone.localdate()
    return [_running(proposal, user, today), _visits(proposal, today), _risk(proposal)]


def _running(proposal: Proposal, user: Any, today: date) -> Rule:
    rule = _l("Usaha berjalan paling sedikit %(months)d bulan") % {"months": RUNNING_MONTHS}
    visible = Enterprise.objects.restrict(user, "view")
    enterprise: Enterprise | None
    if proposal.enterprise_id is not None:
        enterprise = visible.filter(pk=proposal.enterprise_id).first()
        if enterprise is None:
            return Rule(rule, False, _("Usaha yang diusulkan di luar yurisdiksi Anda; tidak dapat diperiksa di sini."))
    else:
        enterprise = (
            visible.filter(
                members__person=proposal.person_id,
                members__left_on__isnull=True,
                status=EnterpriseStatus.RUNNING,
            )
            .order_by("started_on", "pk")
            .first()
        )
    if enterprise is None:
        return Rule(rule, False, _("Belum tercatat usaha berjalan yang dapat Anda lihat."))
    if enterprise.status != EnterpriseStatus.RUNNING or enterprise.started_on is None:
        return Rule(
            rule,
            False,
            _("%(name)s berstatus %(status)s.") % {"name": enterprise.name, "status": enterprise.get_status_display()},
        )
    since = {"name": enterprise.name, "day": enterprise.started_on.strftime("%d-%m-%Y")}
    if add_months(enterprise.started_on, RUNNING_MONTHS) > today:
        return Rule(rule, False, _("%(name)s baru berjalan sejak %(day)s.") % since)
    return Rule(rule, True, _("%(name)s berjalan sejak %(day)s.") % since)


def _visits(proposal: Proposal, today: date) -> Rule:
    rule = _l("Kunjungan tindak lanjut sudah dilakukan")
    visits = FollowUp.objects.filter(person=proposal.person_id)
    late = visits.filter(state=FollowUpState.SCHEDULED, due_on__lt=today).count()
    done = visits.filter(state=FollowUpState.DONE).count()
    if late:
        return Rule(rule, False, _("%(late)d kunjungan terlambat belum dicatat.") % {"late": late})
    return Rule(rule, True, _("%(done)d kunjungan dicatat, tidak ada yang terlambat.") % {"done": done})


def _risk(proposal: Proposal) -> Rule:
    rule = _l("Tidak berisiko tinggi diperdagangkan kembali")
    level = PersonRisk.objects.filter(person=proposal.person_id).values_list("level", flat=True).first()
    open_alert = Alert.objects.filter(
        Q(kind=AlertKind.HIGH_RISK), person=proposal.person_id, resolved_at__isnull=True
    ).exists()
    if level == RiskLevel.HIGH or open_alert:
        return Rule(rule, False, _("Risiko tinggi atau peringatan risiko tinggi yang belum ditangani."))
    if level is None:
        return Rule(rule, True, _("Belum dinilai."))
    return Rule(rule, True, _("Tingkat risiko: %(level)s.") % {"level": RiskLevel(level).label})


class Action(NamedTuple):
    name: str
    label: str | Promise
    url: str
    danger: bool = False


_ACTIONS: tuple[tuple[str, Promise, bool], ...] = (
    ("edit", _l("Ubah"), False),
    ("submit", _l("Ajukan"), False),
    ("recommend", _l("Rekomendasikan"), False),
    ("verify", _l("Verifikasi"), False),
    ("approve", _l("Setujui"), False),
    ("reject", _l("Tolak"), True),
    ("return", _l("Kembalikan untuk diperbaiki"), True),
    ("fund", _l("Danai"), False),
    ("add_milestone", _l("Tambah capaian"), False),
)


def proposal_actions(user: Any, proposal: Proposal) -> list[Action]:
    """The workflow buttons `user` may press on the proposal now."""
    return [
        Action(name, label, reverse(f"livelihoods:proposal_{name}", args=[proposal.pk]), danger)
        for name, label, danger in _ACTIONS
        if may_take(user, name, proposal)
    ]


def open_milestones(proposal: Proposal) -> Any:
    return proposal.milestones.filter(done_on__isnull=True).order_by("due_on", "pk")
