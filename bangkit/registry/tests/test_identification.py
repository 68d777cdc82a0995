"""Trafficking identification: the UU 21/2007 checklists, their CTDC translation (derived, adjustable), the outcome's
rules, the encrypted account read only by those who may, and nothing outside the jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.roles import ROLE_PERMISSIONS, Role, role_has_permission
from bangkit.accounts.testing import People
from bangkit.core.exceptions import ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import Person, TraffickingIdentification
from bangkit.registry.services.identification import (
    derive_ctdc,
    identification_create,
    identification_update,
    legal_elements,
)
from bangkit.registry.services.migration import migration_stay_create
from bangkit.registry.testing import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}
WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}
STORY = "Dijanjikan kerja di restoran, paspor ditahan majikan, gaji tidak dibayar dua tahun."


def make_identification(
    people: People, place: str = "kupang", person: Person | None = None, **fields: Any
) -> TraffickingIdentification:
    person = person or make_person(people, place)
    values: dict[str, Any] = {
        "outcome": "possible",
        "acts": ["recruitment", "transport"],
        "means": ["fraud", "debt_bondage"],
        "purposes": ["forced_labour"],
        "account": STORY,
    }
    values.update(fields)
    return identification_create(actor=getattr(people, WORKERS[place]), person=person, **values)


class TestIdentificationAccess(ScopedModelTests):
    model = TraffickingIdentification
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"
    detail_url = "registry:identification_detail"
    edit_url = "registry:identification_edit"
    api_list_url = "traffickingidentification-list"
    api_detail_url = "traffickingidentification-detail"
    api_writes = {"put", "patch"}

    def make(self, people: Any, place: str) -> TraffickingIdentification:
        return make_identification(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"outcome": "not_trafficking"}


# --- CTDC ---------------------------------------------------------------------------------------------------


def test_it_fills_the_ctdc_codes_from_the_checklists_and_the_latest_work_abroad(people: People) -> None:
    person = make_person(people)
    worker = people.kupang_case_worker
    migration_stay_create(
        actor=worker,
        person=person,
        country="MY",
        work_sector="plantation",
        departed_on=date(2012, 1, 1),
        returned_on=date(2014, 1, 1),
    )
    migration_stay_create(
        actor=worker,
        person=person,
        country="SA",
        work_sector="domestic_work",
        departed_on=date(2016, 1, 1),
        returned_on=date(2019, 1, 1),
    )
    identification = make_identification(people, person=person, means=["violence", "fraud"])
    assert identification.means_of_control == [
        "meansOfControlFalsePromises",
        "meansOfControlPhysicalAbuse",
        "meansOfControlThreats",
    ]
    assert identification.types_of_exploitation == ["isForcedLabour"]
    assert identification.types_of_labour == ["typeOfLabourDomesticWork"]


def test_it_keeps_codes_adjusted_by_hand_and_derives_the_others_again(people: People) -> None:
    identification = make_identification(people, means_of_control=["meansOfControlWithholdsDocuments"])
    assert identification.means_of_control == ["meansOfControlWithholdsDocuments"]
    changed = identification_update(
        actor=people.kupang_case_worker, identification=identification, purposes=["sexual_exploitation"]
    )
    assert changed.means_of_control == ["meansOfControlWithholdsDocuments"]
    assert changed.types_of_exploitation == ["isSexualExploit"]
    again = identification_update(actor=people.kupang_case_worker, identification=changed, ctdc_auto=True)
    assert again.means_of_control == ["meansOfControlDebtBondage", "meansOfControlFalsePromises"]


def test_it_derives_nothing_from_empty_checklists() -> None:
    derived = derive_ctdc(means=[], purposes=[], person=None)
    assert (derived.means_of_control, derived.types_of_exploitation, derived.types_of_labour) == ([], [], [])


# --- Outcome and legal elements -----------------------------------------------------------------------------


def test_it_tells_whether_the_three_legal_elements_are_met(client: Any, people: People) -> None:
    full = make_identification(people)
    assert legal_elements(full).all_met
    partial = make_identification(people, person=full.person, means=[], outcome="not_trafficking")
    elements = legal_elements(partial)
    assert (elements.act, elements.means, elements.purpose, elements.all_met) == (True, False, True, False)
    client.force_login(people.kupang_case_worker)
    tab = client.get(reverse("registry:person_identifications", args=[full.person_id]), **HTMX).content.decode()
    assert "Tiga unsur terpenuhi" in tab
    assert "Unsur belum lengkap" in tab


def test_it_needs_who_confirmed_and_when(people: People) -> None:
    with pytest.raises(ServiceError) as refused:
        make_identification(people, outcome="confirmed")
    assert refused.value.field == "confirmed_by"
    with pytest.raises(ServiceError) as refused:
        make_identification(people, outcome="confirmed", confirmed_by=people.orgs.kupang_dinsos)
    assert refused.value.field == "confirmed_on"
    assert not TraffickingIdentification.objects.exists()
    confirmed = make_identification(
        people, outcome="confirmed", confirmed_by=people.orgs.kupang_dinsos, confirmed_on=timezone.localdate()
    )
    assert confirmed.confirmed_by == people.orgs.kupang_dinsos
    possible = identification_update(actor=people.kupang_case_worker, identification=confirmed, outcome="possible")
    assert possible.confirmed_by is None
    assert possible.confirmed_on is None


def test_it_refuses_a_confirmation_on_the_form_with_the_field_at_fault(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("registry:identification_add", args=[person.pk]),
        {
            "identified_on": timezone.localdate().isoformat(),
            "organisation": people.orgs.kupang_lks.pk,
            "acts": ["recruitment"],
            "means": ["fraud"],
            "purposes": ["forced_labour"],
            "recruiter_relationship": "recruiterRelationFriend",
            "outcome": "confirmed",
            "ctdc_auto": "on",
        },
    )
    assert response.status_code == 400
    assert "organisasi" in str(response.context["form"].errors["confirmed_by"])
    assert not TraffickingIdentification.objects.exists()


def test_it_refuses_a_future_identification(people: People) -> None:
    with pytest.raises(ServiceError) as refused:
        make_identification(people, identified_on=timezone.localdate() + timedelta(days=1))
    assert refused.value.field == "identified_on"


# --- The account (the person's story) -----------------------------------------------------------------------


def test_it_keeps_the_account_encrypted(people: People) -> None:
    identification = make_identification(people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT account FROM registry_traffickingidentification WHERE id = %s", [identification.pk])
        stored = cursor.fetchone()[0]
    assert "paspor" not in stored
    assert TraffickingIdentification.objects.get(pk=identification.pk).account == STORY


def test_it_shows_the_account_to_a_case_worker_and_logs_it(client: Any, api_client: Any, people: People) -> None:
    identification = make_identification(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("registry:identification_detail", args=[identification.pk])).content.decode()
    assert "paspor ditahan" in page
    api_client.force_authenticate(people.kupang_case_worker)
    body = api_client.get(reverse("traffickingidentification-detail", args=[identification.pk])).json()
    assert body["account"] == STORY
    assert body["legal_elements"] == {"act": True, "means": True, "purpose": True, "all_met": True}
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(identification.person_id))
    assert accesses.count() == 2


@pytest.fixture
def officer_reading_identifications() -> Iterator[None]:
    """Program officers who may see identifications but not read the account: a role the table could give."""
    original = ROLE_PERMISSIONS[Role.PROGRAM_OFFICER]
    ROLE_PERMISSIONS[Role.PROGRAM_OFFICER] = (*original, "registry.view_traffickingidentification")
    role_has_permission.cache_clear()
    try:
        yield
    finally:
        ROLE_PERMISSIONS[Role.PROGRAM_OFFICER] = original
        role_has_permission.cache_clear()


def test_it_hides_the_account_from_those_who_may_not_read_it(
    client: Any, api_client: Any, people: People, officer_reading_identifications: None
) -> None:
    identification = make_identification(people)
    client.force_login(people.kupang_program_officer)
    page = client.get(reverse("registry:identification_detail", args=[identification.pk]))
    assert page.status_code == 200
    assert "paspor" not in page.content.decode()
    assert "—" in page.content.decode()
    api_client.force_authenticate(people.kupang_program_officer)
    body = api_client.get(reverse("traffickingidentification-detail", args=[identification.pk])).json()
    assert "account" not in body
    listed = api_client.get(reverse("traffickingidentification-list")).json()
    assert all("account" not in row for row in listed["results"])
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_does_not_let_anyone_overwrite_an_account_they_cannot_read(people: People) -> None:
    identification = make_identification(people)
    before = ROLE_PERMISSIONS[Role.CASE_WORKER]
    ROLE_PERMISSIONS[Role.CASE_WORKER] = tuple(p for p in before if p != "registry.read_trafficking_account")
    role_has_permission.cache_clear()
    try:
        worker = type(people.kupang_case_worker).objects.get(pk=people.kupang_case_worker.pk)
        with pytest.raises(ServiceError) as refused:
            identification_update(actor=worker, identification=identification, account="Lain")
        assert refused.value.field == "account"
        identification_update(actor=worker, identification=identification, outcome="not_trafficking")
    finally:
        ROLE_PERMISSIONS[Role.CASE_WORKER] = before
        role_has_permission.cache_clear()
    identification.refresh_from_db()
    assert identification.account == STORY
    assert identification.outcome == "not_trafficking"


# --- Pages, API, jurisdiction -------------------------------------------------------------------------------


def test_it_records_an_identification_from_the_person_page(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:identification_add", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "identified_on": timezone.localdate().isoformat(),
            "organisation": people.orgs.kupang_lks.pk,
            "acts": ["recruitment", "sending"],
            "means": ["fraud"],
            "purposes": ["forced_labour"],
            "recruiter_relationship": "recruiterRelationFriend",
            "outcome": "possible",
            "account": STORY,
            "ctdc_auto": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    identification = TraffickingIdentification.objects.get()
    assert identification.means_of_control == ["meansOfControlFalsePromises"]
    assert identification.recorded_by == people.kupang_case_worker
    edit = client.get(reverse("registry:identification_edit", args=[identification.pk]))
    assert edit.context["form"].initial["ctdc_auto"] is True


def test_it_records_an_identification_by_api(api_client: Any, people: People) -> None:
    person = make_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("traffickingidentification-list")
    bad = api_client.post(url, {"person": person.pk, "outcome": "confirmed"}, format="json")
    assert bad.status_code == 400
    assert "confirmed_by" in bad.json()["errors"]
    created = api_client.post(
        url,
        {"person": person.pk, "outcome": "possible", "acts": ["receipt"], "means": ["confinement"], "purposes": []},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organisation"] == people.orgs.kupang_lks.pk
    assert body["means_of_control"] == ["meansOfControlRestrictsMovement"]
    assert body["legal_elements"]["all_met"] is False


def test_it_answers_404_to_indramayu_for_a_kupang_identification(client: Any, api_client: Any, people: People) -> None:
    identification = make_identification(people)
    client.force_login(people.indramayu_case_worker)
    for name, args in [
        ("registry:person_identifications", [identification.person_id]),
        ("registry:identification_add", [identification.person_id]),
        ("registry:identification_detail", [identification.pk]),
        ("registry:identification_edit", [identification.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    api_client.force_authenticate(people.indramayu_case_worker)
    url = reverse("traffickingidentification-detail", args=[identification.pk])
    assert api_client.get(url).status_code == 404
    assert api_client.patch(url, {"outcome": "not_trafficking"}, format="json").status_code == 404
    identification.refresh_from_db()
    assert identification.outcome == "possible"


def test_it_lists_the_identifications_with_a_fixed_number_of_queries(client: Any, people: People) -> None:
    person = make_person(people)
    make_identification(people, person=person)
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:person_identifications", args=[person.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url, **HTMX)
    for organisation in (people.orgs.kupang_dinsos, people.orgs.directorate, people.orgs.kupang_lks):
        make_identification(
            people,
            person=person,
            outcome="confirmed",
            confirmed_by=organisation,
            confirmed_on=timezone.localdate(),
            organisation=organisation,
        )
    with CaptureQueriesContext(connection) as several:
        client.get(url, **HTMX)
    assert len(one) == len(several), [query["sql"] for query in several.captured_queries]
