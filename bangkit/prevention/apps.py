from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "bangkit.prevention"
    label = "prevention"
    verbose_name = _("Pencegahan di masyarakat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.audit.history import register_history
        from bangkit.core.registry import DemoLoader, MenuEntry, shell
        from bangkit.prevention.models import Headcount

        # ChecklistUse has no history on purpose (audit.history.HISTORY_EXEMPT): an anonymous visitor's
        # request would otherwise store their address in the log entry.
        register_history(Headcount)

        shell.add_menu(
            MenuEntry(
                _("Pencegahan: ringkasan"),
                "prevention:overview",
                "prevention.view_checklistuse",
                _("Program"),
                "shield-check",
            )
        )
        shell.add_menu(
            MenuEntry(
                _("Jumlah hadir sosialisasi"),
                "prevention:headcount_list",
                "prevention.view_headcount",
                _("Program"),
                "people",
            )
        )
        from bangkit.prevention.demo import load_demo_prevention

        # After the demo users (accounts, 10); beside the livelihoods follow-up (60), which it does not need.
        shell.add_demo_loader(DemoLoader("prevention", 65, load_demo_prevention))
