from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.models import Entitlement
from bangkit.assistance.testing import cash_scheme, recipient
from bangkit.cases.models import Task
from bangkit.cases.services.care import Checked, assessment_record
from bangkit.cases.services.cases import case_open
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.livelihoods import risk, services
from bangkit.livelihoods.choices import AlertKind, BusinessRunning, FollowUpState, MigrationIntention, RiskLevel
from bangkit.livelihoods.models import Alert, FollowUp, PersonRisk, RiskScore, RiskWeight
from bangkit.notifications.models import Notification

pytestmark = pytest.mark.django_db

GRANTED = date(2019, 11, 20)


def paid_grant(people: People, name: str = "Maria Bano", **fields: Any) -> Entitlement:
    """A Kupang person with an open case whose Rp 900.000 was paid on 20 November 2019."""
    person = recipient(people, name)
    case_open(
        actor=people.kupang_case_worker,
        person=person,
        category="kpo",
        referral_source="lks",
        case_worker=people.kupang_case_worker,
    )
    scheme = fields.pop("scheme", None) or cash_scheme(people, **fields)
    from bangkit.assistance.models import Tranche

    tranche = Tranche.objects.create(scheme=scheme, number=1, prepared_by=people.kupang_program_officer)
    return Entitlement.objects.create(
        scheme=scheme, tranche=tranche, person=person, amount=900_000, state=EntitlementState.PAID, paid_on=GRANTED
    )


def visit(people: People, follow_up: FollowUp, **answers: Any) -> FollowUp:
    values: dict[str, Any] = {"visited_on": follow_up.due_on, "business": BusinessRunning.YES, **answers}
    return services.follow_up_record(actor=people.kupang_case_worker, follow_up=follow_up, **values)


def test_it_schedules_visits_at_3_6_and_12_months_after_the_payment(people: People) -> None:
    grant = paid_grant(people)

    assert services.follow_ups_schedule() == 3
    assert services.follow_ups_schedule() == 0

    dues = list(FollowUp.objects.filter(entitlement=grant).values_list("months_after", "due_on"))
    assert dues == [(3, date(2020, 2, 20)), (6, date(2020, 5, 20)), (12, date(2020, 11, 20))]


def test_it_follows_the_schemes_own_intervals(people: People) -> None:
    paid_grant(people, follow_up_months="1, 24")

    services.follow_ups_schedule()

    assert sorted(FollowUp.objects.values_list("months_after", flat=True)) == [1, 24]


def test_it_keeps_the_end_of_a_short_month() -> None:
    assert services.add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert services.add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)
    assert services.add_months(date(2019, 12, 15), 12) == date(2020, 12, 15)


