from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

# Set at sign-in (see remember_time_zone), so that no request pays a query for it.
TIME_ZONE_SESSION_KEY = "bangkit_time_zone"

# Pages a user who still has to enrol a second factor may reach.
_MFA_ENROLMENT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/health/")


def user_must_enrol_mfa(user: object) -> bool:
    """True for a signed-in user whose roles require MFA and who has not set up an authenticator app."""
    required = set(settings.BANGKIT_MFA_REQUIRED_ROLES)
    if not getattr(user, "is_authenticated", False) or not required:
        return False
    must = bool(user.roles() & required) or user.is_superuser  # type: ignore[attr-defined]
    return must and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    """Sends users of MFA-required roles to the authenticator set-up page until they have enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(_MFA_ENROLMENT_PREFIXES) and user_must_enrol_mfa(request.user):
            if path.startswith("/api/"):
                return HttpResponse(status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class UserLocaleMiddleware:
    """Language and time zone for the request.

    Indonesian unless the user chose otherwise: the language switch's cookie, else the signed-in user's saved
    language, else LANGUAGE_CODE. The browser's Accept-Language is ignored on purpose: many officers' browsers
    say English while the service's working language is Indonesian. Times are shown in the zone of the user's
    organisation (a Kupang officer reads WITA).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        available = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in available:
            user = request.user
            chosen = user.language if user.is_authenticated else settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
        zone = request.session.get(TIME_ZONE_SESSION_KEY) if request.user.is_authenticated else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            response = self.get_response(request)
        finally:
            # The zone is the thread's: left active, it would be the next request's (or test's) "today".
            timezone.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def remember_time_zone(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On sign-in, keep the zone of the user's organisation for the session."""
    if request is not None:
        request.session[TIME_ZONE_SESSION_KEY] = user.time_zone
