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
            models.Remigration,
            models.RiskWeight,
            models.RiskThresholds,
            models.RescoreRun,
        ):
            register_history(model)
        register_history(models.FollowUp, mask_fields=["notes"])
