from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry

from bangkit.registry.models import Person
from bangkit.registry.testing import make_person

NIK = "5301084107900001"
BODY = {"full_name": "Maria Goreti Bria", "sex": "F", "birth_date": "1990-07-01", "nik": NIK, "region": "53.01.08.1007"}


def test_it_registers_a_person_through_the_api(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post("/api/v1/people/", BODY, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["nik"] == NIK
    assert Person.objects.filter_exact(nik=NIK).get().organisation == people.orgs.kupang_lks


def test_it_refuses_a_second_person_with_the_same_nik_naming_nobody(api_client: Any, people: Any) -> None:
    make_person(people, "indramayu", nik=NIK, full_name="Casmirah")
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post("/api/v1/people/", BODY, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["nik"] == ["NIK ini sudah terdaftar untuk orang lain."]
    assert "Casmirah" not in response.content.decode()


def test_it_refuses_a_person_outside_the_jurisdiction(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.indramayu_case_worker)
    response = api_client.post("/api/v1/people/", BODY, format="json")
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
    assert not Person.objects.exists()


def test_it_answers_404_for_a_person_of_another_jurisdiction(api_client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    api_client.force_authenticate(people.indramayu_case_worker)
    assert api_client.get(f"/api/v1/people/{person.pk}/").status_code == 404
    assert api_client.patch(f"/api/v1/people/{person.pk}/", {"street": "x"}, format="json").status_code == 404
    assert api_client.post("/api/v1/people/search/", {"nik": person.nik}, format="json").json() == []


def test_it_masks_identifiers_for_a_programme_officer(api_client: Any, people: Any) -> None:
    person = make_person(people, "kupang", kk_number="5301081234560001")
    api_client.force_authenticate(people.kupang_program_officer)
    data = api_client.get(f"/api/v1/people/{person.pk}/").json()
    assert data["nik"] == person.masked_nik
    assert data["kk_number"] == "****"
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    api_client.force_authenticate(people.national_auditor)
    assert api_client.get(f"/api/v1/people/{person.pk}/").json()["nik"] == person.nik
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).count() == 1


def test_it_searches_by_nik_in_the_body_and_pages_by_cursor(api_client: Any, people: Any) -> None:
    made = [make_person(people, "kupang") for _ in range(3)]
    api_client.force_authenticate(people.kupang_program_officer)
    found = api_client.post("/api/v1/people/search/", {"nik": made[1].nik}, format="json").json()
    assert [row["id"] for row in found] == [made[1].pk]
    page = api_client.get("/api/v1/people/").json()
    assert [row["id"] for row in page["results"]] == [person.pk for person in reversed(made)]


def test_it_refuses_people_to_an_analyst(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.national_analyst)
    assert api_client.get("/api/v1/people/").status_code == 403
