"""Generated authorization tests for people and for their phones, documents and household."""

from __future__ import annotations

from typing import Any

from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.models import HouseholdMember, IdentityDocument, Person, Phone
from bangkit.registry.testing import make_person


class TestPersonAccess(ScopedModelTests):
    model = Person
    permitted_user = "kupang_case_worker"
    reader_user = "kupang_program_officer"
    unpermitted_user = "national_analyst"
    list_url = "registry:person_list"
    detail_url = "registry:person_detail"
    edit_url = "registry:person_edit"
    api_list_url = "person-list"
    api_detail_url = "person-detail"
    api_writes = {"patch"}
    list_queries = 6

    def make(self, people: Any, place: str) -> Person:
        return make_person(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"street": "Jl. Timor Raya km 20"}

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"street": "Jl. Timor Raya km 20", "region": obj.region_id, "birth_date": "1990-07-01"}


class _PersonChildAccess(ScopedModelTests):
    permitted_user = "kupang_case_worker"
    unpermitted_user = "national_analyst"
    edit_url = None


class TestPhoneAccess(_PersonChildAccess):
    model = Phone

    def make(self, people: Any, place: str) -> Phone:
        return Phone.objects.create(person=make_person(people, place), number="081234567890")


class TestIdentityDocumentAccess(_PersonChildAccess):
    model = IdentityDocument

    def make(self, people: Any, place: str) -> IdentityDocument:
        return IdentityDocument.objects.create(person=make_person(people, place), kind="passport", number="C1234567")


class TestHouseholdMemberAccess(_PersonChildAccess):
    model = HouseholdMember

    def make(self, people: Any, place: str) -> HouseholdMember:
        return HouseholdMember.objects.create(person=make_person(people, place), name="Anak", relationship="child")
