from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable
from typing import Any

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def trusted_proxy_count() -> int:
    return int(getattr(settings, "BANGKIT_TRUSTED_PROXY_COUNT", 0))


def _clean_ip(value: str) -> str | None:
    """The address alone (no port, no brackets), or None when `value` is not an IP address."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address by the one rule of BANGKIT_TRUSTED_PROXY_COUNT (N): REMOTE_ADDR when N is 0, else
    the Nth address of X-Forwarded-For from the right, the one our outermost proxy received the request from.

    Addresses further left were written by the client and prove nothing. The login rate limits
    (ALLAUTH_TRUSTED_PROXY_COUNT) and the API throttles (NUM_PROXIES) follow the same rule.
    """
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded.strip():
        addresses = forwarded.split(",")
        return _clean_ip(addresses[-min(count, len(addresses))])
    remote_addr = request.META.get("REMOTE_ADDR")
    return _clean_ip(remote_addr) if remote_addr else None


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, recording the client address by our proxy rule instead of trusting the
    leftmost X-Forwarded-For address, which any client can write."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if getattr(settings, "AUDITLOG_DISABLE_REMOTE_ADDR", False):
            return None
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        if trusted_proxy_count() > 0:
            port: Any = BaseAuditlogMiddleware._get_remote_port(request)
            return port if isinstance(port, int) else None
        return None


class RequestIdMiddleware:
    """Gives every request an id, returned in the response as X-Request-ID.

    Behind a trusted proxy (BANGKIT_TRUSTED_PROXY_COUNT > 0) a well-formed X-Request-ID set by the proxy is kept,
    so that the proxy's log and ours can be matched; otherwise the header came from the client and is replaced.
    The id is written into audit entries (django-auditlog's correlation id), so a user's error report and the
    history of what changed can be matched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "") if trusted_proxy_count() > 0 else ""
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.META["HTTP_X_REQUEST_ID"] = request_id
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class HtmxSignInMiddleware:
    """An htmx request whose session has expired (a page left open at the venue) sends the browser to the sign-in
    page as a whole page, returning afterwards to the page it was on; otherwise htmx would follow the redirect and
    swap the sign-in form into a fragment of that page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx: Any = getattr(request, "htmx", None)
        if not htmx or response.status_code != 302:
            return response
        sign_in = resolve_url(settings.LOGIN_URL)
        if response["Location"].split("?", 1)[0] != sign_in:
            return response
        return HttpResponseClientRedirect(f"{sign_in}?{urlencode({'next': htmx.current_url_abs_path or '/'})}")


class NoStoreForSensitivePagesMiddleware:
    """Pages shown to a signed-in user may hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
        return response
