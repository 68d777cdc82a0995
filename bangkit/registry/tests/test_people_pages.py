from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.urls import reverse

from bangkit.registry.models import Person, Phone
from bangkit.registry.testing import make_person

NIK = "5301084107900001"  # a woman born 1 July 1990, first registered in Kupang Tengah


def register(client: Any, people: Any, **overrides: Any) -> Any:
    data = {
        "full_name": "Maria Goreti Bria",
        "sex": "F",
        "birth_date": "1990-07-01",
        "nik": NIK,
        "region": "53.01.08.1007",
        "marital_status": "married",
        "education": "sd",
        **overrides,
    }
    client.force_login(people.kupang_case_worker)
    return client.post(reverse("registry:person_add"), data)


def test_it_registers_a_returnee_with_a_valid_nik(client: Any, people: Any) -> None:
    response = register(client, people)
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.organisation == people.orgs.kupang_lks
    assert Person.objects.filter_exact(nik="5301 0841 0790 0001").get() == person
    page = client.get(person.get_absolute_url())
    assert NIK in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).exists()


def test_it_refuses_an_invalid_nik_and_saves_nothing(client: Any, people: Any) -> None:
    response = register(client, people, nik="5301084107900000")
    assert "0000" in str(response.context["form"].errors["nik"])
    assert not Person.objects.exists()


def test_it_takes_the_nik_and_family_card_typed_in_groups_and_refuses_a_short_family_card(
    client: Any, people: Any
) -> None:
    refused = register(client, people, kk_number="5301 0812 3456")
    assert "16 angka" in str(refused.context["form"].errors["kk_number"])
    assert not Person.objects.exists()
    assert register(client, people, nik="5301 0841 0790 0001", kk_number="5301.0812.3456.0001").status_code == 302
    person = Person.objects.get()
    assert (person.nik, person.kk_number) == (NIK, "5301081234560001")


def test_it_asks_to_confirm_a_nik_that_contradicts_the_sex(client: Any, people: Any) -> None:
    response = register(client, people, sex="M")
    assert "Jenis kelamin tidak cocok" in str(response.context["form"].errors["nik"])
    assert not Person.objects.exists()
    register(client, people, sex="M", nik_conflict_confirmed="on")
    assert Person.objects.get().nik_conflict_confirmed


def test_it_refuses_a_second_person_with_the_same_nik_naming_nobody(client: Any, people: Any) -> None:
    make_person(people, "indramayu", nik=NIK, full_name="Casmirah")
    response = register(client, people)
    errors = str(response.context["form"].errors["nik"])
    assert "sudah terdaftar" in errors
    assert "Casmirah" not in response.content.decode()
    assert Person.objects.count() == 1


def test_it_stores_an_estimated_age_as_an_estimated_birth_date(client: Any, people: Any) -> None:
    register(client, people, birth_date="", nik="", estimated_age="30")
    person = Person.objects.get()
    assert person.birth_date_estimated
    assert person.birth_date is not None
    assert person.birth_date.month == 7


def test_it_answers_404_to_another_jurisdiction(client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    client.force_login(people.indramayu_case_worker)
    for name in ("registry:person_detail", "registry:person_edit", "registry:person_phones"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404
    assert person.full_name not in client.get(reverse("registry:person_list")).content.decode()


def test_it_masks_the_nik_for_a_programme_officer_and_logs_nothing(client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    client.force_login(people.kupang_program_officer)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.nik not in page
    assert person.masked_nik in page
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_refuses_the_people_pages_to_an_analyst(client: Any, people: Any) -> None:
    client.force_login(people.national_analyst)
    assert client.get(reverse("registry:person_list")).status_code == 403


def test_it_finds_a_person_by_nik_without_putting_it_in_a_url(client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    make_person(people, "kupang")
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("registry:person_list"), {"nik": person.nik})
    assert [row.pk for row in response.context["rows"]] == [person.pk]
    assert person.nik not in response.content.decode().split("<table")[0].split("action=")[-1]
    client.force_login(people.indramayu_case_worker)
    assert client.post(reverse("registry:person_list"), {"nik": person.nik}).context["rows"] == []


def test_it_pages_the_list_by_keyset(client: Any, people: Any) -> None:
    made = [make_person(people, "kupang", full_name=f"Orang {index}") for index in range(55)]
    client.force_login(people.kupang_case_worker)
    first = client.get(reverse("registry:person_list"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("registry:person_list"), {"after": first.context["next_cursor"]})
    assert [row.pk for row in second.context["rows"]] == [person.pk for person in reversed(made[:5])]
    filtered = client.get(reverse("registry:person_list"), {"name": "orang 5"})
    assert {row.full_name for row in filtered.context["rows"]} == {
        "Orang 5",
        "Orang 50",
        "Orang 51",
        "Orang 52",
        "Orang 53",
        "Orang 54",
    }


def test_it_adds_and_masks_phones(client: Any, people: Any) -> None:
    person = make_person(people, "kupang")
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:person_phones", args=[person.pk])
    client.post(url, {"number": "0812-3456-7890", "label": "own"})
    assert Phone.objects.filter_exact(number="+62 812 3456 7890").get().person == person
    client.force_login(people.kupang_program_officer)
    assert client.get(url).status_code == 403


def test_it_scores_bank_accounts_again_when_the_name_is_corrected(people: Any) -> None:
    from bangkit.registry.models import BankAccount
    from bangkit.registry.services.people import person_update

    person = make_person(people, "kupang", full_name="Maria Bria")
    account = BankAccount.objects.create(
        person=person, bank_id="130", account_number="1234567890", holder_name="Yohanes Nahak", name_match_score=90
    )
    person.full_name = "Maria Goreti Bria"
    person_update(actor=people.kupang_case_worker, person=person)
    account.refresh_from_db()
    assert account.name_mismatch
