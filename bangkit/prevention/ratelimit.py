"""A limit on how often one client may submit the public checklist, kept in the cache without keeping addresses.

The counter's key is a keyed hash (HMAC with SECRET_KEY) of the client's address and the current window, so
neither the cache nor anything else holds the address, and a key says nothing about the same client's keys in
other windows. The client is found as everywhere else (`core.middleware.client_ip`, BANGKIT_TRUSTED_PROXY_COUNT);
an IPv6 client is its /64, the network a subscriber may take any address from.
"""

from __future__ import annotations

import ipaddress
import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from bangkit.core.middleware import client_ip

SUBMISSIONS_PER_WINDOW = 30
WINDOW_SECONDS = 10 * 60
_SALT = "bangkit.prevention.checklist-submissions"


def _client(request: HttpRequest) -> str:
    address = client_ip(request)
    if address and ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address or "unknown"


def _window(now: float) -> int:
    return int(now) // WINDOW_SECONDS


def seconds_left(now: float | None = None) -> int:
    """Until the current window ends and every client's allowance is whole again."""
    now = time.time() if now is None else now
    return (_window(now) + 1) * WINDOW_SECONDS - int(now)


def spend_a_submission(request: HttpRequest, now: float | None = None) -> bool:
    """Counts one submission against the client; False once the window's allowance is spent."""
    now = time.time() if now is None else now
    digest = salted_hmac(_SALT, f"{_window(now)}|{_client(request)}", algorithm="sha256").hexdigest()
    key = f"prevention:checklist:{digest}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        spent = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        spent = 1
    return spent <= SUBMISSIONS_PER_WINDOW
