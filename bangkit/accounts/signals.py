"""Reactions to allauth's account events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.accounts.services import api_tokens_revoke_all


def revoke_api_tokens_on_new_password(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    """A new password (changed, reset by e-mail or set) revokes every API token of the user.

    Whoever learnt the old password may have made tokens with it; changing the password must lock them out too.
    """
    if not isinstance(user, User) or not api_tokens_revoke_all(user=user) or request is None:
        return
    if hasattr(request, "_messages"):
        messages.warning(
            request, _("Token API Anda dicabut karena kata sandi berubah; buat token baru bila masih diperlukan.")
        )
