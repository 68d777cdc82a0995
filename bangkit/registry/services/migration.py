"""Migration history: each stay abroad of a person, created, corrected or deleted (a stay entered by mistake).

Dates are checked against each other, against today and against the person's birth; two stays with known dates
may not overlap (a person is in one country at a time). The debarkation point is free text with suggestions
(`choices.DEBARKATION_POINTS`): a suggestion typed in another case is stored as the suggestion is spelt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.core.exceptions import ServiceError
from bangkit.registry.models import MigrationStay, Person
from bangkit.registry.selectors.details import country_name, refuse_merged, require_on_person
from bangkit.registry.services.bank_accounts import clean_record

# The pure rules of a stay (country, dates, documents, debarkation point) live in validation.py, shared with the
# import; here the checks that need the database.
from bangkit.registry.validation import (
    debarkation_point,
    documents_held_problem,
    stay_country_problem,
    stay_date_problems,
)

# The fields a caller may set, all optional but the country.
STAY_FIELDS = (
    "country",
    "city",
    "work_sector",
    "employer",
    "recruiting_agency",
    "agency_licensed",
    "departure_route",
    "documents_held",
    "departed_on",
    "returned_on",
    "return_mode",
    "debarkation_point",
    "referred_by",
)
_TEXT_FIELDS = ("city", "employer", "recruiting_agency", "debarkation_point")
_CONSTRAINTS = {"stay_returned_after_departure": "returned_on"}


def _apply(stay: MigrationStay, values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(STAY_FIELDS))
    if unknown:
        raise TypeError(f"unknown migration stay fields: {', '.join(unknown)}")
    for name, value in values.items():
        if name in _TEXT_FIELDS:
            value = " ".join((value or "").split())
        if name == "debarkation_point":
            value = debarkation_point(value)
        if name == "country":
            value = (value or "").strip().upper()
        if name == "documents_held":
            value = sorted(set(value or []))
        setattr(stay, name, value)


def _check(stay: MigrationStay, person: Person) -> None:
    """Refuses the stay's first problem, in the order a reader meets them: country, dates, documents, overlap."""
    problem = stay_country_problem(stay.country)
    if problem:
        raise ServiceError(problem, field="country")
    dates = stay_date_problems(
        departed_on=stay.departed_on,
        returned_on=stay.returned_on,
        birth_date=person.birth_date,
        birth_date_estimated=person.birth_date_estimated,
        today=timezone.localdate(),
    )
    if dates:
        field, message = dates[0]
        raise ServiceError(message, field=field)
    problem = documents_held_problem(stay.documents_held or [])
    if problem:
        raise ServiceError(problem, field="documents_held")
    _check_overlap(stay)


def _check_overlap(stay: MigrationStay) -> None:
    """Two stays whose known periods overlap (an ongoing stay runs until today) cannot both be right."""
    if stay.departed_on is None:
        return
    end = stay.returned_on or timezone.localdate()
    others = MigrationStay.objects.filter(person_id=stay.person_id, departed_on__isnull=False, departed_on__lt=end)
    if stay.pk:
        others = others.exclude(pk=stay.pk)
    for other in others.order_by("departed_on"):
        other_end = other.returned_on or timezone.localdate()
        if other_end > stay.departed_on:
            raise ServiceError(
                _("Periode ini tumpang tindih dengan riwayat lain: %(country)s, %(start)s – %(end)s.")
                % {
                    "country": country_name(other.country.code),
                    "start": formats.date_format(other.departed_on, "SHORT_DATE_FORMAT") if other.departed_on else "…",
                    "end": formats.date_format(other.returned_on, "SHORT_DATE_FORMAT") if other.returned_on else "…",
                },
                field="departed_on",
            )


@transaction.atomic
def migration_stay_create(*, actor: User, person: Person, country: str, **fields: Any) -> MigrationStay:
    """Records a stay abroad; `fields` are any of STAY_FIELDS."""
    require_on_person(actor, MigrationStay, "add", person)
    refuse_merged(person)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per person: overlaps decided here
    stay = MigrationStay(person=person)
    _apply(stay, {"country": country, **fields})
    _check(stay, person)
    clean_record(stay, constraint_fields=_CONSTRAINTS)
    stay.save()
    return stay


@transaction.atomic
def migration_stay_update(*, actor: User, stay: MigrationStay, **fields: Any) -> MigrationStay:
    """Corrects a stay; only the fields given change."""
    person = stay.person
    require_on_person(actor, MigrationStay, "change", person)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    stay = MigrationStay.objects.select_for_update().get(pk=stay.pk)
    _apply(stay, fields)
    _check(stay, person)
    clean_record(stay, constraint_fields=_CONSTRAINTS)
    stay.save()
    return stay


@transaction.atomic
def migration_stay_delete(*, actor: User, stay: MigrationStay) -> None:
    """Deletes a stay recorded by mistake; the deletion, with the values, stays in the history."""
    require_on_person(actor, MigrationStay, "delete", stay.person)
    stay.delete()


def stays_as_text(stays: Iterable[MigrationStay]) -> str:
    """`Malaysia 2017–2019; Arab Saudi 2014–2015`: a short summary for a person's page or a PDF."""
    parts = []
    for stay in stays:
        years = "–".join(str(day.year) for day in (stay.departed_on, stay.returned_on) if day is not None)
        parts.append(f"{country_name(stay.country.code)} {years}".strip())
    return "; ".join(parts)
