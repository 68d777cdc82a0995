"""The case timeline: one typed writer per kind of event, called by the service that did the thing.

Summaries are written for anyone who may see the case: they name states, kinds and dates, never a person's
identifiers or the text of a note.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import Case, CaseEvent


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
