from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from bangkit.accounts.models import User
from bangkit.audit.history import MASK, record_access
from bangkit.audit.tests.conftest import Cast
from bangkit.audit.tests.helpers import rename

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-log/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_it_asks_anonymous_callers_to_authenticate(api: APIClient) -> None:
    response = api.get(URL)

    assert response.status_code == 401
    assert set(response.json()) == {"message", "errors"}


def test_it_refuses_a_case_worker(api: APIClient, cast: Cast) -> None:
    api.force_authenticate(cast.kupang_worker)

    response = api.get(URL)

    assert response.status_code == 403
    assert response.json() == {"message": "Anda tidak berhak membaca log audit.", "errors": {}}


def test_it_lists_entries_with_actor_record_changes_and_request_id(api: APIClient, cast: Cast) -> None:
    entry = rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker, request_id="req-api-00001")
    api.force_authenticate(cast.national_auditor)

    response = api.get(URL)

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {
        "id": entry.pk,
        "timestamp": first["timestamp"],
        "action": "update",
        "actor": {"id": cast.kupang_worker.pk, "full_name": "Kupang.Worker", "email": "kupang.worker@test.id"},
        "actor_email": "kupang.worker@test.id",
        "record": {
            "type": "accounts.organisation",
            "type_label": "organisasi",
            "id": str(cast.kupang.pk),
            "repr": "LKS Kupang Baru",
        },
        "changes": [
            {
                "field": "name",
                "label": "nama",
                "old": "LKS Kupang",
                "new": "LKS Kupang Baru",
                "old_display": "LKS Kupang",
                "new_display": "LKS Kupang Baru",
                "masked": False,
            }
        ],
        "relation_changes": [],
        "request_id": "req-api-00001",
        "remote_addr": None,
    }
    assert first["timestamp"].endswith("+07:00")


def test_it_scopes_a_regional_auditor_to_records_of_their_jurisdiction(api: APIClient, cast: Cast) -> None:
    kupang = rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    indramayu = rename(cast.indramayu, "Dinsos Indramayu Baru", by=cast.kupang_worker)
    api.force_authenticate(cast.kupang_auditor)

    shown = [item["id"] for item in api.get(URL, {"record_type": "accounts.organisation"}).json()["results"]]

    assert kupang.pk in shown
    assert indramayu.pk not in shown


def test_it_filters_with_the_same_filters_as_the_page(api: APIClient, cast: Cast) -> None:
    rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker)
    access = record_access(cast.indramayu_worker, cast.indramayu)
    api.force_authenticate(cast.national_auditor)

    query = {"actor": str(cast.indramayu_worker.pk), "action": "access", "record_type": "accounts.organisation"}
    response = api.get(URL, query)

    assert [item["id"] for item in response.json()["results"]] == [access.pk]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "kemarin"}, "date_from", "Tanggal tidak valid. Gunakan format TTTT-BB-HH, misalnya 2025-01-31."),
        ({"actor": "999999"}, "actor", "Pengguna tidak ditemukan atau di luar yurisdiksi Anda."),
    ],
)
def test_it_answers_bad_filter_input_with_field_errors(
    api: APIClient, cast: Cast, query: dict[str, str], field: str, message: str
) -> None:
    api.force_authenticate(cast.national_auditor)

    response = api.get(URL, query)

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}


def test_it_returns_masked_values_masked(api: APIClient, cast: Cast) -> None:
    cast.kupang_worker.phone = "081234567890"
    cast.kupang_worker.save()
    api.force_authenticate(cast.national_auditor)

    response = api.get(URL, {"record_type": "accounts.user", "action": "update"})

    change = response.json()["results"][0]["changes"][0]
    assert (change["field"], change["old"], change["new"], change["masked"]) == ("phone", "", MASK, True)
    assert change["new_display"] == "(disamarkan)"
    assert "67890" not in response.content.decode()


def test_it_pages_with_a_cursor_in_a_fixed_number_of_queries(api: APIClient, cast: Cast) -> None:
    for number in range(60):
        user = User.objects.create_user(
            email=f"u{number}@test.id",
            password="a-long-test-password",
            full_name=f"U {number}",
            organisation=cast.kupang,
        )
        record_access(user, cast.kupang)
    api.force_authenticate(cast.national_auditor)

    with CaptureQueriesContext(connection) as queries:
        first = api.get(URL).json()
    second = api.get(first["next"]).json()

    # grants, the page, one per related model (organisations for the users' create entries)
    assert len(queries) <= 4
    assert len(first["results"]) == 50
    seen = [item["id"] for item in first["results"] + second["results"]]
    assert seen[:60] == list(LogEntry.objects.order_by("-timestamp", "-id").values_list("pk", flat=True)[:60])


def test_it_documents_the_endpoint_with_its_filters() -> None:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)

    operation = schema["paths"]["/api/v1/audit-log/"]["get"]
    filters = {"actor", "action", "record_type", "record_id", "date_from", "date_to", "request_id", "cursor"}
    assert filters <= {parameter["name"] for parameter in operation["parameters"]}
    assert "AuditLogEntry" in schema["components"]["schemas"]
