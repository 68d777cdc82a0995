"""Demo follow-up of the two seed events' grants (issue 6): what the case workers found at 3, 6 and 12 months.

- Kupang 2019: the 250 stimulus recipients, visited by the case worker of LKS Rumah Perempuan Kupang in February,
  May and November 2020. Most run a small business (cakes, kiosks, pigs and weaving, as the Bimsos taught), some
  pause or close it, a few are at high risk (a broker's offer, debt, no work), and one group of five from the same
  kelurahan who sold cakes together say at the 12-month visit they mean to leave for Malaysia through a "sponsor",
  without papers — which raises their alerts. The 12-month visits of fifteen people were never recorded: they are
  overdue on the district's worklist.
- Two business-development proposals of Kupang recipients: one recommended, verified, approved and funded (its
  entitlement waits in a tranche for the second finance officer), one rejected by the Directorate with reasons.
- Indramayu 2018: the 20 trainees with their baking kits, visited by the case worker of RSBM Tunas Mandiri in July
  and October 2018 and April 2019; most still bake kue kering for Lebaran and to order.

Visits are scheduled by `follow_ups_schedule` from the paid grants and recorded through `follow_up_record`, acting
as the demo case worker, so the risk scores, alerts, tasks and history are the services' own. Loading again adds
nothing: an event whose visits were recorded before is left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_PROPOSAL, FUND_PROPOSAL, RECOMMEND_PROPOSAL, VERIFY_PROPOSAL, Role
from bangkit.assistance import services as assistance
from bangkit.assistance.choices import EntitlementState, SchemeKind
from bangkit.assistance.demo import INDRAMAYU_SCHEME, KUPANG_SCHEME
from bangkit.assistance.models import Entitlement
from bangkit.livelihoods import proposals, services
from bangkit.livelihoods.choices import (
    BusinessRunning,
    EnterpriseForm,
    EnterpriseKind,
    FollowUpState,
    MemberRole,
    MigrationIntention,
    RiskLevel,
)
from bangkit.livelihoods.models import Enterprise, FollowUp, Proposal
from bangkit.regions.models import Region
from bangkit.registry.demo import demo_history, demo_organisation, demo_user_holding
from bangkit.registry.models import Person

KUPANG_GROUP = "KUBE Kue Tarus Bangkit"
KUPANG_KINDS = (EnterpriseKind.CAKES, EnterpriseKind.KIOSK, EnterpriseKind.LIVESTOCK, EnterpriseKind.CRAFTS)
UNRECORDED_TWELVE_MONTHS = 15
HIGH_RISK = 6
GROUP_SIZE = 5
DEVELOPMENT_SCHEME = "Bantuan Pengembangan Usaha Eks WNI-M KPO, Kabupaten Kupang"
FUNDED_PROPOSAL = "Perluasan usaha kue: oven besar dan etalase"
REJECTED_PROPOSAL = "Mobil pengantar kue ke Kota Kupang"


def _worker(slug: str, region_code: str) -> User | None:
    return demo_user_holding(slug, Role.CASE_WORKER, "livelihoods.change_followup", region_code)


def _grants(scheme_name: str) -> list[Entitlement]:
    return list(
        Entitlement.objects.filter(scheme__name=scheme_name, state=EntitlementState.PAID)
        .select_related("person")
        .order_by("pk")
    )


def _visit(worker: User, visit: FollowUp, shift: int, **answers: Any) -> None:
    day = min(visit.due_on + timedelta(days=shift), timezone.localdate())
    services.follow_up_record(actor=worker, follow_up=visit, visited_on=max(day, visit.granted_on), **answers)


def _running(rng: random.Random, *, revenue: int, share: float) -> dict[str, Any]:
    if rng.random() < share:
        income = rng.randrange(revenue // 2, revenue * 2, 50_000)
        return {
            "business": BusinessRunning.YES,
            "monthly_revenue": income,
            "monthly_profit": income * rng.randrange(15, 40) // 100,
            "household_income": income + rng.randrange(0, 1_500_000, 100_000),
            "family_situation": "supportive",
            "health": "good",
            "migration_intention": MigrationIntention.NONE,
        }
    paused = rng.random() < 0.5
    return {
        "business": BusinessRunning.PAUSED if paused else BusinessRunning.NO,
        "other_work": rng.choice(("buruh tani", "ojek", "", "menjual sayur")),
        "household_income": rng.randrange(300_000, 1_200_000, 100_000),
        "family_situation": rng.choice(("supportive", "strained")),
        "health": rng.choice(("good", "good", "ill")),
        "migration_intention": rng.choice((MigrationIntention.NONE, MigrationIntention.UNDECIDED)),
    }


def _enterprises(worker: User, grants: list[Entitlement], rng: random.Random) -> dict[int, Enterprise]:
    """A business for most recipients, with their grant as its capital; the last five run one KUBE together.
    Returns the individual businesses by their owner's id."""
    group = grants[-GROUP_SIZE:]
    chair = group[0]
    kube = services.enterprise_create(
        actor=worker,
        name=KUPANG_GROUP,
        form=EnterpriseForm.GROUP,
        kind=EnterpriseKind.CAKES,
        owner=chair.person,
        organisation=worker.organisation,
        started_on=date(2019, 12, 2),
        sells_at="Pasar Oesao, titip di kios sekitar Tarus",
    )
    for grant in group:
        if grant is not chair:
            services.enterprise_member_add(
                actor=worker, enterprise=kube, person=grant.person, role=MemberRole.MEMBER, joined_on=date(2019, 12, 2)
            )
        services.enterprise_capital_add(actor=worker, enterprise=kube, entitlement=grant)
    owned = {}
    for grant in grants[: len(grants) - GROUP_SIZE : 2]:
        kind = rng.choice(KUPANG_KINDS)
        enterprise = services.enterprise_create(
            actor=worker,
            name=f"{kind.label} {grant.person.full_name.split()[0]}",
            form=EnterpriseForm.INDIVIDUAL,
            kind=kind,
            owner=grant.person,
            organisation=worker.organisation,
            started_on=date(2019, 12, 1) + timedelta(days=rng.randrange(0, 20)),
        )
        services.enterprise_capital_add(actor=worker, enterprise=enterprise, entitlement=grant)
        owned[grant.person_id] = enterprise
    return owned


