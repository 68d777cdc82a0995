"""Quiet hours are read in the person's own zone: WIB in Java, WITA in NTT, WIT in Papua."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from bangkit.notifications.checks import check_message_settings
from bangkit.notifications.quiet_hours import next_allowed

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
KUPANG, INDRAMAYU, JAYAPURA = "53.01.08.1007", "32.12.04.2013", "91.71"


@pytest.fixture(autouse=True)
def _night(settings: Any) -> None:
    settings.BANGKIT_MESSAGE_QUIET_HOURS = "21:00-07:00"


def test_it_sends_during_the_day_at_once() -> None:
    moment = datetime(2025, 3, 4, 15, 0, tzinfo=WITA)
    assert next_allowed(moment, KUPANG) == moment


def test_it_holds_a_late_evening_message_until_seven_the_next_morning() -> None:
    assert next_allowed(datetime(2025, 3, 4, 21, 0, tzinfo=WITA), KUPANG) == datetime(2025, 3, 5, 7, 0, tzinfo=WITA)
    assert next_allowed(datetime(2025, 3, 4, 23, 59, tzinfo=WITA), KUPANG) == datetime(2025, 3, 5, 7, tzinfo=WITA)


def test_it_holds_an_early_morning_message_until_seven_the_same_morning() -> None:
    assert next_allowed(datetime(2025, 3, 5, 6, 59, tzinfo=WITA), KUPANG) == datetime(2025, 3, 5, 7, 0, tzinfo=WITA)
    moment = datetime(2025, 3, 5, 7, 0, tzinfo=WITA)
    assert next_allowed(moment, KUPANG) == moment


def test_it_reads_the_hours_in_the_persons_zone_not_the_senders() -> None:
    # 20:30 in Jakarta is 21:30 in Kupang and 22:30 in Jayapura.
    moment = datetime(2025, 3, 4, 20, 30, tzinfo=WIB)
    assert next_allowed(moment, INDRAMAYU) == moment
    assert next_allowed(moment, KUPANG) == datetime(2025, 3, 5, 7, 0, tzinfo=WITA)
    assert next_allowed(moment, JAYAPURA) == datetime(2025, 3, 5, 7, 0, tzinfo=WIT)
    assert next_allowed(moment, KUPANG).tzinfo == UTC


def test_it_understands_quiet_hours_that_do_not_span_midnight(settings: Any) -> None:
    settings.BANGKIT_MESSAGE_QUIET_HOURS = "12:00-13:00"
    assert next_allowed(datetime(2025, 3, 4, 12, 30, tzinfo=WIB), INDRAMAYU) == datetime(2025, 3, 4, 13, tzinfo=WIB)
    moment = datetime(2025, 3, 4, 23, 0, tzinfo=WIB)
    assert next_allowed(moment, INDRAMAYU) == moment


def test_it_has_no_quiet_hours_when_the_setting_is_empty(settings: Any) -> None:
    settings.BANGKIT_MESSAGE_QUIET_HOURS = ""
    moment = datetime(2025, 3, 4, 23, 0, tzinfo=WITA)
    assert next_allowed(moment, KUPANG) == moment
    assert check_message_settings() == []


@pytest.mark.parametrize("value", ["21-07", "21:00", "07:00-07:00", "25:00-07:00"])
def test_it_refuses_a_malformed_setting_at_start_up(settings: Any, value: str) -> None:
    settings.BANGKIT_MESSAGE_QUIET_HOURS = value
    with pytest.raises(ImproperlyConfigured):
        next_allowed(datetime(2025, 3, 4, 12, tzinfo=WIB), INDRAMAYU)
    assert [error.id for error in check_message_settings()] == ["notifications.E001"]


def test_it_refuses_a_gateway_that_cannot_be_imported(settings: Any) -> None:
    settings.BANGKIT_MESSAGE_GATEWAY = "bangkit.notifications.gateways.NoSuchGateway"
    assert [error.id for error in check_message_settings()] == ["notifications.E002"]
    settings.BANGKIT_MESSAGE_GATEWAY = "bangkit.notifications.gateways.GatewayError"
    assert [error.id for error in check_message_settings()] == ["notifications.E003"]
