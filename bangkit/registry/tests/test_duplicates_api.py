"""The duplicate review over the API, and the candidates of one person."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from bangkit.accounts.testing import People
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.models import DuplicatePair, Person, Phone
from bangkit.registry.services.duplicates import record_duplicate_candidates
from bangkit.registry.testing import make_person

BORN = date(1988, 3, 2)


def make_pair(people: People, place: str = "kupang") -> DuplicatePair:
    first = make_person(people, place, full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    other = make_person(people, place, full_name="Johanes Nahak", sex="M", birth_date=BORN)
    [pair] = [pair for pair in record_duplicate_candidates(person=other) if pair.first == first]
    return pair


def test_it_lists_pairs_with_reasons_and_masked_identifiers(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    api_client.force_authenticate(people.kupang_supervisor)
    body = api_client.get(reverse("duplicatepair-list")).json()
    [item] = body["results"]
    assert item["id"] == pair.pk
    assert item["status"] == "open"
    assert item["first"]["full_name"] == "Yohanes Nahak"
    assert item["first"]["masked_nik"] == pair.first.masked_nik
    assert pair.first.nik not in str(body)
    assert {"code": "name_birth", "text": "Nama mirip (92%) dan tanggal lahir sama"} in item["reasons"]
    assert item["conflicts"] == ["full_name", "nik"]


def test_it_merges_through_the_api(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    api_client.force_authenticate(people.kupang_supervisor)
    url = reverse("duplicatepair-merge", args=[pair.pk])
    response = api_client.post(url, {"survivor": pair.first_id, "values_from_duplicate": ["full_name"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["survivor"] == pair.first_id
    assert body["pair"]["status"] == "merged"
    assert Person.objects.get(pk=pair.first_id).full_name == "Johanes Nahak"
    again = api_client.post(url, {"survivor": pair.first_id}, format="json")
    assert again.status_code == 400
    assert "sudah diputuskan" in again.json()["message"]


def test_it_answers_bad_merge_input_field_by_field(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    stranger = make_person(people, "kupang", full_name="Agustina Bria")
    api_client.force_authenticate(people.kupang_supervisor)
    url = reverse("duplicatepair-merge", args=[pair.pk])
    response = api_client.post(url, {"survivor": stranger.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"survivor"}
    response = api_client.post(url, {"survivor": pair.first_id, "values_from_duplicate": ["nik_index"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"values_from_duplicate"}
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_it_marks_distinct_through_the_api(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    api_client.force_authenticate(people.kupang_supervisor)
    response = api_client.post(reverse("duplicatepair-distinct", args=[pair.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "distinct"
    assert api_client.get(reverse("duplicatepair-list")).json()["results"] == []
    listed = api_client.get(reverse("duplicatepair-list"), {"status": "distinct"}).json()["results"]
    assert [item["id"] for item in listed] == [pair.pk]


def test_it_refuses_the_case_worker_and_hides_kupang_pairs_from_indramayu(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    api_client.force_authenticate(people.kupang_case_worker)
    assert api_client.get(reverse("duplicatepair-list")).status_code == 403
    merge = reverse("duplicatepair-merge", args=[pair.pk])
    assert api_client.post(merge, {"survivor": pair.first_id}, format="json").status_code == 403
    api_client.force_authenticate(people.indramayu_supervisor)
    assert api_client.get(reverse("duplicatepair-detail", args=[pair.pk])).status_code == 404
    assert api_client.post(merge, {"survivor": pair.first_id}, format="json").status_code == 404
    assert api_client.post(reverse("duplicatepair-distinct", args=[pair.pk])).status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def candidates_url(person: Person) -> str:
    return reverse("person-duplicate-candidates-list", kwargs={"person_pk": person.pk})


def test_it_names_candidates_inside_the_jurisdiction(api_client: Any, people: People) -> None:
    pair = make_pair(people)
    api_client.force_authenticate(people.kupang_supervisor)
    body = api_client.get(candidates_url(pair.second)).json()
    [candidate] = body["candidates"]
    assert candidate["person"]["id"] == pair.first_id
    assert candidate["person"]["full_name"] == "Yohanes Nahak"
    assert candidate["pair"] == pair.pk
    assert body["outside_jurisdiction"] == 0
    api_client.force_authenticate(people.kupang_case_worker)  # sees the candidate, does not resolve the pair
    [candidate] = api_client.get(candidates_url(pair.second)).json()["candidates"]
    assert candidate["pair"] is None


def test_it_only_counts_candidates_outside_the_jurisdiction(api_client: Any, people: People) -> None:
    kupang = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=BORN)
    indramayu = make_person(people, "indramayu", full_name="Maria Goreti Bria", birth_date=BORN)
    Phone.objects.create(person=indramayu, number="081211112222")
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.get(candidates_url(kupang))
    body = response.json()
    assert body["candidates"] == []
    assert body["outside_jurisdiction"] == 1
    assert body["message"] == "Ada kemungkinan duplikat di luar yurisdiksi Anda."
    text = response.content.decode()
    assert str(indramayu.pk) not in text.replace(f'"outside_jurisdiction":{1}', "")
    assert "081211112222" not in text


def test_it_answers_404_for_candidates_of_a_person_out_of_reach(api_client: Any, people: People) -> None:
    kupang = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=BORN)
    api_client.force_authenticate(people.indramayu_case_worker)
    assert api_client.get(candidates_url(kupang)).status_code == 404
    api_client.force_authenticate(people.national_analyst)  # never sees names
    assert api_client.get(candidates_url(kupang)).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(candidates_url(kupang)).status_code == 401
