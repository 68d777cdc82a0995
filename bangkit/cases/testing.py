"""Test records for cases: a case in Kabupaten Kupang or Kabupaten Indramayu, opened through the service."""

from __future__ import annotations

from typing import Any

from bangkit.accounts.testing import People
from bangkit.cases.models import Case
from bangkit.cases.services.cases import case_open
from bangkit.registry.testing import make_person

# place → the case worker who opens cases there
CASE_WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}


def make_case(people: People, place: str = "kupang", *, person: Any = None, **fields: Any) -> Case:
    """An open case ("referral received") of a new person living in `place`, opened by that place's case worker
    and assigned to them."""
    worker = getattr(people, CASE_WORKERS[place])
    values: dict[str, Any] = {
        "category": "kpo",
        "referral_source": "bp3mi",
        "case_worker": worker,
        **fields,
    }
    return case_open(actor=worker, person=person or make_person(people, place), **values)
