"""System checks for field encryption: bad keys stop `manage.py check` (and so every deploy), not the first save.

Call `register_encryption_checks()` once at start-up (CoreConfig.ready()).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks

from bangkit.core import crypto
from bangkit.core.fields import EncryptedQuerySetMixin, blind_index_fields, encrypted_fields

_KEY_DOCS = "See docs/operations/key-rotation.md."


def check_encryption_keys(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Malformed keys are always errors; missing keys only once some installed model needs them."""
    models = apps.get_models()
    keys = [
        ("FIELD_ENCRYPTION_KEYS", any(encrypted_fields(model) for model in models), crypto.validate_field_keys, 101),
        ("BLIND_INDEX_KEY", any(blind_index_fields(model) for model in models), crypto.validate_blind_index_keys, 102),
    ]
    messages: list[checks.CheckMessage] = []
    for setting, in_use, validate, number in keys:
        if not in_use and not getattr(settings, setting, None):
            continue
        try:
            validate()
        except crypto.EncryptionKeyError as exc:
            messages.append(checks.Error(str(exc), hint=_KEY_DOCS, id=f"core.E{number}"))
    if not messages and _blind_key_is_a_field_key():
        messages.append(
            checks.Warning(
                "BLIND_INDEX_KEY is also one of FIELD_ENCRYPTION_KEYS; each purpose should have its own key.",
                hint=_KEY_DOCS,
                id="core.W101",
            )
        )
    return messages


def _blind_key_is_a_field_key() -> bool:
    blind = getattr(settings, "BLIND_INDEX_KEY", "")
    if not blind:
        return False
    field_keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", [])
    decoded = crypto.decode_key(blind, setting="BLIND_INDEX_KEY")
    return any(crypto.decode_key(key, setting="FIELD_ENCRYPTION_KEYS") == decoded for key in field_keys)


def check_blind_indexed_managers(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A model with blind indexes needs EncryptedQuerySetMixin: without it filter_exact() is missing and
    update()/bulk_update() would leave indexes describing old values."""
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    messages: list[checks.CheckMessage] = []
    for config in configs:
        for model in config.get_models():
            if blind_index_fields(model) and not isinstance(model._default_manager.all(), EncryptedQuerySetMixin):
                messages.append(
                    checks.Error(
                        f"{model._meta.label} has blind indexes but its default manager's QuerySet does not "
                        "inherit EncryptedQuerySetMixin.",
                        hint="See docs/development/encrypted-fields.md.",
                        obj=model,
                        id="core.E103",
                    )
                )
    return messages


def register_encryption_checks() -> None:
    checks.register(check_encryption_keys, checks.Tags.security)
    checks.register(check_blind_indexed_managers, checks.Tags.models)
