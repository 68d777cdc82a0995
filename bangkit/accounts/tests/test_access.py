from __future__ import annotations

from typing import Any

from bangkit.accounts.models import Organisation, OrganisationKind, User
from bangkit.accounts.testing import make_user
from bangkit.core.testing.cases import ScopedModelTests

_PLACES = {"kupang": "53.01", "indramayu": "32.12"}


class TestOrganisationAccess(ScopedModelTests):
    model = Organisation
    permitted_user = "kupang_case_worker"
    list_url = "accounts:organisation_list"
    detail_url = "accounts:organisation_detail"
    api_list_url = "organisation-list"
    api_detail_url = "organisation-detail"
    list_queries = 7

    def make(self, people: Any, place: str) -> Organisation:
        count = Organisation.objects.count()
        return Organisation.objects.create(
            name=f"LKS Uji {count}", kind=OrganisationKind.LKS, region=people.regions[_PLACES[place]]
        )


class TestUserAccess(ScopedModelTests):
    model = User
    permitted_user = "kupang_admin"
    list_url = "accounts:user_list"
    detail_url = "accounts:user_detail"
    api_list_url = "user-list"
    api_detail_url = "user-detail"
    list_queries = 8

    def make(self, people: Any, place: str) -> User:
        organisation = people.orgs.kupang_lks if place == "kupang" else people.orgs.indramayu_dinsos
        return make_user(f"user{User.objects.count()}@{place}.test.id", organisation)
