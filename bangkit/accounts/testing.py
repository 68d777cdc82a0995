"""Fixed test users per role and region, so that authorization tests read like sentences.

`people.kupang_case_worker` works at LKS Rumah Perempuan Kupang with a case-worker grant on Kabupaten Kupang;
`people.indramayu_case_worker` the same in Kabupaten Indramayu; `people.kupang_nobody` belongs to a Kupang
organisation but holds no role; national users hold grants on all Indonesia.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
from bangkit.accounts.roles import Role
from bangkit.core.testing.regions import create_seed_regions
from bangkit.regions.models import Region

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only


@dataclass
class Organisations:
    directorate: Organisation
    kupang_lks: Organisation
    kupang_dinsos: Organisation
    indramayu_dinsos: Organisation


@dataclass
class People:
    regions: dict[str, Region]
    orgs: Organisations
    kupang_case_worker: User
    kupang_supervisor: User
    kupang_admin: User
    kupang_nobody: User
    kupang_program_officer: User
    indramayu_case_worker: User
    indramayu_supervisor: User
    indramayu_admin: User
    national_finance_officer: User
    national_analyst: User
    national_auditor: User
    national_admin: User


def make_user(email: str, organisation: Organisation, *grants: tuple[str, Region | None]) -> User:
    user = User.objects.create_user(
        email=email,
        password=TEST_PASSWORD,
        full_name=email.split("@")[0].replace(".", " ").title(),
        organisation=organisation,
    )
    for role, region in grants:
        Grant.objects.create(user=user, role=role, region=region)
    return user


def create_people() -> People:
    regions = create_seed_regions()
    kupang, indramayu = regions["53.01"], regions["32.12"]
    orgs = Organisations(
        directorate=Organisation.objects.create(
            name="Direktorat RSTS & KPO", kind=OrganisationKind.KEMENSOS_UNIT, region=regions["31.71"]
        ),
        kupang_lks=Organisation.objects.create(
            name="LKS Rumah Perempuan Kupang", kind=OrganisationKind.LKS, region=kupang
        ),
        kupang_dinsos=Organisation.objects.create(
            name="Dinas Sosial Kabupaten Kupang", kind=OrganisationKind.DINSOS_REGENCY, region=kupang
        ),
        indramayu_dinsos=Organisation.objects.create(
            name="Dinas Sosial Kabupaten Indramayu", kind=OrganisationKind.DINSOS_REGENCY, region=indramayu
        ),
    )
    return People(
        regions=regions,
        orgs=orgs,
        kupang_case_worker=make_user("kupang.worker@test.id", orgs.kupang_lks, (Role.CASE_WORKER, kupang)),
        kupang_supervisor=make_user("kupang.supervisor@test.id", orgs.kupang_dinsos, (Role.SUPERVISOR, kupang)),
        kupang_admin=make_user("kupang.admin@test.id", orgs.kupang_dinsos, (Role.ADMINISTRATOR, kupang)),
        kupang_nobody=make_user("kupang.nobody@test.id", orgs.kupang_lks),
        kupang_program_officer=make_user(
            "kupang.programme@test.id", orgs.kupang_dinsos, (Role.PROGRAM_OFFICER, kupang)
        ),
        indramayu_case_worker=make_user(
            "indramayu.worker@test.id", orgs.indramayu_dinsos, (Role.CASE_WORKER, indramayu)
        ),
        indramayu_supervisor=make_user(
            "indramayu.supervisor@test.id", orgs.indramayu_dinsos, (Role.SUPERVISOR, indramayu)
        ),
        indramayu_admin=make_user("indramayu.admin@test.id", orgs.indramayu_dinsos, (Role.ADMINISTRATOR, indramayu)),
        national_finance_officer=make_user("national.finance@test.id", orgs.directorate, (Role.FINANCE_OFFICER, None)),
        national_analyst=make_user("national.analyst@test.id", orgs.directorate, (Role.ANALYST, None)),
        national_auditor=make_user("national.auditor@test.id", orgs.directorate, (Role.AUDITOR, None)),
        national_admin=make_user("national.admin@test.id", orgs.directorate, (Role.ADMINISTRATOR, None)),
    )


def local_today(user: User) -> date:
    """Today where `user` works: what a page they open calls today (WITA is a day ahead of WIB from 16:00 UTC)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone))
