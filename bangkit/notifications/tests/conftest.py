from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bangkit.notifications.testing import FAKE_GATEWAY, FakeGateway


@pytest.fixture(autouse=True)
def gateway(settings: Any) -> Iterator[type[FakeGateway]]:
    """Messages go to the fake gateway; no quiet hours unless a test sets them, so that the wall clock never decides
    a test's outcome."""
    settings.BANGKIT_MESSAGE_GATEWAY = FAKE_GATEWAY
    settings.BANGKIT_MESSAGE_QUIET_HOURS = ""
    FakeGateway.reset()
    yield FakeGateway
    FakeGateway.reset()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the time everything reads (`clock.set(aware datetime)`); each reading is a microsecond later than the
    last, as the history expects of a real clock."""

    class Clock:
        def set(self, moment: datetime) -> datetime:
            ticks = itertools.count()
            monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(microseconds=next(ticks)))
            return moment

    return Clock()
