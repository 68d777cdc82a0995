"""Test records for the registry: people in Kabupaten Kupang and Kabupaten Indramayu with real region codes.

The two NIKs of the foundation issue belong to the first Kupang woman and man; others are built from
the place, birth date, sex and a serial, so they are always well formed and consistent.
"""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from bangkit.accounts.testing import People
from bangkit.regions.nik import build_nik
from bangkit.registry.models import Person

# place → (village, district of first NIK issue, registering organisation attribute on People.orgs)
PLACES = {
    "kupang": ("53.01.08.1007", "53.01.08", "kupang_lks"),
    "indramayu": ("32.12.04.2013", "32.12.04", "indramayu_dinsos"),
}
_serials = count(1)


_NTT_FIRST = (
    "Maria",
    "Yohanes",
    "Agustina",
    "Yakobus",
    "Theresia",
    "Fransiskus",
    "Yuliana",
    "Petrus",
    "Margaretha",
    "Marten",
)
_NTT_MIDDLE = ("Goreti", "Paulus", "Natalia", "Kornelis", "Imelda")
_NTT_LAST = ("Bria", "Nahak", "Seran", "Tefa", "Lake", "Bani", "Kase", "Nomleni", "Sau", "Taek")


def ntt_names(count: int) -> list[str]:
    """`count` (up to 500) different names as NTT's registers hold them, for lists of people printed or enrolled."""
    return [f"{first} {middle} {last}" for last in _NTT_LAST for middle in _NTT_MIDDLE for first in _NTT_FIRST][:count]


def make_person(people: People, place: str = "kupang", **fields: Any) -> Person:
    """A person living in `place`, saved directly (no service, no duplicate check): for tests of other things."""
    village, district, organisation = PLACES[place]
    sex = fields.pop("sex", "F")
    birth_date = fields.pop("birth_date", date(1990, 7, 1))
    values: dict[str, Any] = {
        "full_name": "Maria Goreti Bria" if sex == "F" else "Yohanes Nahak",
        "sex": sex,
        "birth_date": birth_date,
        "region": people.regions[village],
        "organisation": getattr(people.orgs, organisation),
        "nik": build_nik(district, birth_date, sex, next(_serials)),
        **fields,
    }
    return Person.objects.create(**values)
