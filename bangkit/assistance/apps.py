from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "bangkit.assistance"
    label = "assistance"
    verbose_name = _("Bantuan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.assistance import models
        from bangkit.audit.history import register_history

        for model in (
            models.Scheme,
            models.SchemeItem,
            models.Tranche,
            models.Entitlement,
            models.BankFile,
            models.BankResult,
            models.BankResultProblem,
            models.Payment,
            models.HandoverReceipt,
            models.Handover,
            models.HandoverLine,
        ):
            register_history(model)

        # The web UI's place in the shell: a menu group next to Program, and a tab on the person's page.
        from bangkit.core.registry import MenuEntry, shell
        from bangkit.registry.tabs import PersonTab, add_person_tab

        shell.add_menu(
            MenuEntry(_("Skema bantuan"), "assistance:scheme_list", "assistance.view_scheme", _("Bantuan"), "cash-coin")
        )
        add_person_tab(
            PersonTab("assistance", _("Bantuan"), "assistance:person_ledger", "assistance.view_entitlement", 60)
        )

        # Demo data: the two seed events' assistance, after the programs demo that registers their participants.
        from bangkit.assistance.demo import load_demo_assistance
        from bangkit.core.registry import DemoLoader

        shell.add_demo_loader(DemoLoader("assistance", 50, load_demo_assistance))
