"""Property-based API tests generated from our own OpenAPI document (schemathesis + Hypothesis).

For every operation that drf-spectacular documents, Hypothesis draws schema-valid and schema-violating requests,
sends them to the real WSGI application in-process, signed in with a real personal API token, and checks that:

- nothing answers 5xx;
- every documented answer conforms to the schema: status code, content type, headers and body;
- every 4xx answers the shared error shape `{"message": str, "errors": {field: [str]}}`;
- an anonymous caller gets 401 everywhere.

Each operation runs as a national administrator (sees everything), a Kupang administrator (writes only inside
Kabupaten Kupang) and a Kupang case worker (reads only), and anonymously. Path parameters and fields that name other
records (`region`, `organisation`, `actor`...) are drawn half the time from the records the test created, so that
detail views and writes succeed often enough for their 2xx bodies to be checked, not only their 404s.

Defects this test once found have a regression test each at the end of this file. Should a new one need tolerating
while it is fixed, mark the tolerance KNOWN next to a strict xfail test that reproduces it: once the application is
fixed, that test passes unexpectedly and fails the run until the tolerance and the xfail mark are removed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import Resolver404, ResolverMatch, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode, checks
from schemathesis.core.result import Err

from bangkit.accounts.models import Organisation, User
from bangkit.accounts.services import api_token_create
from bangkit.accounts.testing import People
from bangkit.wsgi import application

SCHEMA_URL = "/api/v1/schema/"
USERS = ["national_admin", "kupang_admin", "kupang_case_worker"]
MAX_EXAMPLES = 25
ANONYMOUS_EXAMPLES = 8
BIGINT_MAX = 2**63 - 1


def _generated_schema() -> dict[str, Any]:
    """The document served at SCHEMA_URL (test_it_fuzzes_the_schema_it_serves makes sure), as plain JSON."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


RAW_SCHEMA = _generated_schema()

SCHEMA = schemathesis.openapi.from_dict(copy.deepcopy(RAW_SCHEMA))
SCHEMA.app = application


def _operations() -> dict[str, APIOperation]:
    operations = {}
    for result in SCHEMA.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation that drf-spectacular documented in a way schemathesis cannot read
        operations[result.ok().label] = result.ok()
    return operations


OPERATIONS = _operations()

