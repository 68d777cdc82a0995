"""The livelihoods pages and API: generated authorization tests for every model shown, and what the case worker,
the supervisor and the administrator do with them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.cases.testing import make_case
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.livelihoods import services
from bangkit.livelihoods.choices import AlertKind, EnterpriseForm, EnterpriseKind, FollowUpState, RiskLevel
from bangkit.livelihoods.models import (
    Alert,
    Enterprise,
    EnterpriseMember,
    FollowUp,
    PersonRisk,
    Remigration,
    RescoreRun,
)
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db

PLACES = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}
GRANTED = date(2024, 1, 15)


def visit_for(
    people: People, place: str = "kupang", *, name: str = "Maria Goreti Bria", due: date | None = None, **fields: Any
) -> FollowUp:
    """A scheduled 3-month visit of a new person with an open case in `place`."""
    case = make_case(people, place, person=make_person(people, place, full_name=name))
    due = due or timezone.localdate() - timedelta(days=20)
    return FollowUp.objects.create(
        person=case.person, months_after=3, granted_on=min(GRANTED, due), due_on=due, **fields
    )


def alert_for(people: People, place: str = "kupang") -> Alert:
    person = make_case(people, place).person
    return Alert.objects.create(person=person, kind=AlertKind.HIGH_RISK, reason="Skor risiko 23 (tinggi).")


def enterprise_for(people: People, place: str = "kupang") -> Enterprise:
    person = make_person(people, place)
    actor = getattr(people, PLACES[place])
    return services.enterprise_create(
        actor=actor,
        name=f"Kue Sejahtera {place}",
        form=EnterpriseForm.GROUP,
        kind=EnterpriseKind.CAKES,
        owner=person,
        organisation=actor.organisation,
        started_on=date(2024, 3, 1),
    )


class TestFollowUpPages(ScopedModelTests):
    model = FollowUp
    permitted_user = "kupang_case_worker"
    list_url = "livelihoods:follow_up_list"
    detail_url = "livelihoods:follow_up_detail"
    edit_url = None
    action_urls = {"livelihoods:follow_up_record": None}
    api_list_url = "follow-up-list"
    api_detail_url = "follow-up-detail"
    api_writes = ()
    list_queries = 7

    def make(self, people: Any, place: str) -> FollowUp:
        return visit_for(people, place)


class TestAlertPages(ScopedModelTests):
    model = Alert
    permitted_user = "kupang_case_worker"
    edit_url = None
    action_urls = {"livelihoods:alert_resolve": None}
    api_list_url = "alert-list"
    api_detail_url = "alert-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Alert:
        return alert_for(people, place)


class TestPersonRiskApi(ScopedModelTests):
    model = PersonRisk
    permitted_user = "kupang_supervisor"
    edit_url = None
    api_list_url = "person-risk-list"
    api_detail_url = "person-risk-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> PersonRisk:
        person = make_person(people, place)
        return PersonRisk.objects.create(person=person, score=19, level=RiskLevel.HIGH, level_since=timezone.now())


class TestRemigrationApi(ScopedModelTests):
    model = Remigration
    permitted_user = "kupang_case_worker"
    edit_url = None
    api_list_url = "departure-list"
    api_detail_url = "departure-detail"
    api_writes = ()

    def make(self, people: Any, place: str) -> Remigration:
        actor = getattr(people, PLACES[place])
        return services.remigration_record(
            actor=actor,
            person=make_person(people, place),
            departed_on=timezone.localdate() - timedelta(days=2),
            country="MY",
            route="procedural",
        )


class TestEnterprisePages(ScopedModelTests):
    model = Enterprise
    permitted_user = "kupang_case_worker"
    list_url = "livelihoods:enterprise_list"
    detail_url = "livelihoods:enterprise_detail"
    edit_url = None
    action_urls = {"livelihoods:enterprise_status": None}
    api_list_url = "enterprise-list"
    api_detail_url = "enterprise-detail"
    api_writes = ()
    list_queries = 7

    def make(self, people: Any, place: str) -> Enterprise:
        return enterprise_for(people, place)


# --- what users do -----------------------------------------------------------------------------------------------


def test_a_case_worker_records_a_visit_on_the_phone_form_and_sees_the_risk_explained(
    client: Any, people: People
) -> None:
    visit = visit_for(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("livelihoods:follow_up_record", args=[visit.pk]))
    assert page.status_code == 200
    assert 'inputmode="numeric"' in page.content.decode()

    saved = client.post(
        reverse("livelihoods:follow_up_record", args=[visit.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "business": "no",
            "recruiter_contact": "on",
            "debt_amount": "2500000",
            "notes": "Calo menawarkan kerja di Malaysia.",
        },
    )

    assert saved.status_code == 302
    assert saved["Location"].endswith("?tab=follow_up")
    visit.refresh_from_db()
    assert visit.state == FollowUpState.DONE
    tab = client.get(reverse("livelihoods:person_follow_up", args=[visit.person_id])).content.decode()
    assert "Skor 23" in tab
    assert "Didekati perekrut / calo" in tab
    assert "Risiko tinggi diperdagangkan kembali" in tab  # the alert


def test_the_visit_form_refuses_a_date_before_the_grant_and_keeps_what_was_typed(client: Any, people: People) -> None:
    visit = visit_for(people)
    client.force_login(people.kupang_case_worker)

    refused = client.post(
        reverse("livelihoods:follow_up_record", args=[visit.pk]),
        {"visited_on": "2023-12-31", "business": "yes", "monthly_revenue": "1500000"},
    )

    assert refused.status_code == 200
    assert "sebelum tanggal bantuan" in str(refused.context["form"].errors["visited_on"])
    assert refused.context["form"]["monthly_revenue"].value() == "1500000"
    visit.refresh_from_db()
    assert visit.state == FollowUpState.SCHEDULED


def test_the_api_records_a_visit_and_answers_field_errors(api_client: Any, people: People) -> None:
    visit = visit_for(people)
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("follow-up-record", args=[visit.pk])

    future = api_client.post(
        url, {"visited_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "business": "yes"}
    )
    recorded = api_client.post(
        url, {"visited_on": timezone.localdate().isoformat(), "business": "yes", "monthly_revenue": 1_200_000}
    )

    assert future.status_code == 400
    assert "visited_on" in future.json()["errors"]
    assert recorded.status_code == 200
    assert recorded.json()["state"] == "done"
    assert recorded.json()["monthly_revenue"] == 1_200_000


def test_the_supervisors_worklist_shows_overdue_visits_and_high_risk_people_with_reasons(
    client: Any, people: People, django_assert_max_num_queries: Any
) -> None:
    late = visit_for(people, name="Maria Nenobais")
    other = visit_for(people, "indramayu", name="Siti Rohmah")
    risky = make_person(people, full_name="Yohana Tefa")
    PersonRisk.objects.create(
        person=risky, present=0b1100001000, score=23, level=RiskLevel.HIGH, level_since=timezone.now()
    )
    client.force_login(people.kupang_supervisor)

    with django_assert_max_num_queries(24):
        page = client.get(reverse("livelihoods:worklist"))

    text = page.content.decode()
    assert late.person.full_name in text
    assert other.person.full_name not in text
    assert "Yohana Tefa" in text
    assert "Didekati perekrut / calo" in text


def test_a_case_worker_sees_the_visits_of_their_own_people_only(client: Any, people: People) -> None:
    mine = visit_for(people, name="Maria Nenobais")
    someone_elses = visit_for(people, name="Yuliana Seran")
    case = someone_elses.person.cases.get()
    case.case_worker = people.kupang_supervisor
    case.save()
    client.force_login(people.kupang_case_worker)

    sections = {section.key: section for section in client.get(reverse("livelihoods:worklist")).context["sections"]}

    assert [item.title for item in sections["overdue_visits"].items] == [mine.person.full_name]


def test_a_non_procedural_departure_recorded_on_the_page_raises_an_alert(client: Any, people: People) -> None:
    person = make_case(people).person
    client.force_login(people.kupang_case_worker)

    response = client.post(
        reverse("livelihoods:remigration_add", args=[person.pk]),
        {"departed_on": timezone.localdate().isoformat(), "country": "MY", "route": "non_procedural"},
    )

    assert response.status_code == 302
    assert Alert.objects.filter(person=person, kind=AlertKind.NON_PROCEDURAL_DEPARTURE).exists()


def test_an_indramayu_user_gets_404_on_a_kupang_persons_follow_up_tab(client: Any, people: People) -> None:
    person = make_case(people).person
    client.force_login(people.indramayu_case_worker)

    assert client.get(reverse("livelihoods:person_follow_up", args=[person.pk])).status_code == 404
    assert client.get(reverse("livelihoods:remigration_add", args=[person.pk])).status_code == 404


def test_a_business_is_recorded_joined_and_closed_with_a_reason(client: Any, people: People) -> None:
    owner, member = make_person(people), make_person(people)
    client.force_login(people.kupang_case_worker)

    client.post(
        reverse("livelihoods:enterprise_add", args=[owner.pk]),
        {"name": "KUBE Kue Tarus", "form": "group", "kind": "cakes", "started_on": "2024-03-01"},
    )
    enterprise = Enterprise.objects.get(name="KUBE Kue Tarus")
    client.post(
        reverse("livelihoods:enterprise_join", args=[member.pk]), {"enterprise": enterprise.pk, "role": "member"}
    )
    no_reason = client.post(
        reverse("livelihoods:enterprise_status", args=[enterprise.pk]),
        {"status": "closed", "on": timezone.localdate().isoformat()},
    )
    closed = client.post(
        reverse("livelihoods:enterprise_status", args=[enterprise.pk]),
        {"status": "closed", "on": timezone.localdate().isoformat(), "reason": "Modal habis"},
    )

    assert set(enterprise.members.values_list("person", flat=True)) == {owner.pk, member.pk}
    assert no_reason.status_code == 200
    assert closed.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.status_reason) == ("closed", "Modal habis")


def test_an_administrator_changes_a_weight_and_everyone_is_rescored(
    client: Any, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_person(people)
    PersonRisk.objects.create(
        person=person, present=(1 << 3) | (1 << 8), score=17, level=RiskLevel.MEDIUM, level_since=timezone.now()
    )
    client.force_login(people.national_admin)
    page = client.get(reverse("livelihoods:risk_weights"))
    data = {
        name: field.value()
        for name, field in ((name, page.context["form"][name]) for name in page.context["form"].fields)
    }

    too_heavy = client.post(reverse("livelihoods:risk_weights"), {**data, "weight_debt_trap": 12})
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(reverse("livelihoods:risk_weights"), {**data, "weight_debt_trap": 10})

    assert too_heavy.status_code == 200
    assert "weight_debt_trap" in too_heavy.context["form"].errors
    assert saved.status_code == 302
    current = PersonRisk.objects.get(person=person)
    assert (current.score, current.level) == (19, RiskLevel.HIGH)
    assert RescoreRun.objects.get().state == "done"
    history = client.get(reverse("livelihoods:risk_weights"))
    assert "100%" in history.content.decode()


def test_only_a_national_administrator_changes_the_weights(client: Any, people: People) -> None:
    client.force_login(people.national_analyst)
    assert client.get(reverse("livelihoods:risk_weights")).status_code == 403

    for reader in (people.kupang_case_worker, people.kupang_admin):
        client.force_login(reader)
        page = client.get(reverse("livelihoods:risk_weights"))
        refused = client.post(
            reverse("livelihoods:risk_weights"), {"medium_from": 5, "high_from": 9, "high_visit_days": 7}
        )
        assert (page.status_code, page.context["may_change"], refused.status_code) == (200, False, 403)
        assert "Jeratan utang adalah sarana utama" in page.content.decode()


def test_a_business_outside_the_jurisdiction_cannot_be_changed_through_the_service(people: People) -> None:
    from bangkit.core.exceptions import OutOfJurisdiction

    enterprise = enterprise_for(people)

    with pytest.raises(OutOfJurisdiction):
        services.enterprise_status_change(
            actor=people.indramayu_case_worker, enterprise=enterprise, status="closed", reason="Tutup"
        )


def test_a_member_who_moved_away_is_not_named_on_the_business_page(client: Any, people: People) -> None:
    enterprise = enterprise_for(people)
    moved = make_person(people, "indramayu", full_name="Siti Rohmah")
    EnterpriseMember.objects.create(enterprise=enterprise, person=moved, role="member")
    client.force_login(people.kupang_case_worker)

    page = client.get(reverse("livelihoods:enterprise_detail", args=[enterprise.pk])).content.decode()

    assert "Siti Rohmah" not in page
