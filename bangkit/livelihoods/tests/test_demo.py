"""`manage.py load_demo` follows up the seed events' grants: what the Kupang supervisor's worklist shows after
`make run`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from bangkit.accounts.roles import Role
from bangkit.assistance.demo import INDRAMAYU_SCHEME, KUPANG_SCHEME
from bangkit.livelihoods.choices import AlertKind, FollowUpState, ProposalState, RiskLevel
from bangkit.livelihoods.demo import (
    DEVELOPMENT_SCHEME,
    FUNDED_PROPOSAL,
    GROUP_SIZE,
    HIGH_RISK,
    KUPANG_GROUP,
    REJECTED_PROPOSAL,
    UNRECORDED_TWELVE_MONTHS,
)
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, PersonRisk, Proposal
from bangkit.programs.tests.test_demo import create_demo_places, demo_user, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        create_demo_places()
        yield load_demo()
        transaction.set_rollback(True)


def test_it_visits_the_kupang_recipients_at_3_6_and_12_months_with_a_realistic_mix(demo: str, db: None) -> None:
    kupang = FollowUp.objects.filter(entitlement__scheme__name=KUPANG_SCHEME)

    assert "[livelihoods] Kupang 2019 follow-up: 250 recipients" in demo
    assert kupang.count() == 750
    assert kupang.filter(state=FollowUpState.DONE).count() == 750 - UNRECORDED_TWELVE_MONTHS
    running = kupang.filter(months_after=12, business="yes").count()
    assert 150 < running < 235  # most, not all
    assert PersonRisk.objects.filter(level=RiskLevel.HIGH, person__region__code__startswith="53.").count() >= HIGH_RISK
    group = Enterprise.objects.get(name=KUPANG_GROUP)
    assert group.members.count() == GROUP_SIZE
    planning = Alert.objects.filter(kind=AlertKind.INTENDS_NON_PROCEDURAL, resolved_at__isnull=True)
    assert set(planning.values_list("person", flat=True)) == set(group.members.values_list("person", flat=True))


def test_it_follows_up_indramayus_bakers(demo: str, db: None) -> None:
    indramayu = FollowUp.objects.filter(entitlement__scheme__name=INDRAMAYU_SCHEME)

    assert indramayu.filter(state=FollowUpState.DONE).count() == 60
    assert Enterprise.objects.filter(region__code__startswith="32.12", kind="cakes").count() == 20


def test_the_kupang_supervisors_worklist_shows_overdue_and_high_risk_people_with_reasons(
    demo: str, db: None, client: Any
) -> None:
    client.force_login(demo_user("dinsos-kupang", Role.SUPERVISOR))

    sections = {section.key: section for section in client.get(reverse("livelihoods:worklist")).context["sections"]}

    assert sections["overdue_visits"].count == UNRECORDED_TWELVE_MONTHS
    assert "Kunjungan 12 bulan" in sections["overdue_visits"].items[0].reason
    assert sections["high_risk"].count >= HIGH_RISK + GROUP_SIZE
    assert any("Didekati perekrut" in item.reason for item in sections["high_risk"].items)
    assert sections["alerts"].count >= HIGH_RISK + GROUP_SIZE


def test_two_proposals_one_funded_into_the_ledger_one_rejected_with_reasons(demo: str, db: None, client: Any) -> None:
    funded = Proposal.objects.get(title=FUNDED_PROPOSAL)
    rejected = Proposal.objects.get(title=REJECTED_PROPOSAL)

    assert (funded.state, funded.amount_approved) == (ProposalState.FUNDED, 4_500_000)
    assert funded.entitlement is not None
    assert funded.recommended_by != funded.decided_by
    assert rejected.state == ProposalState.REJECTED
    assert "Ajukan kembali" in rejected.rejection_reason
    client.force_login(demo_user("dinsos-kupang", Role.SUPERVISOR))
    ledger = client.get(reverse("assistance:person_ledger", args=[funded.person_id])).content.decode()
    assert DEVELOPMENT_SCHEME in ledger


def test_loading_again_adds_nothing(demo: str, db: None) -> None:
    before = FollowUp.objects.count()

    again = load_demo()

    assert "Kupang 2019 follow-up: already there" in again
    assert FollowUp.objects.count() == before
