"""`manage.py load_demo` gives the demo case workers and supervisors cases in every stage of the workflow."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from bangkit.accounts.demo import demo_email
from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.cases.choices import ApprovalDecision, ApprovalKind, CaseState, PlanLineStatus, ReferralStatus
from bangkit.cases.models import Case, CaseApproval, CaseEvent, Task
from bangkit.cases.selectors import case_list, case_timeline, my_open_tasks, pending_approvals
from bangkit.core.testing.regions import create_seed_regions


def load_demo(capture: Any) -> str:
    output = StringIO()
    with capture(execute=True):
        call_command("load_demo", stdout=output)
    return output.getvalue()


def demo_user(slug: str, role: str) -> User:
    return User.objects.get(email=demo_email(slug, role))


@pytest.fixture
def demo(db: None, django_capture_on_commit_callbacks: Any) -> str:
    create_seed_regions()
    return load_demo(django_capture_on_commit_callbacks)


def case_of(name: str) -> Case:
    return Case.objects.select_related("person").get(person__full_name=name)


def test_it_gives_each_regency_cases_in_several_stages(demo: str) -> None:
    kupang_worker = demo_user("lks-rpk", Role.CASE_WORKER)
    indramayu_worker = demo_user("dinsos-indramayu", Role.CASE_WORKER)

    kupang = {case.person.full_name: case.state for case in case_list(user=kupang_worker)}
    indramayu = {case.person.full_name: case.state for case in case_list(user=indramayu_worker)}

    assert "[cases] 9 demo cases (9 new)" in demo
    assert kupang == {
        "Yuliana Benu": CaseState.REFERRAL_RECEIVED,
        "Marselina Tanaem": CaseState.ASSESSMENT,
        "Dorkas Nomleni": CaseState.ASSESSMENT,
        "Agustina Seran": CaseState.INTERVENTION_PLAN,
        "Maria Yasinta Ndun": CaseState.INTERVENTION,
        "Yohanes Tefa": CaseState.TERMINATED,
    }
    assert indramayu == {
        "Siti Aminah": CaseState.REFERRAL_RECEIVED,
        "Casmirah": CaseState.INTERVENTION,
        "Wartini": CaseState.MONITORING,
    }
    assert {case.case_worker for case in Case.objects.all()} == {
        kupang_worker,
        indramayu_worker,
        demo_user("rsbm-tunas-mandiri", Role.CASE_WORKER),
    }


def test_it_numbers_the_cases_in_the_order_they_were_opened(demo: str) -> None:
    # KPO-53.01-2026-000004, PMIB-53.01-2026-000005: one series per regency and year, whatever the category.
    def year_and_number(case: Case) -> tuple[int, int]:
        _prefix, _regency, year, number = case.number.split("-")
        return int(year), int(number)

    kupang = sorted(Case.objects.filter(region_id="53.01"), key=year_and_number)
    assert [case.opened_on for case in kupang] == sorted(case.opened_on for case in kupang)
    assert case_of("Yohanes Tefa").number.startswith("PMIB-53.01-")
    assert case_of("Maria Yasinta Ndun").number.startswith("KPO-53.01-")


def test_it_adds_no_case_when_loaded_again(demo: str, django_capture_on_commit_callbacks: Any) -> None:
    counts = (Case.objects.count(), CaseEvent.objects.count(), Task.objects.count(), CaseApproval.objects.count())

    output = load_demo(django_capture_on_commit_callbacks)

    assert "[cases] 9 demo cases (0 new)" in output
    assert (Case.objects.count(), CaseEvent.objects.count(), Task.objects.count(), CaseApproval.objects.count()) == (
        counts
    )


def test_it_leaves_one_intervention_plan_waiting_for_the_kupang_supervisor(demo: str, client: Any) -> None:
    supervisor = demo_user("dinsos-kupang", Role.SUPERVISOR)

    waiting = list(pending_approvals(user=supervisor))

    assert [(approval.case.person.full_name, approval.kind) for approval in waiting] == [
        ("Agustina Seran", ApprovalKind.PLAN)
    ]
    assert waiting[0].submitted_by == demo_user("lks-rpk", Role.CASE_WORKER)
    assert not pending_approvals(user=demo_user("dinsos-indramayu", Role.SUPERVISOR)).exists()
    client.force_login(supervisor)
    assert "Agustina Seran" in client.get(reverse("cases:approval_list")).content.decode()


def test_it_shows_the_intervention_with_its_plan_services_and_referral(demo: str) -> None:
    case = case_of("Maria Yasinta Ndun")

    assert case.assessments.count() == 1
    assert sorted(case.plan_lines.values_list("status", flat=True)) == sorted(
        [PlanLineStatus.IN_PROGRESS, PlanLineStatus.IN_PROGRESS, PlanLineStatus.PLANNED, PlanLineStatus.DONE]
    )
    assert case.services.count() == 4
    assert case.services.filter(plan_line__isnull=True).count() == 0
    referral = case.referrals.get()
    assert (referral.service, referral.status, referral.consent is not None) == (
        "restitution",
        ReferralStatus.ACCEPTED,
        True,
    )
    approval = case.approvals.get()
    assert approval.decision == ApprovalDecision.APPROVED
    assert approval.decided_by == demo_user("dinsos-kupang", Role.SUPERVISOR)


def test_it_terminates_one_case_with_the_supervisors_approval(demo: str) -> None:
    case = case_of("Yohanes Tefa")
    supervisor = demo_user("dinsos-kupang", Role.SUPERVISOR)

    assert case.closed_on is not None
    assert set(case.plan_lines.values_list("status", flat=True)) == {PlanLineStatus.DONE}
    assert {(a.kind, a.decision, a.decided_by) for a in case.approvals.all()} == {
        (ApprovalKind.PLAN, ApprovalDecision.APPROVED, supervisor),
        (ApprovalKind.TERMINATION, ApprovalDecision.APPROVED, supervisor),
    }
    timeline = list(case_timeline(user=demo_user("lks-rpk", Role.CASE_WORKER), case=case))
    assert timeline[0].summary.startswith(f"Kasus {case.number} dibuka")
    assert timeline[-1].to_state == CaseState.TERMINATED
    assert timeline[-1].actor == supervisor


def test_it_gives_the_case_worker_tasks_including_the_srq20_referral(demo: str) -> None:
    titles = [task.title for task in my_open_tasks(user=demo_user("lks-rpk", Role.CASE_WORKER))]

    assert "Kunjungan rumah untuk asesmen awal" in titles
    assert any(title.startswith("Rujuk ke layanan kesehatan jiwa") for title in titles)
    assert Task.objects.get(title__startswith="Rujuk").case == case_of("Dorkas Nomleni")


def test_it_opens_each_kupang_case_page_for_kupang_and_not_for_indramayu(demo: str, client: Any) -> None:
    kupang_cases = list(Case.objects.filter(region_id="53.01"))
    client.force_login(demo_user("lks-rpk", Role.CASE_WORKER))
    for case in kupang_cases:
        page = client.get(reverse("cases:case_detail", args=[case.pk]))
        assert page.status_code == 200
        assert case.number in page.content.decode()

    client.force_login(demo_user("dinsos-indramayu", Role.CASE_WORKER))
    for case in kupang_cases:
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
