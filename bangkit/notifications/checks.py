"""Start-up checks of the outbox's settings: a malformed one fails `manage.py check`, not the first message."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from bangkit.notifications.quiet_hours import quiet_hours


@checks.register()
def check_message_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        quiet_hours()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="notifications.E001"))
    if settings.BANGKIT_MESSAGE_GATEWAY:
        try:
            gateway = import_string(settings.BANGKIT_MESSAGE_GATEWAY)
        except ImportError as exc:
            errors.append(checks.Error(f"MESSAGE_GATEWAY cannot be imported: {exc}", id="notifications.E002"))
        else:
            if not callable(getattr(gateway, "send", None)):
                errors.append(
                    checks.Error(
                        "MESSAGE_GATEWAY must name a class with a send(message) method", id="notifications.E003"
                    )
                )
    return errors
