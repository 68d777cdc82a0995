"""Authorization tests that write themselves, after NetBox's per-model test cases.

A model's test declares the model, how to make one record inside Kabupaten Kupang and one inside Kabupaten
Indramayu, its URL names, which fixed test users (see `bangkit/accounts/testing.py`) may read and write it, and one
small valid change; it inherits the tests below, for reads and for writes, through the pages and through the API:

- anonymous users go to the login page (pages) or get 401 (API), and nothing is written;
- users without the permission get 403 and nothing is written;
- permitted users read records inside their jurisdiction, and their change through the page and the API is saved;
- records outside the user's jurisdiction answer 404 to reads, changes and deletions, and stay as they were;
- writes a record does not offer (`edit_url = None`, methods missing from `api_writes`) answer 405;
- the list page's query count is pinned.

`bangkit/core/tests/test_meta.py` fails for any model shown by a scoped view or API that has no such test, and for
any scoped page that changes or deletes one record but is no test's `edit_url`, `delete_url` or `action_urls`.
`docs/development/permissions.md` ("Tests") lists every declaration.

    class TestOrganisationAccess(ScopedModelTests):
        model = Organisation
        permitted_user = "kupang_case_worker"  # reads; holds the view permission over Kabupaten Kupang
        writer_user = "kupang_admin"  # writes (default: permitted_user)
        reader_user = "kupang_case_worker"  # may read but not change (default: unpermitted_user)
        list_url = "accounts:organisation_list"
        detail_url = "accounts:organisation_detail"
        edit_url = "accounts:organisation_edit"  # None: no page changes it, a POST to the detail page answers 405
        api_list_url = "organisation-list"
        api_detail_url = "organisation-detail"
        api_writes = {"patch", "put"}  # (): the API is read-only, PUT, PATCH and DELETE answer 405
        list_queries = 7

        def make(self, people, place):  # place is "kupang" or "indramayu"
            ...

        def change_payload(self, obj):  # API body of a small valid change; also the page's, unless edit_data says
            return {"name": obj.name + " (diubah)"}

A generated test that fails because of a known authorization bug is marked, one test at a time, with
`known_failures = {"test_...": "KNOWN: what is wrong"}`: a strict xfail, so it fails again once the bug is fixed.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django import forms
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.core.api import ACTION_FOR_METHOD
from bangkit.core.scoping import permission_name

API_WRITE_METHODS = ("put", "patch", "delete")
_MISSING = object()


class ScopedModelTests(ABC):
    model: ClassVar[type[models.Model]]
    # Reads: a user holding the view permission over Kabupaten Kupang (not Indramayu), and one holding it nowhere.
    permitted_user: ClassVar[str]
    unpermitted_user: ClassVar[str] = "kupang_nobody"
    list_url: ClassVar[str | None] = None
    detail_url: ClassVar[str | None] = None
    api_list_url: ClassVar[str | None] = None
    api_detail_url: ClassVar[str | None] = None
    # Queries of the list page; the same with one record as with several (no N+1).
    list_queries: ClassVar[int | None] = None

    # Writes: a user holding the change permission over Kabupaten Kupang only (default: permitted_user), and one
    # who holds it nowhere, ideally one who may read the record (default: unpermitted_user).
    writer_user: ClassVar[str | None] = None
    reader_user: ClassVar[str | None] = None
    # Required where there is a detail page or a detail API. The page whose POST changes one record (a URL name
    # taking its pk), or None when no page does: then a POST to the detail page must answer 405.
    edit_url: ClassVar[str | None]
    # The page whose POST deletes one record, if any.
    delete_url: ClassVar[str | None] = None
    # Further pages whose POST changes one record (a workflow step, a verification): URL name → the fixed user who
    # holds that page's permission over Kabupaten Kupang only (None: writer_user). Refusals are generated for them,
    # not the successful change: the app's own tests cover what each does.
    action_urls: ClassVar[dict[str, str | None]] = {}
    # Required where there is a detail API: which of "put", "patch" and "delete" it accepts. The others must answer
    # 405 (or 403 to a user who holds that action's permission nowhere: permissions are checked first).
    api_writes: ClassVar[Collection[str]]
    # Generated tests expected to fail because of a known bug: {"test_name": "KNOWN: ..."} (strict xfail).
    known_failures: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, reason in cls.__dict__.get("known_failures", {}).items():
            assert reason.startswith("KNOWN: "), f"{cls.__name__}.known_failures[{name!r}]: start with 'KNOWN: '"
            setattr(cls, name, pytest.mark.xfail(strict=True, reason=reason)(_inherited(getattr(cls, name))))

    @abstractmethod
    def make(self, people: Any, place: str) -> models.Model:
        """A new record located in Kabupaten Kupang (`place="kupang"`) or Kabupaten Indramayu ("indramayu")."""

    def change_payload(self, obj: models.Model) -> dict[str, Any]:
        """The API body (PATCH; merged into the record's representation for PUT) of a small valid change to `obj`
        that leaves it inside Kabupaten Kupang. Required where `api_writes` has "patch" or "put", and by default
        also the page's."""
        pytest.fail(f"{type(self).__name__}: declare change_payload(obj), the body of a small valid change")

    def edit_data(self, obj: models.Model) -> dict[str, Any]:
        """The form fields that `edit_url` changes: merged into what the edit form shows (when its GET shows one)
        and POSTed. Defaults to `change_payload(obj)`."""
        return self.change_payload(obj)

    # --- Reads -----------------------------------------------------------------------------------------------

    def _ui_urls(self, obj: models.Model) -> list[str]:
        urls = [reverse(self.list_url)] if self.list_url else []
        if self.detail_url:
            urls.append(reverse(self.detail_url, args=[obj.pk]))
        return urls

    def _api_urls(self, obj: models.Model) -> list[str]:
        urls = [reverse(self.api_list_url)] if self.api_list_url else []
        if self.api_detail_url:
            urls.append(reverse(self.api_detail_url, args=[obj.pk]))
        return urls

    def test_it_sends_anonymous_users_to_login(self, client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        for url in self._ui_urls(obj):
            response = client.get(url)
            assert response.status_code == 302, url
            assert reverse("account_login") in response["Location"]

    def test_it_refuses_anonymous_api_calls(self, api_client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        for url in self._api_urls(obj):
            assert api_client.get(url).status_code == 401, url

    def test_it_forbids_users_without_the_permission(self, client: Any, api_client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        client.force_login(getattr(people, self.unpermitted_user))
        api_client.force_authenticate(getattr(people, self.unpermitted_user))
        for url in self._ui_urls(obj):
            assert client.get(url).status_code == 403, url
        for url in self._api_urls(obj):
            assert api_client.get(url).status_code == 403, url

    def test_it_shows_records_inside_the_jurisdiction(self, client: Any, api_client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        client.force_login(getattr(people, self.permitted_user))
        api_client.force_authenticate(getattr(people, self.permitted_user))
        if self.list_url:
            response = client.get(reverse(self.list_url))
            assert response.status_code == 200
            assert obj.pk in {item.pk for item in response.context["object_list"]}
        if self.detail_url:
            assert client.get(reverse(self.detail_url, args=[obj.pk])).status_code == 200
        if self.api_list_url:
            response = api_client.get(reverse(self.api_list_url))
            assert response.status_code == 200
            assert obj.pk in _ids(response.json())
        if self.api_detail_url:
            assert api_client.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 200

    def _national(self) -> bool:
        """Reference data placed in no region (the module catalogue): a permission held anywhere reaches it all."""
        return getattr(self.model, "scope_region_path", None) is None

    def test_it_hides_records_of_another_jurisdiction(self, client: Any, api_client: Any, people: Any) -> None:
        obj = self.make(people, "indramayu")
        client.force_login(getattr(people, self.permitted_user))
        api_client.force_authenticate(getattr(people, self.permitted_user))
        if self._national():
            self._assert_shown_everywhere(client, api_client, obj)
            return
        if self.list_url:
            response = client.get(reverse(self.list_url))
            assert obj.pk not in {item.pk for item in response.context["object_list"]}
        if self.detail_url:
            assert client.get(reverse(self.detail_url, args=[obj.pk])).status_code == 404
        if self.api_list_url:
            assert obj.pk not in _ids(api_client.get(reverse(self.api_list_url)).json())
        if self.api_detail_url:
            assert api_client.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 404

    def _assert_shown_everywhere(self, client: Any, api_client: Any, obj: models.Model) -> None:
        if self.list_url:
            response = client.get(reverse(self.list_url))
            assert obj.pk in {item.pk for item in response.context["object_list"]}
        if self.detail_url:
            assert client.get(reverse(self.detail_url, args=[obj.pk])).status_code == 200
        if self.api_list_url:
            assert obj.pk in _ids(api_client.get(reverse(self.api_list_url)).json())
        if self.api_detail_url:
            assert api_client.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 200

    def test_it_lists_with_a_fixed_number_of_queries(self, client: Any, people: Any) -> None:
        if not self.list_url:
            return
        if self.list_queries is None:
            pytest.fail("declare list_queries so the list page's query count is pinned")
        self.make(people, "kupang")
        client.force_login(getattr(people, self.permitted_user))
        url = reverse(self.list_url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for _ in range(3):
            self.make(people, "kupang")
        with CaptureQueriesContext(connection) as several:
            client.get(url)
        assert len(several) == len(one) == self.list_queries, [q["sql"] for q in several.captured_queries]

    # --- Writes ----------------------------------------------------------------------------------------------

    def _declared(self, name: str) -> Any:
        value = getattr(self, name, _MISSING)
        if value is _MISSING:
            pytest.fail(f"{type(self).__name__}: declare {name} (see bangkit/core/testing/cases.py)")
        return value

    def _writer(self, people: Any) -> Any:
        return getattr(people, self.writer_user or self.permitted_user)

    def _reader(self, people: Any) -> Any:
        return getattr(people, self.reader_user or self.unpermitted_user)

    def _ui_writes(self) -> list[_Page]:
        """The pages a POST writes a record through; for a record no page changes, its detail page (405)."""
        edit_url = self._declared("edit_url") if self.detail_url else getattr(self, "edit_url", None)
        pages = []
        if edit_url:
            pages.append(_Page("edit", edit_url))
        elif self.detail_url:
            pages.append(_Page("none", self.detail_url))
        if self.delete_url:
            pages.append(_Page("delete", self.delete_url))
        pages += [_Page("action", url_name, user) for url_name, user in self.action_urls.items()]
        return pages

    def _ui_post(self, client: Any, page: _Page, obj: models.Model, data: dict[str, Any] | None = None) -> Any:
        if data is None:
            data = self.edit_data(obj) if page.kind == "edit" else {}
        return client.post(reverse(page.url_name, args=[obj.pk]), data)

    def _api_writes(self) -> frozenset[str]:
        if not self.api_detail_url:
            return frozenset()
        declared = frozenset(method.lower() for method in self._declared("api_writes"))
        unknown = declared - set(API_WRITE_METHODS)
        assert not unknown, f"api_writes may name {API_WRITE_METHODS}, not {sorted(unknown)}"
        return declared

    def _api_write(self, api_client: Any, method: str, obj: models.Model, body: dict[str, Any] | None = None) -> Any:
        url = reverse(self.api_detail_url or "", args=[obj.pk])
        return getattr(api_client, method)(url, body if body is not None else {}, format="json")

    def _not_offered(self, user: Any, method: str) -> set[int]:
        """The answers to a write the API does not offer: 405, or 403 when permissions refuse it first."""
        if user.has_perm(permission_name(self.model, ACTION_FOR_METHOD[method.upper()])):
            return {405}
        return {403, 405}

    def test_it_sends_anonymous_writers_to_login(self, client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        before = _stored(obj)
        for page in self._ui_writes():
            response = self._ui_post(client, page, obj)
            assert response.status_code == 302, page.url_name
            assert reverse("account_login") in response["Location"], page.url_name
        assert _stored(obj) == before

    def test_it_refuses_anonymous_api_writes(self, api_client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        before = _stored(obj)
        if self.api_list_url:
            assert api_client.post(reverse(self.api_list_url), {}, format="json").status_code == 401
        if self.api_detail_url:
            for method in API_WRITE_METHODS:
                assert self._api_write(api_client, method, obj).status_code == 401, method
        assert _stored(obj) == before

    def test_it_forbids_changes_by_users_without_the_permission(self, client: Any, people: Any) -> None:
        obj = self.make(people, "kupang")
        before = _stored(obj)
        client.force_login(self._reader(people))
        for page in self._ui_writes():
            response = self._ui_post(client, page, obj)
            expected = {403, 405} if page.kind == "none" else {403}
            assert response.status_code in expected, (page.url_name, response.status_code)
        assert _stored(obj) == before

    def test_it_forbids_api_changes_by_users_without_the_permission(self, api_client: Any, people: Any) -> None:
        if not self.api_detail_url:
            return
        obj = self.make(people, "kupang")
        before = _stored(obj)
        reader = self._reader(people)
        api_client.force_authenticate(reader)
        offered = self._api_writes()
        for method in API_WRITE_METHODS:
            response = self._api_write(api_client, method, obj, self._body(api_client, method, obj, offered))
            expected = {403} if method in offered else {403, 405}
            assert response.status_code in expected, (method, response.status_code, _body_of(response))
        assert _stored(obj) == before

    def test_it_hides_records_of_another_jurisdiction_from_editors(self, client: Any, people: Any) -> None:
        if self._national():
            return  # every editor reaches every record: test_it_saves_a_permitted_change_through_the_page
        obj = self.make(people, "indramayu")
        before = _stored(obj)
        for page in self._ui_writes():
            client.force_login(getattr(people, page.user) if page.user else self._writer(people))
            response = self._ui_post(client, page, obj)
            assert response.status_code == (405 if page.kind == "none" else 404), (page.url_name, response.status_code)
        assert _stored(obj) == before

    def test_it_hides_records_of_another_jurisdiction_from_api_writers(self, api_client: Any, people: Any) -> None:
        if not self.api_detail_url or self._national():
            return
        obj = self.make(people, "indramayu")
        before = _stored(obj)
        writer = self._writer(people)
        api_client.force_authenticate(writer)
        offered = self._api_writes()
        for method in API_WRITE_METHODS:
            response = self._api_write(api_client, method, obj, self._body(api_client, method, obj, offered))
            expected = {404} if method in offered else self._not_offered(writer, method)
            assert response.status_code in expected, (method, response.status_code, _body_of(response))
        assert _stored(obj) == before

    def test_it_saves_a_permitted_change_through_the_page(self, client: Any, people: Any) -> None:
        client.force_login(self._writer(people))
        for page in self._ui_writes():
            obj = self.make(people, "kupang")
            before = _stored(obj, changes_only=True)
            if page.kind == "none":
                assert self._ui_post(client, page, obj).status_code == 405, page.url_name
                assert _stored(obj, changes_only=True) == before
            elif page.kind == "delete":
                assert self._ui_post(client, page, obj).status_code == 302, page.url_name
                assert _stored(obj) is None
            elif page.kind == "edit":
                # What the edit form shows (when a GET shows one), with the change, as a browser would send it.
                shown = client.get(reverse(page.url_name, args=[obj.pk]))
                data = _form_data(shown.context["form"]) if shown.status_code == 200 and shown.context else {}
                response = self._ui_post(client, page, obj, {**data, **self.edit_data(obj)})
                assert response.status_code == 302, _form_errors(response)
                after = _stored(obj, changes_only=True)
                assert after not in (None, before), "the page answered as if saved, but nothing changed"

    def test_it_saves_a_permitted_change_through_the_api(self, api_client: Any, people: Any) -> None:
        if not self.api_detail_url:
            return
        writer = self._writer(people)
        api_client.force_authenticate(writer)
        offered = self._api_writes()
        for method in API_WRITE_METHODS:
            obj = self.make(people, "kupang")
            before = _stored(obj, changes_only=True)
            response = self._api_write(api_client, method, obj, self._body(api_client, method, obj, offered))
            after = _stored(obj, changes_only=True)
            if method not in offered:
                assert response.status_code in self._not_offered(writer, method), (method, _body_of(response))
                assert after == before, method
            elif method == "delete":
                assert response.status_code == 204, (method, _body_of(response))
                assert after is None
            else:
                assert response.status_code == 200, (method, _body_of(response))
                assert after not in (None, before), f"{method} answered 200, but nothing changed"

    def _body(self, api_client: Any, method: str, obj: models.Model, offered: frozenset[str]) -> dict[str, Any]:
        if method == "delete" or method not in offered:
            return {}
        if method == "patch":
            return self.change_payload(obj)
        # PUT sends the whole record: what a GET by the same caller shows (if anything), with the change.
        shown = api_client.get(reverse(self.api_detail_url or "", args=[obj.pk]))
        return {**(shown.json() if shown.status_code == 200 else {}), **self.change_payload(obj)}


@dataclass(frozen=True)
class _Page:
    kind: str  # "edit", "delete", "action", or "none": the detail page of a record no page changes
    url_name: str
    user: str | None = None  # who may take the action over Kabupaten Kupang; None: writer_user


def _inherited(test: Callable[..., Any]) -> Callable[..., Any]:
    """A subclass's own copy of an inherited test, so that a mark on it leaves the other subclasses' alone."""

    @functools.wraps(test)
    def copy(*args: Any, **kwargs: Any) -> Any:
        return test(*args, **kwargs)

    return copy


def _stored(obj: models.Model, *, changes_only: bool = False) -> dict[str, Any] | None:
    """The record as the database holds it now (None once deleted). `changes_only` leaves out the fields that any
    save touches (`auto_now`), so that a save which changed nothing compares equal."""
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    return {
        field.attname: getattr(fresh, field.attname)
        for field in fresh._meta.concrete_fields
        if not (changes_only and getattr(field, "auto_now", False))
    }


def _form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser sends back for `form` untouched: each field's shown value under its HTML name."""
    data: dict[str, Any] = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.FileInput):
            continue
        if isinstance(widget, forms.MultiWidget):
            values: Any = value if isinstance(value, list | tuple) else widget.decompress(value)
            suffixes: list[str] = widget.widgets_names  # type: ignore[attr-defined]  # set by MultiWidget.__init__
            for suffix, item in zip(suffixes, values, strict=False):
                data[bound.html_name + suffix] = "" if item is None else item
        elif isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [item for item in value if item is not None]
        else:
            data[bound.html_name] = "" if value is None else value
    return data


def _form_errors(response: Any) -> Any:
    form = response.context.get("form") if response.context else None
    return (response.status_code, form.errors if form is not None else response.content[:500])


def _body_of(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.content[:300]


def _ids(body: Any) -> set[Any]:
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    return {item["id"] for item in items}
