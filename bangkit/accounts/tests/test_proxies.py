"""Client addresses and request ids: one rule (BANGKIT_TRUSTED_PROXY_COUNT) for the login lockout, the API
throttles, the audit log and X-Request-ID, so that no client can choose its own address or its own request id."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from bangkit.accounts.testing import TEST_PASSWORD

SERVE_SH = Path(settings.BASE_DIR) / "scripts" / "serve.sh"
FORGED = "6.6.6.6"


def _rename(client: Any, people: Any, **extra: Any) -> tuple[Any, LogEntry]:
    organisation = people.orgs.kupang_lks
    client.force_login(people.kupang_admin)
    form = {"name": "LKS Rumah Perempuan Kupang Baru", "kind": "lks", "region": "53.01", "is_active": "on"}
    response = client.post(reverse("accounts:organisation_edit", args=[organisation.pk]), form, **extra)
    assert response.status_code == 302
    return response, LogEntry.objects.get_for_object(organisation).latest("timestamp")


def test_it_derives_every_proxy_setting_from_one_variable() -> None:
    script = (
        "from bangkit import settings as s; "
        "print(s.BANGKIT_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    for value, expected in (("", "0 0 0"), ("2", "2 2 2")):
        env = os.environ | {"BANGKIT_ENV": "test", "TRUSTED_PROXY_COUNT": value}
        result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        )
        assert result.stdout.split("\n")[-2] == expected


def test_it_records_the_connections_address_and_its_own_request_id_without_a_trusted_proxy(
    client: Any, people: Any
) -> None:
    response, entry = _rename(
        client, people, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=FORGED, HTTP_X_REQUEST_ID="forged-request-01"
    )
    assert entry.remote_addr == "192.0.2.10"
    assert response["X-Request-ID"] != "forged-request-01"
    assert entry.cid == response["X-Request-ID"]


@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=2)
def test_it_records_the_address_the_outermost_trusted_proxy_saw(client: Any, people: Any) -> None:
    # The client wrote 6.6.6.6; the load balancer saw 203.0.113.9 and nginx saw the load balancer (10.0.0.2).
    response, entry = _rename(
        client,
        people,
        REMOTE_ADDR="10.0.0.3",
        HTTP_X_FORWARDED_FOR=f"{FORGED}, 203.0.113.9, 10.0.0.2",
        HTTP_X_REQUEST_ID="proxy-request-01",
    )
    assert entry.remote_addr == "203.0.113.9"
    assert entry.cid == "proxy-request-01" == response["X-Request-ID"]


@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)
def test_it_replaces_a_malformed_request_id_even_behind_a_proxy(client: Any, db: None) -> None:
    for bad in ("<script>alert(1)</script>", "short", "x" * 65, "id with spaces", "abc12345\n"):
        response = client.get(reverse("health"), HTTP_X_REQUEST_ID=bad)
        assert response["X-Request-ID"] != bad
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get(reverse("health"), HTTP_X_REQUEST_ID="abc12345-proxy")["X-Request-ID"] == "abc12345-proxy"


def test_it_counts_api_throttles_by_the_connections_address_without_a_trusted_proxy(db: None) -> None:
    throttle = AnonRateThrottle()
    idents = {
        throttle.get_ident(Request(RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forged)))
        for forged in (FORGED, "7.7.7.7", "")
    }
    assert idents == {"192.0.2.10"}


def test_it_locks_out_a_client_that_forges_a_new_forwarded_address_for_each_attempt(client: Any, people: Any) -> None:
    cache.clear()
    for attempt in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{attempt}@test.id", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    response = client.post(
        reverse("account_login"),
        {"login": people.kupang_case_worker.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    cache.clear()


def _serve_sh_access_log_line(path: str, query: str, referrer: str) -> str:
    match = re.search(r"^access_log_format='([^']+)'$", SERVE_SH.read_text(), re.MULTILINE)
    assert match, "scripts/serve.sh sets access_log_format"
    assert '--access-logformat "$access_log_format"' in SERVE_SH.read_text()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.3",
        "HTTP_REFERER": referrer,
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "abc12345-proxy")])
    request = SimpleNamespace(headers=[("REFERER", referrer)])
    atoms = Logger(Config()).atoms(response, request, environ, timedelta(milliseconds=42))
    return match.group(1) % SafeAtoms(atoms)


def test_it_keeps_searched_names_out_of_the_access_log() -> None:
    line = _serve_sh_access_log_line(
        "/registry/people/", "q=Maria+Tefa", "https://bangkit.example/registry/people/?q=Maria+Tefa"
    )
    assert "Maria" not in line
    assert "q=" not in line
    assert '"GET /registry/people/ HTTP/1.1" 200 512' in line
    assert "abc12345-proxy" in line
