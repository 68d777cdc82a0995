"""`Idempotency-Key` on API writes: a client that sends a write again gets the first answer, and the write happens
once; the same key for another request, a malformed key or a key still in use is refused; failures free the key."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions
from rest_framework.test import APIClient

from bangkit.accounts.api.views import ApiTokenViewSet
from bangkit.accounts.models import Organisation
from bangkit.accounts.testing import People
from bangkit.core.idempotency import Idempotent
from bangkit.core.models import IdempotentRequest
from bangkit.programs.api.planning import ModuleViewSet
from bangkit.programs.models import Module

MODULES = "/api/v1/modules/"
ORGANISATIONS = "/api/v1/organisations/"
KEY = "7f1c2a90-5d1e-4c3b-9a77-1f0e6b2d4c88"
# Not idempotent, and why.
EXEMPT: dict[type, str] = {
    ApiTokenViewSet: "its answer holds the new token's secret, which is never stored (only its hash is)",
}


def _post(client: APIClient, path: str, body: dict[str, Any], key: str | None = KEY) -> Any:
    headers: dict[str, Any] = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, body, format="json", **headers)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    return body


@pytest.fixture
def planner(api_client: APIClient, people: People) -> APIClient:
    api_client.force_authenticate(people.kupang_program_officer)
    return api_client


def test_it_answers_a_repeated_write_with_the_first_answer_and_writes_once(planner: APIClient) -> None:
    first = _post(planner, MODULES, {"name": "Literasi keuangan", "default_hours": "1.5"})
    again = _post(planner, MODULES, {"name": "Literasi keuangan", "default_hours": "1.5"})

    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Module.objects.filter(name="Literasi keuangan").count() == 1


def test_it_keeps_a_refusal_too(planner: APIClient) -> None:
    first = _post(planner, MODULES, {"name": ""})
    again = _post(planner, MODULES, {"name": ""})

    assert _error(again, 400) == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_it_keeps_the_answer_encrypted(planner: APIClient) -> None:
    _post(planner, MODULES, {"name": "Literasi keuangan"})

    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM core_idempotentrequest")
        (stored,) = cursor.fetchone()
    assert "Literasi" not in stored
    assert "Literasi keuangan" in IdempotentRequest.objects.get().response_body


def test_it_refuses_the_same_key_for_another_request(planner: APIClient) -> None:
    module = _post(planner, MODULES, {"name": "Literasi keuangan"}).json()

    other_body = _post(planner, MODULES, {"name": "Kewirausahaan"})
    other_path = planner.patch(
        f"{MODULES}{module['id']}/", {"name": "Kewirausahaan"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )

    assert "sudah dipakai untuk permintaan lain" in _error(other_body, 422)["message"]
    _error(other_path, 422)
    assert list(Module.objects.values_list("name", flat=True)) == ["Literasi keuangan"]


def test_it_keeps_each_users_keys_apart(api_client: APIClient, people: People) -> None:
    kupang_lks = {"name": "LKS Sumber Kasih", "kind": "lks", "region": "53.01"}
    api_client.force_authenticate(people.kupang_admin)
    kupang = _post(api_client, ORGANISATIONS, kupang_lks)

    api_client.force_authenticate(people.national_admin)
    national = _post(api_client, ORGANISATIONS, {**kupang_lks, "name": "LKS Harapan Baru"})
    national_again = _post(api_client, ORGANISATIONS, {**kupang_lks, "name": "LKS Harapan Baru"})

    assert (kupang.status_code, national.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in national
    assert national_again.json() == national.json()
    assert Organisation.objects.filter(name__in=["LKS Sumber Kasih", "LKS Harapan Baru"]).count() == 2


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("database gone"), exceptions.APIException("unavailable")],
    ids=["exception", "answer-5xx"],
)
def test_it_forgets_a_failed_write_so_that_it_may_be_tried_again(
    failure: Exception, planner: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner.raise_request_exception = False
    with monkeypatch.context() as patch:

        def fail(self: Any, serializer: Any) -> None:
            raise failure

        patch.setattr(ModuleViewSet, "perform_create", fail)
        assert _post(planner, MODULES, {"name": "Literasi keuangan"}).status_code == 500

    assert not IdempotentRequest.objects.exists()
    retried = _post(planner, MODULES, {"name": "Literasi keuangan"})
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Module.objects.filter(name="Literasi keuangan").count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "kunci-\u00e9", "kunci\tbaru", "kunci\x7f"])
def test_it_refuses_a_malformed_key(key: str, planner: APIClient) -> None:
    body = _error(_post(planner, MODULES, {"name": "Literasi keuangan"}, key=key), 400)

    assert list(body["errors"]) == ["Idempotency-Key"]
    assert not Module.objects.exists()
    assert not IdempotentRequest.objects.exists()


def test_it_takes_any_printable_ascii_key_up_to_255_characters(planner: APIClient) -> None:
    key = "".join(chr(code) for code in range(0x20, 0x7F)) * 3
    assert _post(planner, MODULES, {"name": "Literasi keuangan"}, key=key[:255]).status_code == 201


def test_it_asks_to_try_again_later_while_the_first_request_is_still_running(planner: APIClient) -> None:
    _post(planner, MODULES, {"name": "Literasi keuangan"})
    IdempotentRequest.objects.update(response_status=None, response_body="")

    response = _post(planner, MODULES, {"name": "Literasi keuangan"})

    assert "masih diproses" in _error(response, 409)["message"]
    assert response["Retry-After"] == "1"
    assert Module.objects.count() == 1


def test_it_treats_an_expired_key_as_new_and_purges_expired_keys(planner: APIClient, settings: Any) -> None:
    settings.BANGKIT_IDEMPOTENCY_TTL_HOURS = 24
    _post(planner, MODULES, {"name": "Literasi keuangan"})
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert _post(planner, MODULES, {"name": "Kewirausahaan"}).status_code == 201
    _post(planner, MODULES, {"name": "Pemasaran daring"}, key="another-key")
    IdempotentRequest.objects.filter(key=KEY).update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)

    assert Module.objects.count() == 3
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["another-key"]
    assert out.getvalue().startswith("1 ")


def test_it_leaves_reads_anonymous_requests_and_requests_without_a_key_alone(planner: APIClient) -> None:
    assert planner.get(MODULES, HTTP_IDEMPOTENCY_KEY=KEY).status_code == 200
    assert _post(planner, MODULES, {"name": "Literasi keuangan"}, key=None).status_code == 201
    assert _error(_post(planner, MODULES, {"name": "Literasi keuangan"}, key=None), 400)["errors"]["name"]
    planner.force_authenticate(None)
    _error(_post(planner, MODULES, {"name": "Kewirausahaan"}), 401)

    assert not IdempotentRequest.objects.exists()
    assert Module.objects.count() == 1


def _api_views(patterns: list[URLPattern | URLResolver]) -> Iterator[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif hasattr(pattern.callback, "cls"):
            yield pattern.callback


def _writes(view: Any) -> set[str]:
    """The write methods the route answers: a viewset's mapped actions, an APIView's handlers."""
    methods = getattr(view, "actions", None) or {name: name for name in view.cls.http_method_names}
    return {method.upper() for method, handler in methods.items() if hasattr(view.cls, handler)} & {
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    }


def test_every_api_view_that_writes_honours_the_key() -> None:
    (api,) = [
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "api/v1/"
    ]
    views = list(_api_views(api.url_patterns))
    assert any(issubclass(view.cls, ModuleViewSet) for view in views)
    missing = sorted(
        {
            view.cls.__qualname__
            for view in views
            if _writes(view) and not issubclass(view.cls, Idempotent) and view.cls not in EXEMPT
        }
    )
    assert not missing, f"API views that write without Idempotent (bangkit/core/idempotency.py): {missing}"


def test_it_documents_the_key_on_every_write() -> None:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    module_create = paths[MODULES]["post"]
    (header,) = [parameter for parameter in module_create["parameters"] if parameter["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert not header.get("required")
    assert header["schema"]["pattern"] == "^[ -~]{1,255}$"
    assert {"400", "409", "422"} <= set(module_create["responses"])
    assert not any(parameter["in"] == "header" for parameter in paths[MODULES]["get"].get("parameters", []))
    assert "409" not in paths["/api/v1/tokens/"]["post"]["responses"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_it_writes_once_when_twenty_requests_with_one_key_arrive_at_once() -> None:
    from bangkit.accounts.testing import create_people

    officer = create_people().kupang_program_officer
    barrier = threading.Barrier(20)
    answers: list[Any] = []

    def send() -> None:
        client = APIClient()
        client.force_authenticate(officer)
        try:
            barrier.wait()
            answers.append(_post(client, MODULES, {"name": "Literasi keuangan"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 20
    assert Module.objects.filter(name="Literasi keuangan").count() == 1
    assert {answer.status_code for answer in answers} <= {201, 409}
    fresh = [answer for answer in answers if answer.status_code == 201 and "Idempotent-Replayed" not in answer]
    assert len(fresh) == 1
    replays = [answer for answer in answers if answer.status_code == 201 and answer is not fresh[0]]
    assert all(answer.json() == fresh[0].json() for answer in replays)