def load_kupang() -> str:
    grants = _grants(KUPANG_SCHEME)
    if not grants:
        return "Kupang 2019 follow-up: left out (the stimulus is not loaded)"
    if FollowUp.objects.filter(entitlement__in=grants, state=FollowUpState.DONE).exists():
        return "Kupang 2019 follow-up: already there"
    worker = _worker("lks-rpk", "53.01")
    if worker is None:
        return "Kupang 2019 follow-up: left out (its demo case worker is missing or without a grant there)"
    rng = random.Random(2019)
    with transaction.atomic(), set_actor(worker):
        services.follow_ups_schedule()
        owned = _enterprises(worker, grants, rng)
        high_risk = {grant.pk for grant in grants[GROUP_SIZE * 2 : GROUP_SIZE * 2 + HIGH_RISK]}
        group = {grant.pk for grant in grants[-GROUP_SIZE:]}
        unrecorded = {grant.pk for grant in grants[-GROUP_SIZE - UNRECORDED_TWELVE_MONTHS : -GROUP_SIZE]}
        visits = FollowUp.objects.filter(entitlement__in=grants).select_related("person").order_by("months_after", "pk")
        for visit in visits:
            grant_id = visit.entitlement_id
            share = {3: 0.85, 6: 0.78, 12: 0.7}[visit.months_after]
            answers = _running(rng, revenue=1_500_000, share=share)
            if visit.months_after == 12 and grant_id in unrecorded:
                continue
            if visit.months_after == 12 and grant_id in high_risk:
                answers = {
                    "business": BusinessRunning.NO,
                    "household_income": 400_000,
                    "debt_amount": rng.randrange(2_000_000, 6_000_000, 500_000),
                    "debt_note": "Pinjaman rentenir untuk biaya sekolah anak",
                    "recruiter_contact": True,
                    "migration_intention": MigrationIntention.UNDECIDED,
                    "family_situation": "strained",
                    "health": "good",
                    "notes": "Didatangi calo yang menawarkan kerja di kebun sawit Malaysia, gaji tinggi, tanpa biaya.",
                }
            if visit.months_after == 12 and grant_id in group:
                answers = {
                    **_running(rng, revenue=1_000_000, share=1.0),
                    "migration_intention": MigrationIntention.NON_PROCEDURAL,
                    "recruiter_contact": True,
                    "notes": "Kelompok berencana berangkat bersama ke Malaysia lewat sponsor kampung, tanpa paspor.",
                }
            _visit(worker, visit, rng.randrange(-5, 12), **answers)
            business = owned.get(visit.person_id)
            if visit.months_after == 12 and business is not None and answers["business"] != BusinessRunning.YES:
                visit.refresh_from_db()
                services.enterprise_status_change(
                    actor=worker,
                    enterprise=business,
                    status="paused" if answers["business"] == BusinessRunning.PAUSED else "closed",
                    on=visit.visited_on,
                    reason="Modal habis untuk kebutuhan keluarga" if rng.random() < 0.5 else "Tidak ada pembeli tetap",
                )
    return (
        f"Kupang 2019 follow-up: {len(grants)} recipients visited at 3, 6 and 12 months; {HIGH_RISK} at high risk, "
        f"a group of {GROUP_SIZE} planning to leave non-procedurally, {UNRECORDED_TWELVE_MONTHS} visits overdue"
    )