# The schemathesis checks run on every answer. Left out, and why:
# - positive_data_acceptance: the schema cannot say that a region code must exist, that `date_to` may not precede
#   `date_from` or that a token must expire in the future, so schema-valid requests are rightly refused with 400
#   (whose shape is still checked);
# - negative_data_rejection: DRF reads input leniently on purpose: `{"name": 0}` is the name "0", a query value it
#   cannot read (`limit=abc`, `is_active=maybe`, an empty date) falls back to the default, and a blank optional form
#   value counts as absent; that the answer to such input is a 2xx or a well-formed 4xx, never a 5xx, is checked;
# - ignored_auth: it sends every example twice more without credentials; the anonymous run below checks the same,
#   answer body included;
# - missing_required_header, unsupported_method, use_after_free, ensure_resource_availability,
#   object_level_authorization: they judge schemathesis' own coverage and stateful phases, which this test does not
#   run: it draws its own cases, so that they can name the records the test created.
RESPONSE_CHECKS = [
    checks.not_a_server_error,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _in_process_wsgi() -> Iterator[None]:
    """Let the real WSGI handler run inside the test's transaction, with fresh throttle counters.

    Django's handler closes the database connection as each request starts and ends (`close_old_connections`),
    which inside pytest-django's transaction would throw the test's data away; Django's test client disconnects it
    in the same way. The throttles count in the cache, which outlives a test.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    try:
        yield
    finally:
        cache.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _route(response: schemathesis.Response) -> ResolverMatch | None:
    try:
        return resolve(unquote(urlsplit(response.request.path_url).path))
    except Resolver404:
        return None


def _documents(case: Case, status_code: int) -> bool:
    responses = RAW_SCHEMA["paths"][case.operation.path][case.method.lower()]["responses"]
    return str(status_code) in responses or f"{status_code // 100}XX" in responses or "default" in responses


def assert_error_shape(case: Case, response: schemathesis.Response) -> None:
    reproduce = case.as_curl_command()
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), reproduce
    body = json.loads(response.content)
    assert isinstance(body, dict), reproduce
    assert set(body) == {"message", "errors"}, reproduce
    assert isinstance(body["message"], str), reproduce
    assert body["message"], reproduce
    assert isinstance(body["errors"], dict), reproduce
    for field, messages in body["errors"].items():
        assert isinstance(field, str), reproduce
        assert isinstance(messages, list), reproduce
        assert messages, reproduce
        assert all(isinstance(message, str) and message for message in messages), reproduce


def validate(case: Case, response: schemathesis.Response, headers: dict[str, str]) -> None:
    status_code = response.status_code
    selected = list(RESPONSE_CHECKS)
    # The schema documents success answers only: an undocumented 4xx passes as long as it has the shared error
    # shape, which assert_error_shape checks. Once an operation documents a status code, its answers are held to it.
    if _documents(case, status_code) or not 400 <= status_code < 500:
        selected.append(checks.status_code_conformance)
    case.validate_response(response, checks=selected, headers=headers, transport_kwargs={"headers": headers})
    if 400 <= status_code < 500:
        assert_error_shape(case, response)


def _path_values(operation: APIOperation) -> tuple[str, list[Any]] | None:
    """Values of the operation's path parameter that name real records, read from its view's model."""
    names = [parameter.name for parameter in operation.path_parameters]
    if len(names) != 1:
        return None
    name = names[0]
    view = getattr(resolve(operation.path.replace(f"{{{name}}}", "1")).func, "cls", None)
    if view is None or getattr(view, "queryset", None) is None:
        return None
    lookup_field = getattr(view, "lookup_field", "pk")
    return name, list(view.queryset.model._default_manager.values_list(lookup_field, flat=True))


def _field_values(people: People) -> dict[str, list[Any]]:
    """Real values for the query and body fields that name other records, by field name."""
    codes = sorted(people.regions)
    return {
        "region": codes,
        "parent": codes,
        "within": codes,
        "organisation": list(Organisation.objects.values_list("pk", flat=True)),
        "actor": list(User.objects.values_list("pk", flat=True)),
    }


def case_strategy(operation: APIOperation, mode: GenerationMode, people: People) -> st.SearchStrategy[Case]:
    strategy = operation.as_strategy(mode)
    path_values = _path_values(operation)
    if path_values is not None:
        name, values = path_values
        # Half of the cases name a real record, whichever of them.
        real = [operation.as_strategy(mode, path_parameters={name: value}) for value in values]
        strategy = st.one_of(strategy, st.one_of(real))
    if mode is not GenerationMode.POSITIVE:
        return strategy
    field_values = _field_values(people)

    @st.composite
    def with_real_fields(draw: st.DrawFn) -> Case:
        case = draw(strategy)
        for container in (case.query, case.body):
            if isinstance(container, dict):
                for name in sorted(container.keys() & field_values.keys()):
                    if draw(st.booleans()):
                        container[name] = draw(st.sampled_from(field_values[name]))
        return case

    return with_real_fields()


def fuzz(operation: APIOperation, people: People, user: User | None, max_examples: int) -> None:
    """Send `max_examples` drawn requests as `user` (None: anonymously) and validate every answer."""
    strategy = st.one_of(
        case_strategy(operation, GenerationMode.POSITIVE, people),
        case_strategy(operation, GenerationMode.NEGATIVE, people),
    )

    # Derandomized, so that the suite passes or fails the same way every time; without the example database, so
    # that nothing is written into the work tree.
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def run(case: Case) -> None:
        # Each example in a savepoint rolled back afterwards, as if in a request's own transaction: what one example
        # writes does not change what the next one, or Hypothesis replaying it, sees, and a database error (which
        # aborts the whole transaction on PostgreSQL) does not spill over into the next example.
        savepoint = transaction.savepoint()
        try:
            headers = {}
            if user is not None:
                # A new token each time: DELETE /tokens/{id}/ may revoke the one the request came with.
                _, raw_key = api_token_create(user=user, name="Schemathesis")
                headers["Authorization"] = f"Bearer {raw_key}"
            response = case.call(headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)
        validate(case, response, headers)
        route = _route(response)
        # DRF's routers also answer `/tokens/1.json/`: `1.5` reads as id 1 in the format "5", which is refused with
        # 404 before authentication and reveals nothing.
        if user is None and route is not None and "format" not in route.kwargs:
            assert response.status_code == 401, case.as_curl_command()

    run()


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_it_answers_every_request_as_documented(label: str, who: str, people: People) -> None:
    user = getattr(people, who)
    # Tokens of the caller's and of someone else's, for DELETE /tokens/{id}/ to revoke or not to find.
    for owner in (user, people.national_auditor):
        api_token_create(user=owner, name="Aplikasi lain")
    fuzz(OPERATIONS[label], people, user, MAX_EXAMPLES)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_it_answers_401_to_anonymous_requests(label: str, people: People) -> None:
    fuzz(OPERATIONS[label], people, None, ANONYMOUS_EXAMPLES)


def test_it_fuzzes_the_schema_it_serves(api_client: Any, people: People) -> None:
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.get(SCHEMA_URL, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content) == RAW_SCHEMA


def test_it_documents_a_national_grant_region_as_nullable(api_client: Any, people: People) -> None:
    api_client.force_authenticate(people.national_admin)
    grant = api_client.get(f"/api/v1/users/{people.national_admin.pk}/").json()["grants"][0]
    assert grant["region"] is None
    assert RAW_SCHEMA["components"]["schemas"]["Grant"]["properties"]["region"].get("nullable") is True


@pytest.mark.parametrize("path", ["/api/v1/users/-1.5e-20/", "/api/v1/no-such-endpoint/"])
def test_it_answers_an_unrouted_api_path_in_the_error_shape(path: str, api_client: Any, people: People) -> None:
    api_client.force_authenticate(people.national_admin)
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.parametrize("limit", [BIGINT_MAX + 1, 10**30])
def test_it_cuts_a_page_larger_than_the_database_can_count(limit: int, api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)
    response = api_client.get(f"/api/v1/organisations/?limit={limit}")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/regions/%00/", "/api/v1/regions/%00/children/"])
def test_it_answers_404_for_a_region_code_with_a_nul_character(path: str, api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)
    response = api_client.get(path)
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


def test_it_refuses_a_region_code_with_a_nul_character(api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)
    body = {"name": "LKS Nol", "kind": "lks", "region": "53.01\x00"}
    response = api_client.post("/api/v1/organisations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["region"]


def test_it_refuses_a_person_region_code_with_a_nul_character(api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.kupang_case_worker)
    body = {"full_name": "Maria Goreti Bria", "sex": "F", "region": "53.01\x00"}
    response = api_client.post("/api/v1/people/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["region"]


def test_it_filters_the_audit_log_up_to_the_last_day_there_is(api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)
    assert api_client.get("/api/v1/audit-log/?date_to=9999-12-31").status_code == 200


def test_it_filters_the_audit_log_from_the_first_day_there_is(api_client: Any, people: People) -> None:
    api_client.raise_request_exception = False
    api_client.force_authenticate(people.national_admin)
    assert api_client.get("/api/v1/audit-log/?date_from=0001-01-01").status_code == 200
