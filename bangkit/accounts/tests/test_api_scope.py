"""The organisation API checks the jurisdiction before anything else about the record, so that its answers reveal
nothing about organisations outside it; a region code it cannot read is a field error; a grant over all Indonesia
has no region."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.validators import UniqueTogetherValidator, UniqueValidator

from bangkit.accounts.api.serializers import ApiTokenSerializer, GrantSerializer, OrganisationSerializer, UserSerializer
from bangkit.accounts.models import Organisation

OUTSIDE = {"region": ["Wilayah ini di luar yurisdiksi Anda."]}
UNIQUE_VALIDATORS = (UniqueValidator, UniqueTogetherValidator)
TAKEN = {"name": ["Sudah ada organisasi dengan nama ini di wilayah yang sama."]}


def test_it_answers_the_same_for_a_taken_and_a_free_name_outside_the_jurisdiction(api_client: Any, people: Any):
    api_client.force_authenticate(people.kupang_admin)
    url = reverse("organisation-list")
    taken = people.orgs.indramayu_dinsos.name

    answers = [
        api_client.post(url, {"name": name, "kind": "lks", "region": "32.12"}, format="json")
        for name in (taken, "Nama yang belum ada")
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["errors"] == OUTSIDE


def test_it_refuses_a_taken_name_inside_the_jurisdiction_on_the_name(api_client: Any, people: Any):
    api_client.force_authenticate(people.kupang_admin)
    body = {"name": people.orgs.kupang_lks.name, "kind": "lks", "region": "53.01"}

    response = api_client.post(reverse("organisation-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == TAKEN
    assert Organisation.objects.filter(name=body["name"]).count() == 1


def test_it_refuses_renaming_to_a_taken_name_on_the_name(api_client: Any, people: Any):
    api_client.force_authenticate(people.kupang_admin)
    url = reverse("organisation-detail", args=[people.orgs.kupang_dinsos.pk])

    response = api_client.patch(url, {"name": people.orgs.kupang_lks.name}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == TAKEN


def test_it_keeps_an_organisations_own_name_when_it_changes_something_else(api_client: Any, people: Any):
    api_client.force_authenticate(people.kupang_admin)
    url = reverse("organisation-detail", args=[people.orgs.kupang_lks.pk])

    response = api_client.put(
        url, {"name": people.orgs.kupang_lks.name, "kind": "lks", "region": "53.01", "address": "Jl. Timor Raya"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["address"] == "Jl. Timor Raya"


@pytest.mark.parametrize("region", ["53.01\x00", "53.01.", "5301", 53, ["53"]])
def test_it_refuses_a_malformed_region_code_with_a_field_error(region: Any, api_client: Any, people: Any):
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)

    response = api_client.post(
        reverse("organisation-list"), {"name": "LKS Nol", "kind": "lks", "region": region}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"region": ["Kode wilayah tidak valid; tulis seperti 53.01.08.1007."]}
    assert not Organisation.objects.filter(name="LKS Nol").exists()


def test_it_refuses_an_unknown_region_code_by_name(api_client: Any, people: Any):
    api_client.force_authenticate(people.national_admin)

    response = api_client.post(
        reverse("organisation-list"), {"name": "LKS Nol", "kind": "lks", "region": "99.99"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"region": ["Kode wilayah 99.99 tidak dikenal."]}


@pytest.mark.parametrize("region", ["53.01\x00", "5301"])
def test_it_refuses_a_malformed_region_filter_or_finds_nothing(region: str, api_client: Any, people: Any):
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)

    response = api_client.get(reverse("organisation-list"), {"region": region})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_it_answers_null_for_the_region_of_a_grant_over_all_indonesia(api_client: Any, people: Any):
    api_client.force_authenticate(people.national_admin)

    national = api_client.get(reverse("user-detail", args=[people.national_admin.pk])).json()
    regional = api_client.get(reverse("user-detail", args=[people.kupang_admin.pk])).json()

    assert [grant["region"] for grant in national["grants"]] == [None]
    assert [grant["region"] for grant in regional["grants"]] == ["53.01"]


@pytest.mark.parametrize(
    "serializer_class", [OrganisationSerializer, GrantSerializer, UserSerializer, ApiTokenSerializer]
)
def test_no_accounts_serializer_checks_uniqueness_before_the_service(serializer_class: Any):
    """DRF's automatic unique checks run before the services' jurisdiction checks; the services check it after."""
    serializer = serializer_class()
    validators = [*serializer.validators]
    for field in serializer.fields.values():
        validators += field.validators
    assert not [validator for validator in validators if isinstance(validator, UNIQUE_VALIDATORS)]
