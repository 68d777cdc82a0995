"""Migration history: stays abroad with consistent dates, countries named in Indonesian, debarkation points
suggested, and nothing outside the jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.core.exceptions import ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import MigrationStay, Person
from bangkit.registry.selectors.details import country_choices, country_name
from bangkit.registry.services.migration import (
    migration_stay_create,
    migration_stay_delete,
    migration_stay_update,
    stays_as_text,
)
from bangkit.registry.testing import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}
WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def make_stay(people: People, place: str = "kupang", person: Person | None = None, **fields: Any) -> MigrationStay:
    person = person or make_person(people, place)
    values: dict[str, Any] = {
        "country": "MY",
        "city": "Kota Kinabalu",
        "work_sector": "plantation",
        "departed_on": date(2016, 3, 1),
        "returned_on": date(2019, 8, 20),
        "return_mode": "deported",
        "debarkation_point": "Nunukan",
    }
    values.update(fields)
    return migration_stay_create(actor=getattr(people, WORKERS[place]), person=person, **values)


class TestMigrationStayAccess(ScopedModelTests):
    model = MigrationStay
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"
    detail_url = "registry:migrationstay_detail"
    edit_url = "registry:migrationstay_edit"
    delete_url = "registry:migrationstay_delete"
    api_list_url = "migrationstay-list"
    api_detail_url = "migrationstay-detail"
    api_writes = {"put", "patch", "delete"}

    def make(self, people: Any, place: str) -> MigrationStay:
        return make_stay(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"city": "Tawau"}


def test_it_records_a_stay_abroad(people: People) -> None:
    stay = make_stay(people, documents_held=["passport", "visit_visa"], departure_route="non_procedural")
    stay.refresh_from_db()
    assert stay.country.code == "MY"
    assert stay.documents_held == ["passport", "visit_visa"]
    assert stay.debarkation_point == "Nunukan"


def test_it_spells_a_known_debarkation_point_as_suggested(people: People) -> None:
    assert make_stay(people, debarkation_point="  tanjung   pinang ").debarkation_point == "Tanjung Pinang"
    assert make_stay(people, debarkation_point="Pelabuhan Tenau").debarkation_point == "Pelabuhan Tenau"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"returned_on": date(2015, 1, 1)}, "returned_on", "sebelum tanggal berangkat"),
        ({"departed_on": "tomorrow", "returned_on": None}, "departed_on", "masa depan"),
        ({"departed_on": date(1980, 1, 1)}, "departed_on", "sebelum tanggal lahir"),
        ({"country": "ID"}, "country", "selain Indonesia"),
        ({"country": ""}, "country", "negara"),
        ({"documents_held": ["none", "passport"]}, "documents_held", "Tanpa dokumen"),
    ],
)
def test_it_refuses_dates_and_values_that_cannot_be(
    people: People, fields: dict[str, Any], field: str, words: str
) -> None:
    if fields.get("departed_on") == "tomorrow":
        fields["departed_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        make_stay(people, **fields)
    assert refused.value.field == field
    assert words in refused.value.message
    assert not MigrationStay.objects.exists()


def test_it_refuses_a_stay_overlapping_another(people: People) -> None:
    first = make_stay(people)
    with pytest.raises(ServiceError) as refused:
        make_stay(people, person=first.person, country="SA", departed_on=date(2018, 1, 1), returned_on=date(2020, 1, 1))
    assert refused.value.field == "departed_on"
    assert "Malaysia" in refused.value.message
    later = make_stay(people, person=first.person, country="SA", departed_on=date(2019, 8, 20), returned_on=None)
    assert stays_as_text([later, first]) == "Arab Saudi 2019; Malaysia 2016–2019"


def test_it_corrects_and_deletes_a_stay_keeping_the_history(people: People) -> None:
    stay = make_stay(people)
    stay = migration_stay_update(actor=people.kupang_case_worker, stay=stay, city="Tawau", returned_on=date(2019, 9, 1))
    assert (stay.city, stay.returned_on, stay.country.code) == ("Tawau", date(2019, 9, 1), "MY")
    with pytest.raises(ServiceError):
        migration_stay_update(actor=people.kupang_case_worker, stay=stay, returned_on=date(2010, 1, 1))
    pk = stay.pk
    migration_stay_delete(actor=people.kupang_case_worker, stay=stay)
    assert not MigrationStay.objects.filter(pk=pk).exists()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).exists()


def test_it_names_countries_in_indonesian() -> None:
    assert country_name("SA") == "Arab Saudi"
    assert country_name("HK") == "Hong Kong"
    codes = [code for code, _name in country_choices()]
    assert codes[:3] == ["MY", "SA", "HK"]
    assert "ID" not in codes


def test_it_adds_a_stay_from_the_person_page(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:migrationstay_add", args=[person.pk])
    form = client.get(url).content.decode()
    assert "Arab Saudi" in form
    assert '<datalist id="id_debarkation_point_suggestions">' in form
    response = client.post(
        url,
        {
            "country": "MY",
            "work_sector": "domestic_work",
            "agency_licensed": "no",
            "departure_route": "non_procedural",
            "documents_held": ["none"],
            "departed_on": "2017-02-01",
            "returned_on": "2018-04-03",
            "return_mode": "deported",
            "debarkation_point": "Nunukan",
            "referred_by": "bp3mi",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    tab = client.get(reverse("registry:person_migration", args=[person.pk]), **HTMX).content.decode()
    assert "Malaysia" in tab
    assert "Nunukan" in tab


def test_it_shows_the_field_at_fault_and_saves_nothing(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("registry:migrationstay_add", args=[person.pk]),
        {
            "country": "MY",
            "work_sector": "unknown",
            "agency_licensed": "unknown",
            "departure_route": "unknown",
            "return_mode": "unknown",
            "referred_by": "other",
            "departed_on": "2019-01-01",
            "returned_on": "2018-01-01",
        },
    )
    assert response.status_code == 400
    assert "sebelum tanggal berangkat" in str(response.context["form"].errors["returned_on"])
    assert not MigrationStay.objects.exists()


def test_it_records_a_stay_by_api(api_client: Any, people: People) -> None:
    person = make_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    bad = api_client.post(reverse("migrationstay-list"), {"person": person.pk, "country": "XX"}, format="json")
    assert bad.status_code == 400
    assert "country" in bad.json()["errors"]
    created = api_client.post(
        reverse("migrationstay-list"),
        {"person": person.pk, "country": "sa", "work_sector": "domestic_work", "departed_on": "2014-05-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["country"] == "SA"
    assert body["country_name"] == "Arab Saudi"
    listed = api_client.get(reverse("migrationstay-list"), {"person": person.pk, "country": "SA"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_it_answers_404_to_indramayu_for_a_kupang_stay(client: Any, api_client: Any, people: People) -> None:
    stay = make_stay(people)
    client.force_login(people.indramayu_case_worker)
    for name, args in [
        ("registry:person_migration", [stay.person_id]),
        ("registry:migrationstay_add", [stay.person_id]),
        ("registry:migrationstay_detail", [stay.pk]),
        ("registry:migrationstay_edit", [stay.pk]),
        ("registry:migrationstay_delete", [stay.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    api_client.force_authenticate(people.indramayu_case_worker)
    assert api_client.delete(reverse("migrationstay-detail", args=[stay.pk])).status_code == 404
    assert MigrationStay.objects.filter(pk=stay.pk).exists()


def test_it_lists_the_stays_with_a_fixed_number_of_queries(client: Any, people: People) -> None:
    person = make_person(people, birth_date=date(1980, 1, 1))
    make_stay(people, person=person)
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:person_migration", args=[person.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url, **HTMX)
    for year in (2005, 2008, 2011):
        make_stay(people, person=person, departed_on=date(year, 1, 1), returned_on=date(year + 2, 1, 1))
    with CaptureQueriesContext(connection) as several:
        client.get(url, **HTMX)
    assert len(one) == len(several)


def test_it_adds_nothing_to_a_record_merged_into_another(client: Any, people: People) -> None:
    survivor = make_person(people)
    merged = make_person(people)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    merged.refresh_from_db()
    with pytest.raises(ServiceError, match="digabung"):
        make_stay(people, person=merged)
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("registry:person_migration", args=[merged.pk]), **HTMX).content.decode()
    assert reverse("registry:migrationstay_add", args=[merged.pk]) not in tab
