from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "bangkit.regions"
    label = "regions"
    verbose_name = _("Wilayah")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.core.registry import MenuEntry, shell

        shell.add_menu(MenuEntry(_("Wilayah"), "regions:browse", "regions.view_region", _("Referensi"), "geo-alt"))
