"""The registry's pure rules live in `registry/validation.py` only: the services refuse what the import refuses,
with the same words, because both ask the same functions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.core.exceptions import ServiceError
from bangkit.registry import validation
from bangkit.registry.models import Phone
from bangkit.registry.services.migration import migration_stay_create
from bangkit.registry.services.people import phone_save
from bangkit.registry.testing import make_person


def _refusal(call: Any, **kwargs: Any) -> tuple[str | None, str]:
    with pytest.raises(ServiceError) as refused:
        call(**kwargs)
    return refused.value.field, refused.value.message


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"departed_on": timedelta(days=3)}, "departed_on"),
        ({"departed_on": date(1980, 1, 1)}, "departed_on"),
        ({"departed_on": date(2019, 1, 1), "returned_on": date(2018, 1, 1)}, "returned_on"),
    ],
)
def test_it_refuses_the_stay_dates_the_import_refuses_with_its_words(
    people: People, dates: dict[str, Any], field: str
) -> None:
    today = timezone.localdate()
    dates = {name: today + day if isinstance(day, timedelta) else day for name, day in dates.items()}
    person = make_person(people, birth_date=date(1990, 7, 1))
    expected = validation.stay_date_problems(
        departed_on=dates.get("departed_on"),
        returned_on=dates.get("returned_on"),
        birth_date=person.birth_date,
        birth_date_estimated=False,
        today=today,
    )
    assert (
        _refusal(migration_stay_create, actor=people.kupang_case_worker, person=person, country="MY", **dates)
        == expected[0]
    )


def test_it_refuses_a_stay_at_home_and_a_no_document_with_documents(people: People) -> None:
    person = make_person(people)
    worker = people.kupang_case_worker
    assert _refusal(migration_stay_create, actor=worker, person=person, country="id") == (
        "country",
        validation.stay_country_problem(validation.HOME_COUNTRY),
    )
    assert _refusal(
        migration_stay_create, actor=worker, person=person, country="MY", documents_held=["none", "passport"]
    ) == ("documents_held", validation.documents_held_problem(["none", "passport"]))
    stay = migration_stay_create(actor=worker, person=person, country="MY", debarkation_point="  tanjung  pinang ")
    assert stay.debarkation_point == validation.debarkation_point("tanjung pinang") == "Tanjung Pinang"


def test_it_cleans_and_refuses_phone_numbers_as_the_import_does(people: People) -> None:
    person = make_person(people)
    phone = phone_save(actor=people.kupang_case_worker, phone=Phone(person=person, number="(0812) 3456-7890"))
    assert phone.number == validation.clean_phone_number("(0812) 3456-7890") == "081234567890"
    with pytest.raises(ServiceError) as expected:
        validation.clean_phone_number("0812")
    assert _refusal(phone_save, actor=people.kupang_case_worker, phone=Phone(person=person, number="0812")) == (
        "number",
        expected.value.message,
    )


def test_it_estimates_a_birth_date_from_an_age_in_range() -> None:
    assert validation.estimated_birth_date(30, today=date(2026, 3, 1)) == date(1996, 7, 1)
    assert [validation.estimated_age_valid(age) for age in (-1, 0, 120, 121)] == [False, True, True, False]
