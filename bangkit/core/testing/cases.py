"""Authorization tests that write themselves, after NetBox's per-model test cases.

A model's test declares the model, how to make one record inside Kabupaten Kupang and one inside Kabupaten
Indramayu, its URL names and which fixed test user (see `bangkit/accounts/testing.py`) holds the permission; it
inherits the tests below for anonymous users, users without the permission, users with it, and users whose
jurisdiction does not cover the record (404). `bangkit/core/tests/test_meta.py` fails for any model shown by a
scoped view or API that has no such test.

    class TestOrganisationAccess(ScopedModelTests):
        model = Organisation
        permitted_user = "kupang_case_worker"
        list_url = "accounts:organisation_list"
        detail_url = "accounts:organisation_detail"
        api_list_url = "organisation-list"
        api_detail_url = "organisation-detail"
        list_queries = 8

        def make(self, people, place):  # place is "kupang" or "indramayu"
            ...
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


class ScopedModelTests(ABC):
    model: ClassVar[type[models.Model]]
    permitted_user: ClassVar[str]
    unpermitted_user: ClassVar[str] = "kupang_nobody"
    list_url: ClassVar[str | None] = None
    detail_url: ClassVar[str | None] = None
    api_list_url: ClassVar[str | None] = None
    api_detail_url: ClassVar[str | None] = None
    # Queries of the list page; the same with one record as with several (no N+1).
    list_queries: ClassVar[int | None] = None

    @abstractmethod
    def make(self, people: Any, place: str) -> models.Model:
        """A new record located in Kabupaten Kupang (`place="kupang"`) or Kabupaten Indramayu ("indramayu")."""

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

    def test_it_hides_records_of_another_jurisdiction(self, client: Any, api_client: Any, people: Any) -> None:
        obj = self.make(people, "indramayu")
        client.force_login(getattr(people, self.permitted_user))
        api_client.force_authenticate(getattr(people, self.permitted_user))
        if self.list_url:
            response = client.get(reverse(self.list_url))
            assert obj.pk not in {item.pk for item in response.context["object_list"]}
        if self.detail_url:
            assert client.get(reverse(self.detail_url, args=[obj.pk])).status_code == 404
        if self.api_list_url:
            assert obj.pk not in _ids(api_client.get(reverse(self.api_list_url)).json())
        if self.api_detail_url:
            assert api_client.get(reverse(self.api_detail_url, args=[obj.pk])).status_code == 404

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


def _ids(body: Any) -> set[Any]:
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    return {item["id"] for item in items}
