"""Database constraints of accounts: each refusal reads as a sentence on the field at fault, and choice fields hold
only values the application knows, whatever writes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from bangkit.accounts.models import ApiToken, Grant, Organisation, OrganisationKind, User
from bangkit.accounts.roles import Role


def test_it_explains_a_duplicate_grant_on_the_role_field(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_case_worker.pk])

    response = client.post(url, {"role": Role.CASE_WORKER, "region": "53.01"})

    assert response.status_code == 400
    form = response.context["grant_form"]
    assert form.errors["role"] == ["Pengguna ini sudah memegang peran ini di yurisdiksi ini."]
    assert not form.non_field_errors()
    assert "grant_unique" not in response.content.decode()
    assert Grant.objects.filter(user=people.kupang_case_worker).count() == 1


def test_it_explains_a_duplicate_national_grant_on_the_role_field(client: Any, people: Any) -> None:
    client.force_login(people.national_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_case_worker.pk])
    assert client.post(url, {"role": Role.ANALYST, "region": ""}).status_code == 302

    response = client.post(url, {"role": Role.ANALYST, "region": ""})

    assert response.status_code == 400
    assert response.context["grant_form"].errors["role"] == [
        "Pengguna ini sudah memegang peran ini untuk seluruh Indonesia."
    ]


def test_it_explains_a_grant_ending_before_it_starts_on_the_end_date(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_nobody.pk])

    response = client.post(url, {"role": Role.CASE_WORKER, "region": "53.01", "valid_until": "2000-01-01"})

    assert response.status_code == 400
    assert response.context["grant_form"].errors["valid_until"] == [
        "Tanggal berlaku sampai tidak boleh sebelum tanggal berlaku sejak."
    ]
    assert not people.kupang_nobody.grants.exists()


def test_it_explains_a_duplicate_organisation_name_on_the_name_field(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    form = {"name": people.orgs.kupang_lks.name, "short_name": "", "kind": "lks", "region": "53.01", "is_active": "on"}

    response = client.post(reverse("accounts:organisation_add"), form)

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Sudah ada organisasi dengan nama ini di wilayah yang sama."]
    assert Organisation.objects.filter(name=people.orgs.kupang_lks.name).count() == 1


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [(Organisation, "kind", "bank"), (Grant, "role", "emperor"), (User, "language", "fr")],
)
def test_it_stores_only_known_choices_even_when_forms_are_bypassed(
    people: Any, model: type[models.Model], field: str, value: str
) -> None:
    record = model._default_manager.first()
    assert record is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.filter(pk=record.pk).update(**{field: value})


def test_it_still_stores_every_known_choice(people: Any) -> None:
    organisation = people.orgs.kupang_lks
    for kind in OrganisationKind.values:
        Organisation.objects.filter(pk=organisation.pk).update(kind=kind)
    for role in Role.values:
        Grant.objects.filter(user=people.kupang_nobody).delete()
        Grant.objects.create(user=people.kupang_nobody, role=role, region=people.regions["53.01"])
    for language in ("id", "en"):
        User.objects.filter(pk=people.kupang_nobody.pk).update(language=language)


@pytest.mark.parametrize("model", [Organisation, User, Grant, ApiToken])
def test_it_gives_every_constraint_a_message_on_a_field(model: Any) -> None:
    for constraint in model._meta.constraints:
        assert constraint.violation_error_message != constraint.default_violation_error_message, constraint.name
        assert model.constraint_fields.get(constraint.name) in {field.name for field in model._meta.fields}, (
            constraint.name
        )
