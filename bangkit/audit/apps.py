from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "bangkit.audit"
    label = "audit"
    verbose_name = _("Riwayat dan audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.accounts.models import ApiToken, Grant, Organisation, User
        from bangkit.audit.history import VIEW_HISTORY, register_history
        from bangkit.core.registry import MenuEntry, shell
        from bangkit.regions.models import Region

        # The apps that predate the history register here; every later app registers its own models.
        register_history(Organisation)
        # Login times are not history; that a password changed is, but never its hash; nor a staff phone number.
        register_history(User, exclude_fields=["last_login"], mask_fields=["phone", "password"])
        register_history(Grant)
        # Token usage times change on every API call and are no one's decision.
        register_history(ApiToken, exclude_fields=["key_hash", "last_used_at"])
        # Reference data that administrators may correct; search_name is derived from name.
        register_history(Region, exclude_fields=["search_name"])

        shell.add_menu(MenuEntry(_("Log audit"), "audit:log", VIEW_HISTORY, _("Administrasi"), "journal-text"))
