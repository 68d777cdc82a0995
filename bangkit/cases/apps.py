from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CasesConfig(AppConfig):
    name = "bangkit.cases"
    label = "cases"
    verbose_name = _("Manajemen kasus")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.accounts.roles import APPROVE_CASE
        from bangkit.audit.history import register_history
        from bangkit.cases import models
        from bangkit.cases.demo import load_demo_cases
        from bangkit.cases.services.cases import on_person_merged
        from bangkit.core.registry import DemoLoader, HomeCounter, MenuEntry, shell
        from bangkit.registry.signals import person_merged
        from bangkit.registry.tabs import PersonTab, add_person_tab

        for model in (
            models.Case,
            models.CaseApproval,
            models.Assessment,
            models.AssessmentNeed,
            models.AssessmentRiskFactor,
            models.PlanLine,
            models.ServiceDelivery,
            models.Referral,
            models.CaseNote,
            models.Task,
            models.CaseNumberCounter,
        ):
            register_history(model)

        shell.add_menu(MenuEntry(_("Kasus"), "cases:case_list", "cases.view_case", _("Kasus"), "folder2-open"))
        shell.add_menu(
            MenuEntry(
                pgettext_lazy("case approvals", "Persetujuan"),
                "cases:approval_list",
                APPROVE_CASE,
                _("Kasus"),
                "check2-square",
            )
        )
        shell.add_menu(MenuEntry(_("Tugas saya"), "cases:my_tasks", "cases.view_task", _("Kasus"), "list-check"))
        shell.add_counter(HomeCounter(_("Kasus"), models.Case, "cases:case_list"))
        add_person_tab(PersonTab("cases", _("Kasus"), "cases:person_cases", "cases.view_case", 50))
        person_merged.connect(on_person_merged, dispatch_uid="bangkit.cases.follow_person_merge")
        shell.add_demo_loader(DemoLoader("cases", 30, load_demo_cases))