def load_indramayu() -> str:
    grants = _grants(INDRAMAYU_SCHEME)
    if not grants:
        return "Indramayu 2018 follow-up: left out (the starter kits are not loaded)"
    if FollowUp.objects.filter(entitlement__in=grants, state=FollowUpState.DONE).exists():
        return "Indramayu 2018 follow-up: already there"
    worker = _worker("rsbm-tunas-mandiri", "32.12")
    if worker is None:
        return "Indramayu 2018 follow-up: left out (its demo case worker is missing or without a grant there)"
    rng = random.Random(2018)
    with transaction.atomic(), set_actor(worker):
        services.follow_ups_schedule()
        for grant in grants:
            enterprise = services.enterprise_create(
                actor=worker,
                name=f"Kue Kering {grant.person.full_name.split()[0]}",
                form=EnterpriseForm.INDIVIDUAL,
                kind=EnterpriseKind.CAKES,
                owner=grant.person,
                organisation=worker.organisation,
                started_on=date(2018, 4, 20),
                sells_at="Pesanan Lebaran, warung desa Mundakjaya",
            )
            services.enterprise_capital_add(actor=worker, enterprise=enterprise, entitlement=grant)
        visits = FollowUp.objects.filter(entitlement__in=grants).select_related("person").order_by("months_after", "pk")
        for visit in visits:
            _visit(worker, visit, rng.randrange(0, 10), **_running(rng, revenue=1_200_000, share=0.85))
    return f"Indramayu 2018 follow-up: {len(grants)} trainees with their kue kering businesses visited three times"


def _proposal_cast() -> dict[str, User] | None:
    cast = {
        "worker": _worker("lks-rpk", "53.01"),
        "supervisor": demo_user_holding("dinsos-kupang", Role.SUPERVISOR, RECOMMEND_PROPOSAL, "53.01"),
        "province": demo_user_holding("dinsos-ntt", Role.PROGRAM_OFFICER, VERIFY_PROPOSAL, "53.01"),
        "directorate": demo_user_holding("rsts", Role.PROGRAM_OFFICER, APPROVE_PROPOSAL, "53.01"),
        "finance": demo_user_holding("dinsos-kupang", Role.FINANCE_OFFICER, FUND_PROPOSAL, "53.01"),
    }
    return None if None in cast.values() else cast  # type: ignore[return-value]


def _reviewed(cast: dict[str, User], proposal: Proposal) -> Proposal:
    for step, user in (
        (proposals.proposal_submit, cast["worker"]),
        (proposals.proposal_recommend, cast["supervisor"]),
        (proposals.proposal_verify, cast["province"]),
    ):
        with set_actor(user):
            proposal = step(actor=user, proposal=proposal)
    return proposal


