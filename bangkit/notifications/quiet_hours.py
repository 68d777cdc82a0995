"""Quiet hours: no message reaches a person at night, in the person's own time zone.

`MESSAGE_QUIET_HOURS` ("21:00-07:00" by default, "" for none) is read in the zone of the province the person lives
in (WIB, WITA or WIT: `regions.timezones`), so a 20:30 WIB reminder from Jakarta to Jayapura (22:30 WIT) waits
until 07:00 WIT. A message due inside the quiet hours waits until they end.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bangkit.regions.timezones import province_time_zone

_HOURS = re.compile(r"([0-9]{1,2}):([0-9]{2}) *- *([0-9]{1,2}):([0-9]{2})")


def quiet_hours() -> tuple[time, time] | None:
    """(start, end) of the quiet hours, or None when there are none; the setting must be "HH:MM-HH:MM"."""
    value = settings.BANGKIT_MESSAGE_QUIET_HOURS.strip()
    if not value:
        return None
    match = _HOURS.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        start, end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
    except ValueError as exc:
        raise ImproperlyConfigured(f"MESSAGE_QUIET_HOURS must look like 21:00-07:00, not {value!r}") from exc
    if start == end:
        raise ImproperlyConfigured(f"MESSAGE_QUIET_HOURS must start and end at different times, not {value!r}")
    return start, end


def zone_of(region_code: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(province_time_zone(region_code))


def is_quiet(local: time, hours: tuple[time, time]) -> bool:
    start, end = hours
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the quiet hours span midnight


def next_allowed(moment: datetime, region_code: str) -> datetime:
    """`moment` (aware) itself when it lies outside the quiet hours where `region_code` is, else the end of those
    quiet hours; in UTC."""
    hours = quiet_hours()
    local = moment.astimezone(zone_of(region_code))
    if hours is None or not is_quiet(local.time(), hours):
        return moment.astimezone(UTC)
    end = hours[1]
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    # Indonesia keeps no daylight saving time, so the wall-clock end exists exactly once.
    return datetime.combine(day, end, tzinfo=local.tzinfo).astimezone(UTC)
