from __future__ import annotations

from contextlib import suppress
from typing import Any

from auditlog.context import auditlog_value
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from bangkit.accounts.middleware import user_must_enrol_mfa
from bangkit.accounts.models import ApiToken, hash_token


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer bkt_...` with a personal token created in the profile page."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        # Compared as bytes: a header is any bytes a client sends, not necessarily UTF-8, and another scheme's
        # credentials are none of our business (the caller is then anonymous, and gets 401 where that matters).
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeEncodeError:  # a str header outside ISO-8859-1, which no WSGI server passes on
            raise exceptions.AuthenticationFailed(_("Header Authorization tidak valid.")) from None
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization tidak valid."))
        raw = header[1].decode(errors="replace")
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
            if raw.startswith(ApiToken.PREFIX)
            else None
        )
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token tidak valid, sudah dicabut atau kedaluwarsa."))
        if user_must_enrol_mfa(token.user):
            raise exceptions.AuthenticationFailed(
                _("Peran Anda mewajibkan autentikasi dua langkah: aktifkan dulu di halaman profil.")
            )
        # AuditlogMiddleware chose the actor before DRF authenticated the token: name the token's user.
        with suppress(LookupError):
            auditlog_value.get()["actor"] = token.user
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Describes the personal token to OpenAPI so the interactive docs offer an "Authorize" box."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "bkt_…"}
