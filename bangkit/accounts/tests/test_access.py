from __future__ import annotations

from typing import Any

from bangkit.accounts.models import Organisation, OrganisationKind, User
from bangkit.accounts.testing import make_user
from bangkit.core.testing.cases import ScopedModelTests

_PLACES = {"kupang": "53.01", "indramayu": "32.12"}


class TestOrganisationAccess(ScopedModelTests):
    model = Organisation
    permitted_user = "kupang_case_worker"
    writer_user = "kupang_admin"
    reader_user = "kupang_case_worker"
    list_url = "accounts:organisation_list"
    detail_url = "accounts:organisation_detail"
    edit_url = "accounts:organisation_edit"
    api_list_url = "organisation-list"
    api_detail_url = "organisation-detail"
    api_writes = {"put", "patch"}
    list_queries = 7

    def make(self, people: Any, place: str) -> Organisation:
        count = Organisation.objects.count()
        return Organisation.objects.create(
            name=f"LKS Uji {count}", kind=OrganisationKind.LKS, region=people.regions[_PLACES[place]]
        )

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"name": f"{obj.name} (diubah)"}


class TestUserAccess(ScopedModelTests):
    model = User
    permitted_user = "kupang_admin"
    reader_user = "kupang_supervisor"
    list_url = "accounts:user_list"
    detail_url = "accounts:user_detail"
    edit_url = "accounts:user_edit"
    api_list_url = "user-list"
    api_detail_url = "user-detail"
    api_writes = ()  # read-only: users are changed through the pages
    list_queries = 8

    def make(self, people: Any, place: str) -> User:
        organisation = people.orgs.kupang_lks if place == "kupang" else people.orgs.indramayu_dinsos
        return make_user(f"user{User.objects.count()}@{place}.test.id", organisation)

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"full_name": f"{obj.full_name} Diubah"}
