"""Case numbers (one series per regency and year, safe under concurrency) and cases following a person merge."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from bangkit.cases.models import Case, CaseNumberCounter
from bangkit.cases.services.cases import case_open, format_case_number, next_case_number
from bangkit.cases.testing import make_case
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.registry.signals import person_merged
from bangkit.registry.testing import make_person


def test_it_numbers_cases_by_category_regency_and_year(people: Any) -> None:
    year = timezone.localdate().year
    first = make_case(people, "kupang")
    second = make_case(people, "kupang", category="pmi_b")
    elsewhere = make_case(people, "indramayu")
    assert first.number == f"KPO-53.01-{year}-000001"
    assert second.number == f"PMIB-53.01-{year}-000002"
    assert elsewhere.number == f"KPO-32.12-{year}-000001"


def test_it_continues_a_regencys_series_and_starts_a_new_one_each_year(people: Any) -> None:
    CaseNumberCounter.objects.create(region_id="53.01", year=2026, last_number=122)
    with transaction.atomic():
        assert next_case_number(region_code="53.01", year=2026) == 123
        assert next_case_number(region_code="53.01", year=2027) == 1
    assert format_case_number(category="kpo", region_code="53.01", year=2026, number=123) == "KPO-53.01-2026-000123"


def test_it_spends_no_number_on_a_refused_case(people: Any) -> None:
    person = make_person(people, "kupang")
    with pytest.raises(ServiceError):
        case_open(
            actor=people.kupang_case_worker,
            person=person,
            category="kpo",
            referral_source="bp3mi",
            opened_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
        )
    assert make_case(people, "kupang").number.endswith("-000001")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_it_gives_concurrent_openings_distinct_consecutive_numbers() -> None:
    from bangkit.accounts.testing import create_people

    people = create_people()
    persons = [make_person(people, "kupang") for _ in range(8)]
    barrier = threading.Barrier(len(persons))
    errors: list[BaseException] = []

    def open_case(person: Any) -> None:
        try:
            barrier.wait()
            case_open(actor=people.kupang_case_worker, person=person, category="kpo", referral_source="self")
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_case, args=(person,)) for person in persons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    suffixes = sorted(int(number[-6:]) for number in Case.objects.values_list("number", flat=True))
    assert suffixes == list(range(1, len(persons) + 1))


def test_it_opens_a_case_in_the_persons_home_regency_only_inside_the_jurisdiction(people: Any) -> None:
    person = make_person(people, "indramayu")
    with pytest.raises(OutOfJurisdiction):
        case_open(actor=people.kupang_case_worker, person=person, category="kpo", referral_source="self")
    assert not Case.objects.exists()


def test_it_refuses_a_case_worker_from_another_regency(client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("cases:case_open", args=[person.pk]),
        {
            "category": "kpo",
            "referral_source": "self",
            "priority": "normal",
            "organisation": people.orgs.kupang_lks.pk,
            "case_worker": people.indramayu_case_worker.pk,
            "opened_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["case_worker"]
    assert not Case.objects.exists()


def test_it_moves_the_duplicates_cases_to_the_survivor_on_merge(client: Any, people: Any) -> None:
    survivor = make_person(people, "kupang")
    duplicate = make_person(people, "kupang", full_name="Maria G. Bria")
    moved = make_case(people, person=duplicate)
    kept = make_case(people, person=survivor)
    with transaction.atomic():
        person_merged.send(
            sender=type(survivor), survivor=survivor, duplicate=duplicate, actor=people.kupang_supervisor
        )
    moved.refresh_from_db()
    assert moved.person == survivor
    assert moved.number.endswith("-000001")  # the number stays
    event = moved.events.get(kind="merged")
    assert event.actor == people.kupang_supervisor
    assert "Maria" not in event.summary
    assert not kept.events.filter(kind="merged").exists()
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("cases:person_cases", args=[survivor.pk]), HTTP_HX_REQUEST="true")
    assert {case.pk for case in tab.context["cases"]} == {moved.pk, kept.pk}
