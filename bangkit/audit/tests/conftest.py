"""The audit tests' own cast: a case worker and an auditor in Kupang, the same in Indramayu, a national auditor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pytest_django.fixtures import Settings

from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
from bangkit.accounts.roles import Role
from bangkit.core.testing.regions import create_seed_regions
from bangkit.regions.models import Region


@dataclass
class Cast:
    kupang: Organisation
    indramayu: Organisation
    national: Organisation
    kupang_worker: User
    kupang_auditor: User
    indramayu_worker: User
    national_auditor: User


def _user(email: str, organisation: Organisation, role: str | None = None, region: Region | None = None) -> User:
    user = User.objects.create_user(
        email=email, password="a-long-test-password", full_name=email.split("@")[0].title(), organisation=organisation
    )
    if role:
        Grant.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture(autouse=True)
def _no_mfa_enrolment(settings: Settings) -> None:
    """Auditors must enrol MFA before seeing any page; that redirect has its own tests and would hide the page here."""
    settings.BANGKIT_MFA_REQUIRED_ROLES = []


@pytest.fixture
def cast(db: None) -> Cast:
    regions = create_seed_regions()
    kupang = Organisation.objects.create(name="LKS Kupang", kind=OrganisationKind.LKS, region=regions["53.01"])
    indramayu = Organisation.objects.create(
        name="Dinsos Indramayu", kind=OrganisationKind.DINSOS_REGENCY, region=regions["32.12"]
    )
    national = Organisation.objects.create(
        name="Inspektorat Jenderal", kind=OrganisationKind.KEMENSOS_UNIT, region=regions["35"]
    )
    return Cast(
        kupang=kupang,
        indramayu=indramayu,
        national=national,
        kupang_worker=_user("kupang.worker@test.id", kupang, Role.CASE_WORKER, regions["53.01"]),
        kupang_auditor=_user("kupang.auditor@test.id", kupang, Role.AUDITOR, regions["53"]),
        indramayu_worker=_user("indramayu.worker@test.id", indramayu, Role.CASE_WORKER, regions["32.12"]),
        national_auditor=_user("national.auditor@test.id", national, Role.AUDITOR),
    )
