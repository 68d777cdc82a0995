"""Reads about a person's details: bank accounts, consents, migration history and trafficking identifications.

Every record here lies where its person lives (`person__region`): a user sees a person's accounts when they hold
`registry.view_bankaccount` over that region, and so on. The lists of a person's page come from here, already
scoped and with what they show fetched in a fixed number of queries; the FilterSets serve the API lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import django_filters
from babel import Locale, UnknownLocaleError
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_countries import countries

from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import covers, permission_name
from bangkit.registry.choices import (
    BankAccountStatus,
    ConsentPurpose,
    IdentificationOutcome,
)
from bangkit.registry.models import (
    BankAccount,
    Consent,
    MigrationStay,
    Person,
    TraffickingIdentification,
)

DETAIL_MODELS = (BankAccount, Consent, MigrationStay, TraffickingIdentification)


def holds_on_person(user: Any, permission: str, person: Person) -> bool:
    """Whether `user` holds `permission` over the region of `person`; no query beyond the user's grants."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return covers(user.jurisdiction_codes(permission), person.region_id)


def require_on_person(actor: Any, model: type[Any], action: str, person: Person, message: str | None = None) -> None:
    """Refuses unless `actor` may see `model` records of `person` (else as if the person did not exist: 404) and
    may take `action` on them there."""
    if not holds_on_person(actor, permission_name(model, "view"), person):
        raise OutOfJurisdiction(_("Orang ini tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_on_person(actor, permission_name(model, action), person):
        raise ServiceError(message or _("Anda tidak berwenang melakukan ini untuk orang ini."))


def refuse_merged(person: Person) -> None:
    """A record merged into another keeps its history but gets nothing new: new details go to the survivor."""
    if person.merged_into_id is not None:
        raise ServiceError(_("Data orang ini sudah digabung ke data lain; catat di data yang dipertahankan."))


def visible_person(user: Any, person_pk: Any) -> Person | None:
    """The person `person_pk` when `user` may see them (else None: the page answers 404)."""
    return Person.objects.restrict(user, "view").select_related("region").filter(pk=person_pk).first()


def person_bank_accounts(*, user: Any, person: Person) -> QuerySet[BankAccount]:
    return (
        BankAccount.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("bank", "verified_by")
        .order_by("-is_primary", "id")
    )


def person_consents(*, user: Any, person: Person) -> QuerySet[Consent]:
    return (
        Consent.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("recorded_by")
        .prefetch_related("shared_with")
        .order_by("-signed_on", "-id")
    )


def person_migration_stays(*, user: Any, person: Person) -> QuerySet[MigrationStay]:
    """Newest stay first: the one with the latest return (an ongoing stay, without a return date, first of all)."""
    return (
        MigrationStay.objects.restrict(user, "view")
        .filter(person=person)
        .order_by(F("returned_on").desc(nulls_first=True), F("departed_on").desc(nulls_last=True), "-id")
    )


def person_identifications(*, user: Any, person: Person) -> QuerySet[TraffickingIdentification]:
    return (
        TraffickingIdentification.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("organisation", "confirmed_by", "recorded_by")
        .order_by("-identified_on", "-id")
    )


def latest_stay(person: Person) -> MigrationStay | None:
    """The person's most recent stay abroad (unscoped: for deriving values, never for showing)."""
    stays = MigrationStay.objects.filter(person=person)
    ongoing = stays.filter(returned_on__isnull=True, departed_on__isnull=False).order_by("-departed_on", "-id")
    return (
        ongoing.first()
        or stays.filter(returned_on__isnull=False).order_by("-returned_on", "-id").first()
        or stays.order_by("-departed_on", "-id").first()
    )


# --- Countries ----------------------------------------------------------------------------------------------

# Where most Indonesian migrant workers go: offered first in the country list.
COMMON_DESTINATIONS = ("MY", "SA", "HK", "TW", "SG", "AE", "BN", "KR", "JP", "QA", "KW", "OM")
# Shorter than CLDR's official names ("Hong Kong DAK Tiongkok").
_SHORT_NAMES = {"HK": "Hong Kong", "MO": "Macau"}


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    """ISO 3166 code → country name in `language`, from CLDR (Babel): django-countries has no Indonesian names."""
    territories: Mapping[str, str]
    try:
        territories = Locale.parse(language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        territories = {}
    return {code: _SHORT_NAMES.get(code) or territories.get(code) or str(name) for code, name in countries}


def country_name(code: str | None) -> str:
    """The country's name in the active language (Indonesian by default): `MY` → `Malaysia`, `SA` → `Arab Saudi`."""
    if not code:
        return ""
    return _country_names(get_language() or "id").get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named in the active language: the common destinations first, then the rest by name."""
    names = _country_names(get_language() or "id")
    first = [(code, names[code]) for code in COMMON_DESTINATIONS if code in names]
    rest = sorted(
        ((code, name) for code, name in names.items() if code not in COMMON_DESTINATIONS and code != "ID"),
        key=lambda item: item[1],
    )
    return first + rest


# --- FilterSets (the API's lists) ---------------------------------------------------------------------------


class _PersonFilterSet(django_filters.FilterSet):
    person = django_filters.NumberFilter(label=_l("ID orang"), field_name="person_id", min_value=1)


class BankAccountFilterSet(_PersonFilterSet):
    status = django_filters.ChoiceFilter(label=_l("Status"), choices=BankAccountStatus.choices)
    name_mismatch = django_filters.BooleanFilter(label=_l("Nama tidak cocok"))
    bank = django_filters.CharFilter(label=_l("Sandi bank"), field_name="bank_id", max_length=3)

    class Meta:
        model = BankAccount
        fields = ["person", "status", "name_mismatch", "bank"]


class ConsentFilterSet(_PersonFilterSet):
    purpose = django_filters.ChoiceFilter(label=_l("Tujuan"), choices=ConsentPurpose.choices)
    in_force = django_filters.BooleanFilter(label=_l("Berlaku hari ini"), method="filter_in_force")

    class Meta:
        model = Consent
        fields = ["person", "purpose", "in_force"]

    def filter_in_force(self, queryset: QuerySet[Consent], name: str, value: bool | None) -> QuerySet[Consent]:
        if value is None:
            return queryset
        today = timezone.localdate()
        in_force = (
            Q(signed_on__lte=today)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        )
        return queryset.filter(in_force) if value else queryset.exclude(in_force)


class MigrationStayFilterSet(_PersonFilterSet):
    country = django_filters.CharFilter(label=_l("Negara (kode ISO)"), max_length=2, method="filter_country")

    class Meta:
        model = MigrationStay
        fields = ["person", "country"]

    def filter_country(self, queryset: QuerySet[MigrationStay], name: str, value: str) -> QuerySet[MigrationStay]:
        return queryset.filter(country=value.upper())


class IdentificationFilterSet(_PersonFilterSet):
    outcome = django_filters.ChoiceFilter(label=_l("Hasil"), choices=IdentificationOutcome.choices)

    class Meta:
        model = TraffickingIdentification
        fields = ["person", "outcome"]
