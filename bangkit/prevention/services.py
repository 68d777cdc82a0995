"""Writes of the prevention app: head counts of prevention sessions, and the public checklist's daily tally."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.core.exceptions import ServiceError
from bangkit.core.validation import clean
from bangkit.prevention.models import ChecklistUse, Headcount
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event
from bangkit.programs.services import require_on_event, venue_today
from bangkit.regions.models import Region, RegionLevel
from bangkit.regions.timezones import WIB, province_time_zone

HEADCOUNT_FIELDS = ("date", "women", "men", "youths", "former_migrants")


def _check_headcount(headcount: Headcount) -> None:
    event = headcount.event
    if event.kind != EventKind.PREVENTION:
        raise ServiceError(_("Jumlah hadir hanya dicatat untuk sosialisasi pencegahan."), field="event")
    if event.cancelled_on is not None:
        raise ServiceError(_("Kegiatan ini dibatalkan."), field="event")
    if headcount.date is None:
        return  # clean() names the missing date
    if not event.start_date <= headcount.date <= event.end_date:
        raise ServiceError(
            _("Tanggal sesi harus di antara %(start)s dan %(end)s.")
            % {"start": event.start_date.strftime("%d-%m-%Y"), "end": event.end_date.strftime("%d-%m-%Y")},
            field="date",
        )
    if headcount.date > venue_today(event):
        raise ServiceError(_("Jumlah hadir dicatat setelah sesi berlangsung, bukan sebelumnya."), field="date")


def _save(headcount: Headcount) -> Headcount:
    _check_headcount(headcount)
    clean(headcount)
    try:
        with transaction.atomic():
            headcount.save()
    except IntegrityError as exc:  # the same day recorded at the same moment by someone else
        raise ServiceError(
            _("Jumlah hadir kegiatan ini pada tanggal itu sudah dicatat; ubah catatannya."), field="date"
        ) from exc
    return headcount


def _values(values: dict[str, Any], service: str) -> dict[str, Any]:
    unknown = set(values) - set(HEADCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"{service}: unknown fields {sorted(unknown)}")
    return values


@transaction.atomic
def headcount_create(*, actor: User, event: Event, **values: Any) -> Headcount:
    """Records how many came to one day of a prevention session; `actor` is kept as who counted."""
    require_on_event(actor, "prevention.add_headcount", event)
    return _save(Headcount(event=event, counted_by=actor, **_values(values, "headcount_create")))


@transaction.atomic
def headcount_change(*, actor: User, headcount: Headcount, **values: Any) -> Headcount:
    """Corrects a head count (its day or its numbers; never its event). Who changed what is in the history."""
    require_on_event(actor, "prevention.change_headcount", headcount.event)
    for name, value in _values(values, "headcount_change").items():
        setattr(headcount, name, value)
    return _save(headcount)


def checklist_day(province: Region | None) -> date:
    """Today in the visitor's province (Kupang's day starts an hour before Jakarta's); in WIB when not said."""
    if province is None:
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(WIB))
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(province_time_zone(province.code)))


def checklist_use_record(*, province: Region | None) -> None:
    """Counts one completed checklist for today and `province` (None: not said) — the only trace a visitor leaves.

    The database adds one (`UPDATE ... SET completed = completed + 1`), so simultaneous visitors never overwrite
    each other's count. The day's first visitor inserts the row; when two insert at once, the unique constraint
    refuses the second, which then adds its one to the row the first made.
    """
    if province is not None and province.level != RegionLevel.PROVINCE:
        raise ValueError(f"checklist_use_record: {province.code} is not a province")
    day = checklist_day(province)
    row = ChecklistUse.objects.filter(day=day, province=province)
    if row.update(completed=F("completed") + 1):
        return
    try:
        with transaction.atomic():
            ChecklistUse.objects.create(day=day, province=province, completed=1)
    except IntegrityError:
        row.update(completed=F("completed") + 1)
