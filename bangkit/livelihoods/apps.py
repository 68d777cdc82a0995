from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    name = "bangkit.livelihoods"
    label = "livelihoods"
    verbose_name = _("Penghidupan dan tindak lanjut")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.audit.history import register_history
        from bangkit.livelihoods import models, signals  # noqa: F401 - connects the receivers

        for model in (
            models.Enterprise,
            models.EnterpriseMember,
            models.EnterpriseCapital,
            models.PersonRisk,
            models.RiskScore,
            models.Alert,
            models.RiskWeight,
            models.RiskThresholds,
            models.RescoreRun,
            models.Proposal,
            models.ProposalBudgetLine,
            models.ProposalAttachment,
            models.ProposalMilestone,
            models.FollowUp,
            models.Remigration,
        ):
            register_history(model)

        from bangkit.core.registry import MenuEntry, shell
        from bangkit.livelihoods.services import ALERT_NOTIFICATION
        from bangkit.notifications.kinds import add_kind
        from bangkit.registry.tabs import PersonTab, add_person_tab

        add_kind(ALERT_NOTIFICATION)
        group = _("Tindak lanjut")
        shell.add_menu(
            MenuEntry(_("Daftar kerja"), "livelihoods:worklist", "livelihoods.view_followup", group, "list-check")
        )
        shell.add_menu(
            MenuEntry(_("Kunjungan"), "livelihoods:follow_up_list", "livelihoods.view_followup", group, "house-door")
        )
        shell.add_menu(
            MenuEntry(_("Usaha"), "livelihoods:enterprise_list", "livelihoods.view_enterprise", group, "shop")
        )
        shell.add_menu(
            MenuEntry(_("Proposal usaha"), "livelihoods:proposal_list", "livelihoods.view_proposal", group, "briefcase")
        )
        shell.add_menu(
            MenuEntry(_("Bobot risiko"), "livelihoods:risk_weights", "livelihoods.view_riskweight", group, "sliders")
        )
        from bangkit.core.registry import DemoLoader
        from bangkit.livelihoods.demo import load_demo_livelihoods

        shell.add_demo_loader(DemoLoader("livelihoods", 60, load_demo_livelihoods))
        add_person_tab(
            PersonTab("follow_up", _("Tindak lanjut"), "livelihoods:person_follow_up", "livelihoods.view_followup", 65)
        )
