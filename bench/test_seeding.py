from __future__ import annotations

import pytest

from bangkit.cases.models import Case
from bangkit.regions.loading import read_region_data
from bangkit.regions.models import Region
from bangkit.registry.models import Person, Phone
from bench.seeding import seed_people


def add_regions_under(prefix: str) -> None:
    """The villages the generator may pick under `prefix`, with their districts (the seed regions have few)."""
    for level, rows in sorted(read_region_data().items()):
        Region.objects.bulk_create(
            [
                Region(code=row.code, name=row.name, level=row.level, parent_id=row.parent_id)
                for row in rows
                if row.code.startswith(prefix + ".") and level > 2
            ],
            ignore_conflicts=True,
        )


@pytest.mark.django_db(transaction=True)
def test_it_loads_people_that_the_application_can_find_and_decrypt(people):
    add_regions_under("53.01")
    niks = seed_people(150, organisation_id=people.orgs.kupang_lks.pk, seed=3, region_prefix="53.01")

    assert Person.objects.count() == Case.objects.count() == Phone.objects.count() == 150
    found = Person.objects.filter_exact(nik=niks[17]).get()
    assert found.nik == niks[17]
    assert Person.objects.restrict(people.kupang_case_worker).count() == 150
    assert Person.objects.restrict(people.indramayu_case_worker).count() == 0
    # New rows after the seeded ones get fresh ids on either database.
    assert Person.objects.create(
        full_name="Baru", sex="F", region=found.region, organisation=people.orgs.kupang_lks
    ).pk > max(Person.objects.exclude(full_name="Baru").values_list("pk", flat=True))
