"""The people list's name filter: each typed word begins a word of the name, found through the name tokens that
every way of writing a person (form, service, import) keeps in step."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import People, make_user
from bangkit.audit.selectors import visible_entries
from bangkit.dataimport.tests.helpers import MARIA_NIK, confirm, csv_bytes, upload, valid_rows
from bangkit.registry.models import Person
from bangkit.registry.testing import make_person


def names(client: Any, text: str) -> set[str]:
    return {person.full_name for person in client.get(reverse("registry:person_list"), {"name": text}).context["rows"]}


def test_it_finds_people_by_the_beginning_of_any_word_of_their_name(client: Any, people: People) -> None:
    make_person(people, "kupang", full_name="Maria Goreti Bria")
    make_person(people, "kupang", full_name="Mariana Ndun")
    make_person(people, "kupang", full_name="Yohanes Nahak", sex="M")
    make_person(people, "indramayu", full_name="Maria Casmirah")
    client.force_login(people.kupang_case_worker)
    assert names(client, "bria mar") == {"Maria Goreti Bria"}
    assert names(client, "MAR") == {"Maria Goreti Bria", "Mariana Ndun"}
    assert names(client, "Ndún") == {"Mariana Ndun"}
    assert names(client, "ria") == set()
    assert names(client, "casmirah") == set()


def test_it_finds_a_person_by_their_new_name_and_place_only(client: Any, people: People) -> None:
    person = make_person(people, "kupang", full_name="Maria Goreti Bria")
    person.full_name = "Maria Goreti Nahak"
    person.save(update_fields=["full_name"])
    client.force_login(people.kupang_case_worker)
    assert names(client, "nahak") == {"Maria Goreti Nahak"}
    assert names(client, "bria") == set()

    person.region = people.regions["32.12.04.2013"]
    person.save()
    assert names(client, "nahak") == set()
    client.force_login(people.indramayu_case_worker)
    assert names(client, "nahak") == {"Maria Goreti Nahak"}


def test_the_api_filters_by_name_the_same_way(api_client: Any, people: People) -> None:
    make_person(people, "kupang", full_name="Maria Goreti Bria")
    make_person(people, "kupang", full_name="Yohanes Nahak", sex="M")
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("person-list"), {"name": "goreti"}).json()
    assert [item["full_name"] for item in body["results"]] == ["Maria Goreti Bria"]


def test_imported_people_are_found_by_name_and_their_history_by_the_regions_auditor(
    client: Any, people: People
) -> None:
    job = confirm(people.kupang_case_worker, upload(people.kupang_case_worker, csv_bytes(valid_rows())))
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    client.force_login(people.kupang_case_worker)
    assert maria.full_name in names(client, maria.full_name.split()[-1])

    kupang_auditor = make_user(
        "auditor@kupang.test.id", people.orgs.kupang_dinsos, (Role.AUDITOR, people.regions["53.01"])
    )
    seen = visible_entries(kupang_auditor).filter(cid=f"import-{job.pk}", object_id=maria.pk)
    assert seen.count() == 1
    assert (
        not visible_entries(
            make_user(
                "auditor@indramayu.test.id", people.orgs.indramayu_dinsos, (Role.AUDITOR, people.regions["32.12"])
            )
        )
        .filter(object_id=maria.pk)
        .exists()
    )
