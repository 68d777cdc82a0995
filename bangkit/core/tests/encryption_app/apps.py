from django.apps import AppConfig


class EncryptionAppConfig(AppConfig):
    """A model with encrypted fields for the field-encryption tests; installed by bangkit/test_settings.py only."""

    name = "bangkit.core.tests.encryption_app"
    label = "encryption_app"
    default_auto_field = "django.db.models.BigAutoField"
