"""The audit log's date filters reach the ends of the calendar: a range open on either side is no error.

The first midnight there is (0001-01-01 00:00 WIB) lies before year 1 in UTC, and the day after the last day there is
(9999-12-31) does not exist: both gave 500 before.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from bangkit.audit.tests.conftest import Cast
from bangkit.audit.tests.helpers import rename

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-log/"


@pytest.fixture
def entry_id(cast: Cast) -> int:
    return rename(cast.kupang, "LKS Kupang Baru", by=cast.kupang_worker).pk


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ],
)
# Zones east of the suite's own only: west of it, the grants made "today" would not yet be in force.
@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Jayapura", "Pacific/Kiritimati"])
def test_it_lists_everything_up_to_the_last_and_from_the_first_day_there_is(
    cast: Cast, entry_id: int, params: dict[str, str], zone: str, settings: Settings
) -> None:
    settings.TIME_ZONE = zone  # the zone of a caller without one of their own
    api = APIClient()
    api.force_authenticate(cast.national_auditor)

    response = api.get(URL, params)

    assert response.status_code == 200, response.content
    assert entry_id in [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("params", [{"date_to": "0001-01-01"}, {"date_from": "9999-12-31"}])
def test_it_finds_nothing_on_the_first_or_on_the_last_day(cast: Cast, entry_id: int, params: dict[str, str]) -> None:
    api = APIClient()
    api.force_authenticate(cast.national_auditor)

    response = api.get(URL, params)

    assert response.status_code == 200
    assert entry_id not in [row["id"] for row in response.json()["results"]]


def test_the_auditor_page_lists_an_open_ended_range_too(cast: Cast, entry_id: int, client: Client) -> None:
    client.force_login(cast.national_auditor)

    response = client.get("/audit/", {"date_from": "0001-01-01", "date_to": "9999-12-31"})

    assert response.status_code == 200
    assert "LKS Kupang Baru" in response.content.decode()
    assert not response.context["page_error"]


@pytest.mark.parametrize("position", ["2025-02-31 00:00:00+00:00", "bukan waktu", "2025-01-01\x00"])
def test_it_answers_404_for_a_page_cursor_it_did_not_make(cast: Cast, position: str) -> None:
    api = APIClient()
    api.force_authenticate(cast.national_auditor)
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()

    response = api.get(URL, {"cursor": cursor})

    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}