def load_proposals() -> str:
    """Two proposals of Kupang recipients whose cake businesses ran all year: one approved and funded from a
    business-development scheme (its entitlement waits in a tranche for the finance officers' approval), one
    rejected by the Directorate with its reasons."""
    if Proposal.objects.filter(title__in=(FUNDED_PROPOSAL, REJECTED_PROPOSAL)).exists():
        return "Proposals: already there"
    cast = _proposal_cast()
    owners = list(
        Enterprise.objects.filter(
            form=EnterpriseForm.INDIVIDUAL,
            kind=EnterpriseKind.CAKES,
            region__code__startswith="53.01.",
            status="running",
        )
        .exclude(members__person__risk__level=RiskLevel.HIGH)
        .values_list("pk", "members__person")
        .order_by("pk")[:2]
    )
    if cast is None or len(owners) < 2:
        return "Proposals: left out (the Kupang follow-up or a demo reviewer is missing)"
    (funded_business, funded_person), (rejected_business, rejected_person) = owners
    with transaction.atomic():
        with set_actor(cast["directorate"]):
            scheme = assistance.scheme_save(
                actor=cast["directorate"],
                name=DEVELOPMENT_SCHEME,
                legal_basis="Permensos 9/2018 tentang Standar Teknis Pelayanan Minimal Bidang Sosial",
                organisation=demo_organisation("rsts"),
                region=Region.objects.get(pk="53.01"),
                year=timezone.localdate().year,
                kind=SchemeKind.CASH,
                amount_per_person=5_000_000,
                budget_ceiling=100_000_000,
                require_verified_account=True,
                require_consent=True,
            )
        with set_actor(cast["worker"]):
            funded = proposals.proposal_create(
                actor=cast["worker"],
                person=Person.objects.get(pk=funded_person),
                enterprise=Enterprise.objects.get(pk=funded_business),
                title=FUNDED_PROPOSAL,
                business_plan=(
                    "Usaha kue berjalan sejak Desember 2019 dan laku di Pasar Oesao. Dengan oven besar dan etalase, "
                    "produksi naik dari 5 menjadi 15 loyang sehari dan kue dapat dititip di tiga kios."
                ),
                expected_results="Omzet naik dari Rp 1,5 juta menjadi Rp 4 juta sebulan dalam 6 bulan.",
                amount_requested=4_500_000,
                budget_lines=[
                    {"item": "Oven gas besar", "quantity": 1, "unit_cost": 2_750_000},
                    {"item": "Etalase kaca", "quantity": 1, "unit_cost": 1_250_000},
                    {"item": "Bahan baku awal", "quantity": 1, "unit_cost": 500_000},
                ],
            )
            rejected = proposals.proposal_create(
                actor=cast["worker"],
                person=Person.objects.get(pk=rejected_person),
                enterprise=Enterprise.objects.get(pk=rejected_business),
                title=REJECTED_PROPOSAL,
                business_plan="Membeli mobil bak terbuka untuk mengantar kue ke Kota Kupang.",
                expected_results="Menjangkau pembeli di Kota Kupang.",
                amount_requested=45_000_000,
                budget_lines=[{"item": "Mobil bak terbuka bekas", "quantity": 1, "unit_cost": 45_000_000}],
            )
        funded, rejected = _reviewed(cast, funded), _reviewed(cast, rejected)
        with set_actor(cast["directorate"]):
            funded = proposals.proposal_approve(actor=cast["directorate"], proposal=funded)
            proposals.proposal_reject(
                actor=cast["directorate"],
                proposal=rejected,
                reason=(
                    "Nilai yang diminta jauh melebihi batas bantuan pengembangan usaha (Rp 5.000.000) dan kendaraan "
                    "tidak termasuk barang yang dapat dibiayai. Ajukan kembali untuk peralatan produksi."
                ),
            )
        with set_actor(cast["finance"]):
            proposals.proposal_fund(actor=cast["finance"], proposal=funded, scheme=scheme)
    return "Proposals: one approved and funded (Rp 4.500.000, awaiting the tranche's approval), one rejected"


def load_demo_livelihoods() -> list[str]:
    with demo_history():
        return [load_indramayu(), load_kupang(), load_proposals()]
