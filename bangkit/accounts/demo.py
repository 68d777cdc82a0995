"""Demo organisations of the two seed events and one user per role for each, plus a second finance officer in each
regency's Dinas Sosial, who approves the tranches the first one prepares (demo only: known password)."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings

from bangkit.accounts.models import Grant, Organisation, OrganisationKind, User
from bangkit.accounts.roles import Role
from bangkit.regions.models import Region

DEMO_PASSWORD = "Bangkit-Demo-2026"  # noqa: S105 - printed on purpose: demo data only, refused in production
DEMO_EMAIL_DOMAIN = "demo.bangkit.id"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    short_name: str
    kind: str
    region_code: str
    jurisdiction_codes: tuple[str | None, ...]  # None: all Indonesia


DEMO_ORGANISATIONS = [
    DemoOrganisation(
        slug="rsts",
        name="Direktorat Rehabilitasi Sosial Tuna Sosial dan Korban Perdagangan Orang",
        short_name="Direktorat RSTS & KPO",
        kind=OrganisationKind.KEMENSOS_UNIT,
        region_code="31.71",
        jurisdiction_codes=(None,),
    ),
    DemoOrganisation(
        slug="dinsos-ntt",
        name="Dinas Sosial Provinsi Nusa Tenggara Timur",
        short_name="Dinsos Provinsi NTT",
        kind=OrganisationKind.DINSOS_PROVINCE,
        region_code="53",
        jurisdiction_codes=("53",),
    ),
    DemoOrganisation(
        slug="dinsos-kupang",
        name="Dinas Sosial Kabupaten Kupang",
        short_name="Dinsos Kabupaten Kupang",
        kind=OrganisationKind.DINSOS_REGENCY,
        region_code="53.01",
        jurisdiction_codes=("53.01",),
    ),
    # The LKS sits in Kota Kupang and works with the survivors of Kabupaten Kupang too.
    DemoOrganisation(
        slug="lks-rpk",
        name="LKS Rumah Perempuan Kupang",
        short_name="Rumah Perempuan Kupang",
        kind=OrganisationKind.LKS,
        region_code="53.71",
        jurisdiction_codes=("53.01", "53.71"),
    ),
    DemoOrganisation(
        slug="dinsos-indramayu",
        name="Dinas Sosial Kabupaten Indramayu",
        short_name="Dinsos Kabupaten Indramayu",
        kind=OrganisationKind.DINSOS_REGENCY,
        region_code="32.12",
        jurisdiction_codes=("32.12",),
    ),
    DemoOrganisation(
        slug="rsbm-tunas-mandiri",
        name="RSBM Tunas Mandiri",
        short_name="RSBM Tunas Mandiri",
        kind=OrganisationKind.RSBM,
        region_code="32.12.04.2013",
        jurisdiction_codes=("32.12",),
    ),
]

ROLE_SLUGS = {
    Role.CASE_WORKER: "pendamping",
    Role.SUPERVISOR: "supervisor",
    Role.PROGRAM_OFFICER: "program",
    Role.FINANCE_OFFICER: "keuangan",
    Role.ANALYST: "analis",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "admin",
}


@dataclass(frozen=True)
class DemoExtraUser:
    """A further user of an organisation, beside its one user per role."""

    organisation: str  # slug
    role: str
    mailbox: str  # the part of the e-mail address before the @
    title: str  # how the list of logins and the user's full name call them


APPROVER_MAILBOX = "penyetuju"

# Maker-checker: the preparer of a tranche never approves it, so each Dinas Sosial that pays has two finance
# officers, one who prepares (the role's user, keuangan@) and one who approves (penyetuju@).
DEMO_EXTRA_USERS = (
    DemoExtraUser("dinsos-kupang", Role.FINANCE_OFFICER, APPROVER_MAILBOX, "Penyetuju keuangan"),
    DemoExtraUser("dinsos-indramayu", Role.FINANCE_OFFICER, APPROVER_MAILBOX, "Penyetuju keuangan"),
)


@dataclass(frozen=True)
class DemoLogin:
    organisation: str
    role: str
    email: str
    totp_secret: str | None
    recovery_codes: tuple[str, ...]


def demo_email(org_slug: str, role: str) -> str:
    return f"{ROLE_SLUGS[Role(role)]}@{org_slug}.{DEMO_EMAIL_DOMAIN}"


def demo_approver_email(org_slug: str) -> str:
    """The e-mail of the organisation's second finance officer, who approves the tranches the first prepares."""
    return f"{APPROVER_MAILBOX}@{org_slug}.{DEMO_EMAIL_DOMAIN}"


def _extra_email(spec: DemoExtraUser) -> str:
    return f"{spec.mailbox}@{spec.organisation}.{DEMO_EMAIL_DOMAIN}"


def _demo_users(spec: DemoOrganisation) -> list[tuple[str, str, str]]:
    """(e-mail, role, title) of each demo user of the organisation: one per role, then its further users."""
    users = [(demo_email(spec.slug, role), str(role), str(role.label)) for role in Role]
    users += [
        (_extra_email(extra), extra.role, extra.title) for extra in DEMO_EXTRA_USERS if extra.organisation == spec.slug
    ]
    return users


def load_demo_accounts() -> list[str]:
    """Creates the demo organisations and users that are missing, and leaves alone what exists.

    A demo user's grants, password and second factor are set up only when the user is created: what an
    administrator changed since (a revoked grant, a new password, a deactivated account, an edited organisation)
    stays as they left it when the demo is loaded again.
    """
    new_organisations = new_users = 0
    for spec in DEMO_ORGANISATIONS:
        organisation, was_created = Organisation.objects.get_or_create(
            name=spec.name,
            region=Region.objects.get(code=spec.region_code),
            defaults={"short_name": spec.short_name, "kind": spec.kind},
        )
        new_organisations += was_created
        jurisdictions = [Region.objects.get(code=code) if code else None for code in spec.jurisdiction_codes]
        for email, role, title in _demo_users(spec):
            if User.objects.filter(email=email).exists():
                continue
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=f"{title} — {spec.short_name}",
                organisation=organisation,
            )
            new_users += 1
            for jurisdiction in jurisdictions:
                Grant.objects.create(user=user, role=role, region=jurisdiction)
            if role in settings.BANGKIT_MFA_REQUIRED_ROLES:
                TOTP.activate(user, generate_totp_secret())
                RecoveryCodes.activate(user)
    return [f"{new_organisations} new demo organisations, {new_users} new demo users"]


def demo_logins() -> list[DemoLogin]:
    logins = []
    for spec in DEMO_ORGANISATIONS:
        for email, _role, title in _demo_users(spec):
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
            logins.append(
                DemoLogin(
                    organisation=spec.short_name,
                    role=title,
                    email=user.email,
                    totp_secret=decrypt(totp.data["secret"]) if totp else None,
                    recovery_codes=tuple(RecoveryCodes(codes).get_unused_codes()) if codes else (),
                )
            )
    return logins
