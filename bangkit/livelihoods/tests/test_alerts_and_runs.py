"""Who alerts reach, re-scoring runs one at a time, scheduling after a payment, dates judged where people live."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from bangkit.accounts.models import Grant
from bangkit.accounts.testing import People
from bangkit.assistance.models import Scheme
from bangkit.cases.models import CaseEvent, Task
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.livelihoods import services
from bangkit.livelihoods.choices import AlertKind, EnterpriseForm, RiskLevel, RunState
from bangkit.livelihoods.models import Alert, Enterprise, FollowUp, PersonRisk, Remigration, RescoreRun
from bangkit.livelihoods.tests.test_services import paid_grant, visit
from bangkit.notifications.models import Notification
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

HEAVIER = {"debt_trap": (10, "Jeratan utang"), "unemployed": (9, "Tanpa penghasilan")}


def indebted_and_jobless(people: People, name: str) -> Any:
    """A Kupang person at medium risk (8 + 6 = 14) whom HEAVIER weights put at high (19)."""
    grant = paid_grant(people, name)
    services.follow_ups_schedule()
    visit(people, FollowUp.objects.get(entitlement=grant, months_after=3), business="no", debt_amount=500_000)
    assert PersonRisk.objects.get(person=grant.person).level == RiskLevel.MEDIUM
    return grant.person


def test_a_reweighting_that_puts_many_at_high_risk_tells_each_worker_once_with_the_count(people: People) -> None:
    crowd = [indebted_and_jobless(people, f"Penerima {number}") for number in range(3)]
    Notification.objects.all().delete()

    services.risk_instrument_update(actor=people.national_admin, weights=HEAVIER)
    assert services.rescore_everyone() == 3

    assert Alert.objects.filter(kind=AlertKind.HIGH_RISK, person__in=crowd).count() == 3
    tasks = Task.objects.filter(case__person__in=crowd, title__startswith="Kunjungi segera")
    assert {task.assigned_to for task in tasks} == {people.kupang_case_worker}
    assert tasks.count() == 3
    assert CaseEvent.objects.filter(case__person__in=crowd, kind="task").count() == 3
    for user in (people.kupang_case_worker, people.kupang_supervisor):
        told = Notification.objects.get(recipient=user)
        assert told.body.startswith("3 orang")
        assert told.url == "/livelihoods/worklist/"


def test_a_case_worker_who_left_the_district_gets_neither_the_alert_nor_its_task(people: People) -> None:
    grant = paid_grant(people)
    services.follow_ups_schedule()
    Grant.objects.filter(user=people.kupang_case_worker).update(region=people.regions["32.12"])

    services.remigration_record(
        actor=people.kupang_supervisor,
        person=grant.person,
        departed_on=timezone.localdate() - timedelta(days=1),
        country="MY",
        route="non_procedural",
    )

    alert = Alert.objects.get(person=grant.person, kind=AlertKind.NON_PROCEDURAL_DEPARTURE)
    assert alert.task is not None
    assert alert.task.assigned_to == people.kupang_supervisor
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert people.kupang_case_worker.pk not in told
    assert people.kupang_supervisor.pk in told


def test_re_scoring_runs_one_at_a_time_and_a_newer_run_supersedes_older_queued_ones(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    person = indebted_and_jobless(people, "Maria Bano")
    running = RescoreRun.objects.create(state=RunState.RUNNING)
    older = RescoreRun.objects.create()
    with django_capture_on_commit_callbacks(execute=True):
        services.risk_instrument_update(actor=people.national_admin, weights=HEAVIER)  # queues a newer run

    newest = RescoreRun.objects.latest("pk")
    assert newest.state == RunState.QUEUED  # the task found one running and left it to that one
    assert PersonRisk.objects.get(person=person).level == RiskLevel.MEDIUM

    RescoreRun.objects.filter(pk=running.pk).update(state=RunState.DONE)
    services.rescore_runs_work()  # what the running one does when it ends

    assert RescoreRun.objects.get(pk=older.pk).state == RunState.SKIPPED
    newest.refresh_from_db()
    assert (newest.state, newest.level_changes, newest.percent) == (RunState.DONE, 1, 100)
    assert PersonRisk.objects.get(person=person).level == RiskLevel.HIGH


def test_a_run_left_behind_by_a_killed_worker_does_not_block_the_next(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    person = indebted_and_jobless(people, "Maria Bano")
    stalled = RescoreRun.objects.create(state=RunState.RUNNING)
    RescoreRun.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - timedelta(minutes=16))

    with django_capture_on_commit_callbacks(execute=True):
        services.risk_instrument_update(actor=people.national_admin, weights=HEAVIER)

    assert RescoreRun.objects.get(pk=stalled.pk).state == RunState.FAILED
    assert RescoreRun.objects.latest("pk").state == RunState.DONE
    assert PersonRisk.objects.get(person=person).level == RiskLevel.HIGH


def test_a_payment_round_schedules_only_its_own_grants(people: People) -> None:
    paid_now = paid_grant(people, "Maria Bano")
    paid_before = paid_grant(people, "Yuliana Seran")

    assert services.follow_ups_schedule(entitlement_ids=[paid_now.pk]) == 3

    assert FollowUp.objects.filter(entitlement=paid_now).count() == 3
    assert not FollowUp.objects.filter(entitlement=paid_before).exists()


def test_a_scheme_with_unreadable_intervals_is_followed_up_at_the_defaults_and_stops_no_other(
    people: People,
) -> None:
    broken = paid_grant(people, "Maria Bano")
    Scheme.objects.filter(pk=broken.scheme_id).update(follow_up_months="tiga, enam")
    fine = paid_grant(people, "Yuliana Seran", follow_up_months="6")

    assert services.follow_ups_schedule() == 4

    assert list(FollowUp.objects.filter(entitlement=broken).values_list("months_after", flat=True)) == [3, 6, 12]
    assert list(FollowUp.objects.filter(entitlement=fine).values_list("months_after", flat=True)) == [6]


def test_a_departure_recorded_after_midnight_in_kupang_is_not_in_the_future(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant = paid_grant(people)
    # 00:30 on 11 March in Kupang (WITA) is still 23:30 on 10 March in Jakarta.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 16, 30, tzinfo=UTC))

    departure = services.remigration_record(
        actor=people.kupang_case_worker,
        person=grant.person,
        departed_on=date(2026, 3, 11),
        country="MY",
        route="procedural",
    )

    assert departure.departed_on == date(2026, 3, 11)
    with pytest.raises(ServiceError):
        services.remigration_record(
            actor=people.kupang_case_worker,
            person=grant.person,
            departed_on=date(2026, 3, 12),
            country="MY",
            route="procedural",
        )


def test_who_arranged_a_departure_is_stored_encrypted(people: People) -> None:
    grant = paid_grant(people)

    departure = services.remigration_record(
        actor=people.kupang_case_worker,
        person=grant.person,
        departed_on=timezone.localdate() - timedelta(days=2),
        country="MY",
        route="non_procedural",
        through="Pak Tobias dari Oesao",
    )

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT through FROM {Remigration._meta.db_table} WHERE id = %s", [departure.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "Tobias" not in stored
    assert Remigration.objects.get(pk=departure.pk).through == "Pak Tobias dari Oesao"


def test_a_business_outside_the_workers_district_cannot_take_members_or_visits(people: People) -> None:
    elsewhere = make_person(people, "indramayu", full_name="Siti Aminah")
    bakery = Enterprise.objects.create(
        name="Roti Siti",
        form=EnterpriseForm.GROUP,
        kind="cakes",
        region=elsewhere.region,
        organisation=people.orgs.indramayu_dinsos,
    )
    grant = paid_grant(people)
    services.follow_ups_schedule()

    with pytest.raises(OutOfJurisdiction):
        services.enterprise_member_add(actor=people.kupang_case_worker, enterprise=bakery, person=grant.person)
    with pytest.raises(ServiceError) as refused:
        visit(people, FollowUp.objects.get(entitlement=grant, months_after=3), enterprise=bakery)
    assert refused.value.field == "enterprise"


def test_a_person_who_moves_takes_their_visits_risk_and_alerts_to_the_new_district(people: People) -> None:
    from bangkit.accounts.roles import Role
    from bangkit.accounts.testing import make_user
    from bangkit.registry.services.people import person_update

    grant = paid_grant(people)
    services.follow_ups_schedule()
    three = FollowUp.objects.get(entitlement=grant, months_after=3)
    visit(people, three, business="no", recruiter_contact=True, debt_amount=1_000_000)
    person = grant.person
    assert Alert.objects.filter(person=person).exists()
    registrar = make_user("national.worker@test.id", people.orgs.directorate, (Role.CASE_WORKER, None))

    person.region = people.regions["32.12.04.2013"]
    person_update(actor=registrar, person=person)

    for model in (FollowUp, PersonRisk, Alert):
        assert set(model.objects.filter(person=person).values_list("region_id", flat=True)) == {"32.12.04.2013"}
        assert not model.objects.restrict(people.kupang_supervisor).filter(person=person).exists()
        assert model.objects.restrict(people.indramayu_case_worker).filter(person=person).exists()
