"""Among: a long list of ids or codes in one parameter finds exactly what `__in` finds, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from bangkit.accounts.models import User
from bangkit.core.expressions import Among
from bangkit.core.testing.regions import create_seed_regions
from bangkit.regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_finds_the_users_whose_ids_are_listed_among_thousands_of_others(people: Any) -> None:
    wanted = [people.kupang_case_worker.pk, people.indramayu_case_worker.pk]
    ids = [*range(10**6, 10**6 + 20_000), *wanted]

    found = set(User.objects.filter(Among("pk", ids)).values_list("pk", flat=True))

    assert found == set(wanted)


def test_it_finds_regions_by_code_and_follows_relations() -> None:
    create_seed_regions()
    codes = ["53", "53.01", "99.99"]

    assert set(Region.objects.filter(Among("code", codes)).values_list("code", flat=True)) == {"53", "53.01"}
    children = Region.objects.filter(Among("parent__code", ["53"])).values_list("code", flat=True)
    assert set(children) == set(Region.objects.filter(parent__code="53").values_list("code", flat=True))


def test_an_empty_list_finds_nothing(people: Any) -> None:
    assert not User.objects.filter(Among("pk", [])).exists()
    assert not Region.objects.filter(Among("code", [])).exists()
