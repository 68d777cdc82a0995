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


# Settings an installation may add to settings.py; each must then be a whole number of at least 1.
OPTIONAL_COUNTS = (
    "BANGKIT_EMAIL_MAX_ATTEMPTS",
    "BANGKIT_NOTIFICATION_READ_RETENTION_DAYS",
    "BANGKIT_NOTIFICATION_UNREAD_RETENTION_DAYS",
    "BANGKIT_OUTBOX_RETENTION_DAYS",
)


@checks.register()
def check_optional_counts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name in OPTIONAL_COUNTS:
        value = getattr(settings, name, None)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            errors.append(
                checks.Error(f"{name} must be a whole number of at least 1, not {value!r}", id="notifications.E004")
            )
    return errors
