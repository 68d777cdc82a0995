from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bangkit.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.core.checks import register_encryption_checks

        register_encryption_checks()