def test_a_payment_recorded_by_the_bank_schedules_its_visits(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    from bangkit.assistance import services as assistance
    from bangkit.assistance.models import Payment
    from bangkit.assistance.testing import DECREE, filled_tranche, finance_officer

    maker, checker = finance_officer(people, "maker"), finance_officer(people, "checker")
    recipient(people, "Yuliana Seran")
    tranche = filled_tranche(people, maker)
    assistance.tranche_submit(actor=maker, tranche=tranche)
    assistance.tranche_approve(actor=checker, tranche=tranche, **DECREE)
    assistance.tranche_send(actor=checker, tranche=tranche)
    payment = Payment.objects.get(bank_file__tranche=tranche)

    with django_capture_on_commit_callbacks(execute=True):
        assistance.payment_record(
            actor=checker, payment=payment, outcome="paid", settled_on=GRANTED, bank_reference="BNTT-1"
        )

    assert sorted(FollowUp.objects.filter(entitlement=payment.entitlement).values_list("months_after", flat=True)) == [
        3,
        6,
        12,
    ]


def test_a_visit_cannot_be_dated_before_the_grant_or_in_the_future(people: People) -> None:
    paid_grant(people)
    services.follow_ups_schedule()
    follow_up = FollowUp.objects.first()
    assert follow_up is not None

    with pytest.raises(ServiceError) as before:
        visit(people, follow_up, visited_on=GRANTED - timedelta(days=1))
    with pytest.raises(ServiceError) as future:
        visit(people, follow_up, visited_on=timezone.localdate() + timedelta(days=2))

    assert before.value.field == "visited_on"
    assert future.value.field == "visited_on"
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.SCHEDULED


def test_a_visit_is_refused_outside_the_jurisdiction(people: People) -> None:
    paid_grant(people)
    services.follow_ups_schedule()
    follow_up = FollowUp.objects.first()
    assert follow_up is not None

    with pytest.raises(OutOfJurisdiction):
        services.follow_up_record(
            actor=people.indramayu_case_worker, follow_up=follow_up, visited_on=follow_up.due_on, business="yes"
        )


def test_a_recruiters_offer_raises_the_risk_and_gives_the_case_worker_a_task(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    follow_up = FollowUp.objects.get(entitlement=grant, months_after=3)

    visit(
        people,
        follow_up,
        business=BusinessRunning.NO,
        recruiter_contact=True,
        debt_amount=3_000_000,
        notes="Calo menawarkan kerja di perkebunan sawit Malaysia tanpa paspor.",
    )

    current = PersonRisk.objects.get(person=grant.person)
    assert current.level == RiskLevel.HIGH
    assert current.score == 9 + 8 + 6  # recruiter, debt, no work
    alert = Alert.objects.get(person=grant.person, kind=AlertKind.HIGH_RISK)
    assert "Didekati perekrut" in alert.reason
    task = alert.task
    assert task is not None
    assert task.assigned_to == people.kupang_case_worker
    assert task.due_on == timezone.localdate() + timedelta(days=7)
    explained = RiskScore.objects.get(person=grant.person).factors
    assert [line["factor"] for line in explained if line["present"]] == ["debt_trap", "recruiter_contact", "unemployed"]


def test_a_second_high_finding_does_not_open_a_second_alert(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    three, six, _twelve = FollowUp.objects.filter(entitlement=grant).order_by("months_after")
    visit(people, three, business=BusinessRunning.NO, recruiter_contact=True, debt_amount=1_000_000)
    RiskScore.objects.all()  # the series keeps both scorings
    visit(people, six, business=BusinessRunning.NO, recruiter_contact=True, debt_amount=1_000_000)

    assert Alert.objects.filter(person=grant.person, kind=AlertKind.HIGH_RISK).count() == 1
    assert RiskScore.objects.filter(person=grant.person).count() == 2


def test_an_intention_to_leave_non_procedurally_raises_an_alert(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    follow_up = FollowUp.objects.get(entitlement=grant, months_after=3)

    visit(people, follow_up, migration_intention=MigrationIntention.NON_PROCEDURAL)

    assert Alert.objects.filter(person=grant.person, kind=AlertKind.INTENDS_NON_PROCEDURAL).exists()
    assert PersonRisk.objects.get(person=grant.person).level == RiskLevel.MEDIUM


def test_an_assessment_scores_the_ministrys_factors(people: People) -> None:
    grant = paid_grant(people)
    case = grant.person.cases.get()
    factors = {factor: Checked(yes=factor in ("debt_trap", "return_debt")) for factor in risk.FACTORS[:8]}

    assessment_record(actor=people.kupang_case_worker, case=case, risk_factors=factors)

    current = PersonRisk.objects.get(person=grant.person)
    assert current.score == 8 + 6
    assert current.level == RiskLevel.MEDIUM
    assert current.evidence["debt_trap"][:2] == [True, "assessment"]


def test_a_non_procedural_departure_alerts_the_case_worker_and_the_district(people: People) -> None:
    grant = paid_grant(people)

    services.remigration_record(
        actor=people.kupang_case_worker,
        person=grant.person,
        departed_on=timezone.localdate() - timedelta(days=3),
        country="MY",
        route="non_procedural",
        through="sponsor kampung",
    )

    alert = Alert.objects.get(person=grant.person, kind=AlertKind.NON_PROCEDURAL_DEPARTURE)
    assert "Malaysia" in alert.reason
    assert alert.task is not None
    assert alert.task.assigned_to == people.kupang_case_worker
    told = Notification.objects.filter(kind="livelihoods.alert")
    assert set(told.values_list("recipient", flat=True)) == {people.kupang_case_worker.pk, people.kupang_supervisor.pk}
    assert not told.filter(recipient=people.indramayu_supervisor).exists()
    assert PersonRisk.objects.get(person=grant.person).evidence["non_procedural_remigration"][:2] == [
        True,
        "remigration",
    ]


def test_weights_out_of_range_are_refused(people: People) -> None:
    with pytest.raises(ServiceError) as refused:
        services.risk_instrument_update(actor=people.national_admin, weights={"shame": (11, "terlalu berat")})

    assert refused.value.field == "shame"
    assert services.current_weights()["shame"] == 3
    assert not RiskWeight.objects.exists()


def test_rescoring_everyone_applies_new_weights_and_alerts_who_rises_to_high(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    visit(people, FollowUp.objects.get(entitlement=grant, months_after=3), business="no", debt_amount=500_000)
    assert PersonRisk.objects.get(person=grant.person).level == RiskLevel.MEDIUM  # 8 + 6 = 14

    services.risk_instrument_update(
        actor=people.national_admin,
        weights={"debt_trap": (10, "Jeratan utang"), "unemployed": (9, "Tanpa penghasilan")},
    )
    seen: list[tuple[int, int]] = []
    changed = services.rescore_everyone(progress=lambda done, total: seen.append((done, total)))

    current = PersonRisk.objects.get(person=grant.person)
    assert (current.score, current.level, changed) == (19, RiskLevel.HIGH, 1)
    assert seen[-1][0] == seen[-1][1]
    assert Alert.objects.filter(person=grant.person, kind=AlertKind.HIGH_RISK).exists()
    assert RiskScore.objects.filter(person=grant.person, source="weights").count() == 1


def test_missed_visits_go_to_the_case_worker_then_to_the_supervisor(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    due = date(2020, 2, 20)

    assert services.follow_ups_escalate(today=due + timedelta(days=13)) == (0, 0)
    assert services.follow_ups_escalate(today=due + timedelta(days=14)) == (1, 0)
    assert services.follow_ups_escalate(today=due + timedelta(days=15)) == (0, 0)
    assert services.follow_ups_escalate(today=due + timedelta(days=27)) == (0, 0)
    assert services.follow_ups_escalate(today=due + timedelta(days=28)) == (0, 1)

    tasks = Task.objects.filter(case__person=grant.person).order_by("id")
    assert [task.assigned_to for task in tasks] == [people.kupang_case_worker, people.kupang_supervisor]


def test_a_completed_skills_training_without_a_grant_is_followed_up_too(people: People) -> None:
    from bangkit.programs.models import Certificate, Enrolment
    from bangkit.programs.testing import make_event
    from bangkit.registry.testing import make_person

    def certified(event: Any, name: str) -> Certificate:
        enrolment = Enrolment.objects.create(
            event=event, person=make_person(people, full_name=name), enrolled_by=people.kupang_case_worker
        )
        return Certificate.objects.create(
            enrolment=enrolment,
            code=f"C{enrolment.pk:07d}",
            issued_on=date(2024, 3, 1),
            issued_by=people.kupang_supervisor,
        )

    training = make_event(people, kind="skills_training", title="Pelatihan tenun ikat", start=date(2024, 2, 26))
    rewarded = make_event(
        people, kind="skills_training", title="Pelatihan kue", start=date(2024, 2, 27), program=training.program
    )
    cash_scheme(people, completed_event=rewarded)
    weaver = certified(training, "Yuliana Seran")
    baker = certified(rewarded, "Maria Nenobais")

    services.follow_ups_schedule()

    assert list(FollowUp.objects.filter(certificate=weaver).values_list("months_after", "due_on")) == [
        (3, date(2024, 6, 1)),
        (6, date(2024, 9, 1)),
        (12, date(2025, 3, 1)),
    ]
    assert not FollowUp.objects.filter(person=baker.enrolment.person).exists()  # followed up through its grant
    assert services.follow_ups_schedule() == 0


def test_a_visit_typed_in_late_does_not_undo_what_a_later_visit_found(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    three, six, _twelve = FollowUp.objects.filter(entitlement=grant).order_by("months_after")
    visit(people, six, business=BusinessRunning.NO, recruiter_contact=True, debt_amount=1_000_000)

    visit(people, three, business=BusinessRunning.YES)  # the earlier visit, entered afterwards from paper

    current = PersonRisk.objects.get(person=grant.person)
    assert current.level == RiskLevel.HIGH
    assert current.evidence["recruiter_contact"][:2] == [True, "follow_up"]


def test_alerts_reach_the_regencys_supervisors_not_every_supervisor_above(people: People) -> None:
    from bangkit.accounts.roles import Role
    from bangkit.accounts.testing import make_user

    national = make_user("national.supervisor@test.id", people.orgs.directorate, (Role.SUPERVISOR, None))
    grant = paid_grant(people)

    services.remigration_record(
        actor=people.kupang_case_worker,
        person=grant.person,
        departed_on=timezone.localdate() - timedelta(days=1),
        country="MY",
        route="non_procedural",
    )

    told = set(Notification.objects.values_list("recipient", flat=True))
    assert people.kupang_supervisor.pk in told
    assert national.pk not in told


def test_who_a_debt_is_owed_to_is_masked_in_the_history(people: People) -> None:
    from auditlog.models import LogEntry

    grant = paid_grant(people)
    services.follow_ups_schedule()
    follow_up = FollowUp.objects.get(entitlement=grant, months_after=3)

    visit(people, follow_up, debt_amount=2_000_000, debt_note="Utang kepada Pak Tobias, calo dari Oesao")

    entries = LogEntry.objects.get_for_object(follow_up)
    assert "Tobias" not in str([entry.changes for entry in entries])
