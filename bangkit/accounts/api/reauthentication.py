"""Steps of the API that move money or mint credentials need the caller's password (or second factor) confirmed
recently in a browser session: the same re-authentication window the pages ask for (allauth's
`ACCOUNT_REAUTHENTICATION_TIMEOUT`, where a sign-in counts as a confirmation: `AccountAdapter`).

A personal API token never passes: a leaked token must not be enough to approve or send a payment. Add
`RecentlyReauthenticated` to an endpoint's or an action's `permission_classes`; it answers 403 with what to do.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from django.utils.translation import gettext as _
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


def recently_reauthenticated(request: Request) -> bool:
    """Whether `request` comes from a signed-in browser session whose password (or MFA) was confirmed within the
    re-authentication window. Never true for a personal API token."""
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return False
    return not is_reauthentication_required(request._request, app="")


class RecentlyReauthenticated(permissions.BasePermission):
    """Refuses, with 403 and what to do instead, any caller who is not a browser session confirmed just now."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # IsAuthenticated before it answers 401
        if recently_reauthenticated(request):
            return True
        if isinstance(request.successful_authenticator, SessionAuthentication):
            self.message = _(
                "Langkah ini memerlukan konfirmasi kata sandi: masuk ulang di situs, lalu ulangi permintaan ini."
            )
        else:
            self.message = _(
                "Langkah ini tidak dapat dilakukan dengan token API: lakukan di situs Bangkit, yang meminta "
                "konfirmasi kata sandi Anda."
            )
        return False
