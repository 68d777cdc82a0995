"""The case timeline: one typed writer per kind of event, called by the service that did the thing.

Summaries are written for anyone who may see the case: they name states, kinds and dates, never a person's
identifiers or the text of a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import Case, CaseEvent
from bangkit.core.bulk import insert_rows
from bangkit.core.expressions import Among


def record_event(
    *,
    case: Case,
    kind: CaseEventKind | str,
    actor: Any,
    summary: str,
    from_state: str = "",
    to_state: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        summary=summary[:500],
        from_state=from_state,
        to_state=to_state,
    )


def record_person_events(*, summaries: Iterable[tuple[int, str]], kind: CaseEventKind | str, actor: Any) -> int:
    """Writes each (person id, summary) to the timeline of that person's current case — the open one, else the one
    closed last — for services of other apps that act on many people at once, in multi-row inserts. People
    without a case get no line. Returns how many lines were written."""
    summaries = list(summaries)
    current: dict[int, int] = {}
    cases = Case.objects.filter(Among("person_id", {person_id for person_id, _summary in summaries})).order_by(
        "person_id", F("closed_on").desc(nulls_first=True), "-id"
    )
    for person_id, case_id in cases.values_list("person_id", "pk"):
        current.setdefault(person_id, case_id)
    now = timezone.now()
    stamp = CaseEvent._meta.get_field("at").get_db_prep_save(now, connection)
    by = actor.pk if getattr(actor, "is_authenticated", False) else None
    # Timeline lines carry no history of their own (they are history): a plain multi-row insert will do.
    return insert_rows(
        CaseEvent,
        ("created_at", "updated_at", "case", "kind", "at", "actor", "from_state", "to_state", "summary"),
        [
            (stamp, stamp, current[person_id], str(kind), stamp, by, "", "", summary[:500])
            for person_id, summary in summaries
            if person_id in current
        ],
    )
