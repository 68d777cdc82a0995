"""What an API client sees when it asks for too much, for nothing, or with a garbled header: a JSON answer in the
shared error shape, never a 500 or Django's HTML page, and the schema says so."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from bangkit.accounts.models import Organisation, OrganisationKind
from bangkit.accounts.services import api_token_create
from bangkit.core.pagination import MAX_PAGE_LIMIT

ORGANISATIONS = "/api/v1/organisations/"


def _error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    return body


@pytest.fixture
def many_organisations(people: Any) -> int:
    region = people.regions["53.01"]
    Organisation.objects.bulk_create(
        Organisation(name=f"LKS {number:03d}", kind=OrganisationKind.LKS, region=region)
        for number in range(MAX_PAGE_LIMIT + 10)
    )
    return Organisation.objects.count()


class TestPages:
    @pytest.mark.parametrize("limit", [MAX_PAGE_LIMIT + 1, 10**6, 2**63, 10**30, "9" * 5000])
    def test_it_cuts_a_page_larger_than_the_maximum_to_it(
        self, limit: Any, api_client: Any, people: Any, many_organisations: int
    ) -> None:
        api_client.raise_request_exception = False
        api_client.force_authenticate(people.national_admin)

        response = api_client.get(ORGANISATIONS, {"limit": limit})

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == many_organisations
        assert len(body["results"]) == MAX_PAGE_LIMIT
        assert f"limit={MAX_PAGE_LIMIT}" in body["next"]

    @pytest.mark.parametrize("limit", ["abc", "-5", "0", "1e3", ""])
    def test_it_gives_the_default_page_for_a_limit_it_cannot_read(
        self, limit: str, api_client: Any, people: Any, many_organisations: int
    ) -> None:
        api_client.force_authenticate(people.national_admin)

        response = api_client.get(ORGANISATIONS, {"limit": limit})

        assert response.status_code == 200
        assert len(response.json()["results"]) == 50

    @pytest.mark.parametrize("offset", [10**6, 2**63, 10**30, "9" * 5000])
    def test_it_answers_an_empty_page_past_the_last_row(self, offset: Any, api_client: Any, people: Any) -> None:
        api_client.raise_request_exception = False
        api_client.force_authenticate(people.national_admin)

        response = api_client.get(ORGANISATIONS, {"offset": offset, "limit": 10})

        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_it_says_how_large_a_page_may_be(self, schema: dict[str, Any]) -> None:
        parameters = schema["paths"][ORGANISATIONS]["get"]["parameters"]
        (limit,) = [parameter for parameter in parameters if parameter["name"] == "limit"]
        assert str(MAX_PAGE_LIMIT) in str(limit["description"])


class TestUnroutedPaths:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/no-such-endpoint/",
            "/api/v1/users/-1.5e-20/",
            "/api/v1/regions/53%00/",
            "/api/v1/organisations",
            "/api/v2/organisations/",
            "/api/",
        ],
    )
    @pytest.mark.parametrize("method", ["get", "post", "delete"])
    def test_it_answers_404_in_the_error_shape(self, path: str, method: str, api_client: Any, people: Any) -> None:
        api_client.force_authenticate(people.national_admin)

        response = getattr(api_client, method)(path)

        assert response.status_code == 404
        assert _error(response) == {"message": "Tidak ditemukan.", "errors": {}}

    def test_it_asks_an_anonymous_caller_to_authenticate_first(self, api_client: Any, people: Any) -> None:
        response = api_client.get("/api/v1/no-such-endpoint/")

        assert response.status_code == 401
        _error(response)

    def test_it_still_answers_web_pages_with_the_html_404(self, client: Any, people: Any) -> None:
        client.force_login(people.national_admin)

        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_it_answers_with_a_token_as_well(self, api_client: Any, people: Any) -> None:
        _, key = api_token_create(user=people.kupang_case_worker, name="Lapangan")

        response = api_client.get("/api/v1/no-such-endpoint/", HTTP_AUTHORIZATION=f"Bearer {key}")

        assert response.status_code == 404
        _error(response)


class TestAuthorizationHeader:
    @pytest.mark.parametrize(
        ("header", "message"),
        [
            (b"Token \xff\xfe", "Data autentikasi tidak diberikan."),
            (b"\xff\xfe abc", "Data autentikasi tidak diberikan."),
            (b"\xff", "Data autentikasi tidak diberikan."),
            (b"Bearer \xff\xfe", "Token tidak valid, sudah dicabut atau kedaluwarsa."),
            (b"Bearer bkt_\xff\xfe", "Token tidak valid, sudah dicabut atau kedaluwarsa."),
            ("Bearer \u2603", "Header Authorization tidak valid."),
        ],
    )
    def test_it_answers_401_to_a_header_that_is_not_utf_8(
        self, header: bytes | str, message: str, api_client: Any, people: Any
    ) -> None:
        api_client.raise_request_exception = False

        response = api_client.get(ORGANISATIONS, HTTP_AUTHORIZATION=header)

        assert response.status_code == 401
        assert _error(response) == {"message": message, "errors": {}}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


class TestSchema:
    def test_it_documents_the_error_shape(self, schema: dict[str, Any]) -> None:
        error = schema["components"]["schemas"]["Error"]
        assert error["required"] == ["errors", "message"]
        assert error["properties"]["message"]["type"] == "string"
        assert error["properties"]["errors"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}

    def test_it_documents_the_errors_each_operation_may_answer(self, schema: dict[str, Any]) -> None:
        def codes(path: str, method: str) -> set[str]:
            return set(schema["paths"][path][method]["responses"])

        assert codes(ORGANISATIONS, "get") == {"200", "400", "401", "403"}
        # Writes: 409 and 422 for a repeated Idempotency-Key (core/tests/test_idempotency.py).
        assert codes(ORGANISATIONS, "post") == {"201", "400", "401", "403", "409", "422"}
        assert codes("/api/v1/organisations/{id}/", "get") == {"200", "401", "403", "404"}
        assert codes("/api/v1/organisations/{id}/", "patch") == {"200", "400", "401", "403", "404", "409", "422"}
        assert codes("/api/v1/tokens/{id}/", "delete") == {"204", "401", "403", "404"}
        assert codes("/api/v1/audit-log/", "get") >= {"400", "401", "403", "404"}  # a cursor it did not make: 404

    def test_every_error_answer_refers_to_the_error_shape(self, schema: dict[str, Any]) -> None:
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for code in {"401", "403"}:
                    content = operation["responses"][code]["content"]["application/json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method, code)
                    assert operation["responses"][code]["description"]
