"""Building blocks of the assistance tests: finance officers of Kupang, recipients who meet a cash scheme's rules,
the Kupang 2019 scheme, a filled tranche."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from bangkit.accounts.roles import Role
from bangkit.accounts.testing import People, make_user
from bangkit.assistance import services
from bangkit.assistance.choices import SchemeKind
from bangkit.assistance.models import Scheme, Tranche
from bangkit.registry.choices import BankAccountStatus, ConsentPurpose
from bangkit.registry.models import Bank, BankAccount, Consent, Person
from bangkit.registry.testing import make_person

DECREE: dict[str, Any] = {"decree_number": "SK.123/RSTS/XI/2019", "decree_date": date(2019, 11, 12)}


def finance_officer(people: People, name: str, place: str = "53.01") -> Any:
    return make_user(f"{name}@test.id", people.orgs.kupang_dinsos, (Role.FINANCE_OFFICER, people.regions[place]))


def recipient(people: People, name: str, *, account: bool = True, consent: bool = True, **fields: Any) -> Person:
    """A Kupang person with (by default) a verified primary account and a consent to receive assistance."""
    person = make_person(people, full_name=name, **fields)
    if account:
        BankAccount.objects.create(
            person=person,
            bank=Bank.objects.get(code="002"),
            account_number="0123-01-000456-50-9",
            holder_name=name,
            status=BankAccountStatus.VERIFIED,
            verification_method="passbook",
            verified_by=people.kupang_supervisor,
            verified_at=timezone.now(),
        )
    if consent:
        Consent.objects.create(
            person=person,
            purpose=ConsentPurpose.ASSISTANCE,
            signed_on=date(2019, 11, 13),
            recorded_by=people.kupang_case_worker,
        )
    return person


def cash_scheme(people: People, **fields: Any) -> Scheme:
    values: dict[str, Any] = {
        "name": "Bantuan stimulan usaha KPO 2019, Kabupaten Kupang",
        "legal_basis": "Permensos 9/2018",
        "organisation": people.orgs.kupang_dinsos,
        "region": people.regions["53.01"],
        "year": 2019,
        "kind": SchemeKind.CASH,
        "amount_per_person": 900_000,
        "budget_ceiling": 225_000_000,
        **fields,
    }
    return services.scheme_save(actor=people.kupang_program_officer, **values)


def filled_tranche(people: People, maker: Any, scheme: Scheme | None = None) -> Tranche:
    tranche = services.tranche_create(actor=maker, scheme=scheme or cash_scheme(people))
    services.tranche_fill(actor=maker, tranche=tranche)
    return tranche
