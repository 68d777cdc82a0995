"""Finding a case by its number or its person's name from the case list's search box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bangkit.cases.testing import make_case
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db


def _found(client, user, query: str) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("cases:case_list"), {"q": query})
    assert response.status_code == 200
    return [case.number for case in response.context["object_list"]]


def test_it_finds_a_case_by_the_start_of_each_word_of_the_name_in_any_order(client, people):
    maria = make_case(people, person=make_person(people, full_name="Maria Goreti Bria"))
    make_case(people, person=make_person(people, full_name="Yohanes Nahak", sex="M"))

    assert _found(client, people.kupang_case_worker, "bria mar") == [maria.number]
    assert _found(client, people.kupang_case_worker, "aria") == []


def test_it_finds_a_case_by_part_of_its_number(client, people):
    case = make_case(people)
    make_case(people)

    assert _found(client, people.kupang_case_worker, case.number[-6:]) == [case.number]


def test_a_name_search_stays_inside_the_users_jurisdiction(client, people):
    make_case(people, "indramayu", person=make_person(people, "indramayu", full_name="Maria Goreti Bria"))

    assert _found(client, people.kupang_case_worker, "maria") == []
