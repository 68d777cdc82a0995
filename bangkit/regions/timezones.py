"""Indonesia's three time zones by province: times are stored in UTC and shown in the user's zone."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.utils import timezone

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

# Province codes (Kemendagri) outside WIB; every other province keeps Western Indonesian Time.
_WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})


def province_time_zone(region_code: str) -> str:
    """The IANA zone of the province that `region_code` (any level, dotted) lies in."""
    province = region_code.split(".", 1)[0]
    if province in _WITA_PROVINCES:
        return WITA
    if province in _WIT_PROVINCES:
        return WIT
    return WIB


def local_today(region_code: str) -> date:
    """Today where `region_code` lies: in Kupang (WITA) the day starts an hour before Jakarta's, in Jayapura two."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(province_time_zone(region_code)))
