"""The accounts API: one error shape, jurisdiction checks on writes, personal tokens."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django.urls import reverse

from bangkit.accounts.models import ApiToken, Organisation
from bangkit.accounts.services import api_token_create
from bangkit.accounts.tests.helpers import sign_in


def test_it_creates_an_organisation_through_the_api(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_admin)
    response = api_client.post(
        reverse("organisation-list"), {"name": "LKS Sabana", "kind": "lks", "region": "53.01.08"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region_name"] == "Kupang Tengah"
    assert Organisation.objects.get(name="LKS Sabana").region_id == "53.01.08"


def test_it_answers_bad_input_with_one_error_shape_and_saves_nothing(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_admin)
    response = api_client.post(reverse("organisation-list"), {"kind": "bank", "region": "99.99"}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert set(body) == {"message", "errors"}
    assert set(body["errors"]) == {"name", "kind", "region"}
    assert "99.99" in body["errors"]["region"][0]
    assert Organisation.objects.count() == 4


def test_it_refuses_an_organisation_placed_outside_the_jurisdiction(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_admin)
    response = api_client.post(
        reverse("organisation-list"), {"name": "LKS Jauh", "kind": "lks", "region": "32.12"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["region"]
    assert not Organisation.objects.filter(name="LKS Jauh").exists()


def test_it_cannot_move_an_organisation_out_of_the_jurisdiction(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_admin)
    url = reverse("organisation-detail", args=[people.orgs.kupang_lks.pk])
    response = api_client.patch(url, {"region": "32.12"}, format="json")
    assert response.status_code == 400
    people.orgs.kupang_lks.refresh_from_db()
    assert people.orgs.kupang_lks.region_id == "53.01"


def test_it_answers_404_in_the_shared_shape_for_another_regency(api_client: Any, people: Any) -> None:
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.get(reverse("organisation-detail", args=[people.orgs.indramayu_dinsos.pk]))
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


def test_it_issues_a_personal_token_that_works_until_revoked(client: Any, api_client: Any, people: Any) -> None:
    sign_in(client, people.kupang_case_worker)
    response = client.post(reverse("accounts:profile"), {"name": "Aplikasi lapangan"})
    key = response.context["new_key"]
    assert key.startswith("bkt_")
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=people.kupang_case_worker)
    assert key not in (token.key_hash, token.hint)

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.get(reverse("organisation-list")).status_code == 200
    assert key not in client.get(reverse("accounts:profile")).content.decode()

    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    response = api_client.get(reverse("organisation-list"))
    assert response.status_code == 401
    assert response.json()["message"]


def test_it_refuses_unknown_tokens(api_client: Any, people: Any) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer bkt_not-a-real-token")
    assert api_client.get(reverse("organisation-list")).status_code == 401


def test_it_does_not_let_a_user_revoke_someone_elses_token(client: Any, people: Any) -> None:
    token, _key = api_token_create(user=people.indramayu_case_worker, name="Laptop")
    client.force_login(people.kupang_case_worker)
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_manages_tokens_through_the_api(api_client: Any, people: Any) -> None:
    sign_in(api_client, people.kupang_case_worker)
    created = api_client.post(reverse("api-token-list"), {"name": "Skrip ekspor"}, format="json")
    assert created.status_code == 201
    assert created.json()["key"].startswith("bkt_")
    listed = api_client.get(reverse("api-token-list")).json()
    assert [item["key"] for item in listed] == [None]
    assert api_client.delete(reverse("api-token-detail", args=[created.json()["id"]])).status_code == 204
    assert ApiToken.objects.get().revoked_at is not None


def test_it_publishes_the_openapi_schema_and_docs_to_signed_in_users(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/organisations/" in schema.json()["paths"]
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_it_keeps_the_api_schema_and_docs_from_anonymous_visitors(client: Any, api_client: Any, people: Any) -> None:
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 401
    assert "/api/v1/organisations/" not in schema.content.decode()
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302
    assert docs["Location"].startswith(reverse("account_login"))
    # A program reads the schema with its personal token.
    _token, key = api_token_create(user=people.kupang_case_worker, name="generator klien")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/organisations/" in response.json()["paths"]


@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)
def test_it_names_the_token_user_in_the_history_of_an_api_change(api_client: Any, people: Any) -> None:
    from auditlog.models import LogEntry

    _token, key = api_token_create(user=people.kupang_admin, name="skrip")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse("organisation-detail", args=[people.orgs.kupang_lks.pk])
    response = api_client.patch(
        url, {"address": "Jl. Soeverdi No. 1"}, format="json", headers={"X-Request-ID": "req-api-0001"}
    )
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(people.orgs.kupang_lks).latest("timestamp")
    assert entry.actor == people.kupang_admin
    assert entry.cid == "req-api-0001"
    assert entry.changes_dict["address"] == ["", "Jl. Soeverdi No. 1"]


def test_it_explains_a_bad_token_request_and_creates_nothing(client: Any, api_client: Any, people: Any) -> None:
    sign_in(client, people.kupang_case_worker)
    response = client.post(reverse("accounts:profile"), {"name": "", "expires_at": "2020-01-01T10:00"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "expires_at"}
    sign_in(api_client, people.kupang_case_worker)
    response = api_client.post(
        reverse("api-token-list"), {"name": "lama", "expires_at": "2020-01-01T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["expires_at"]
    assert not ApiToken.objects.exists()
