from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataImportConfig(AppConfig):
    name = "bangkit.dataimport"
    label = "dataimport"
    verbose_name = _("Impor data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.audit.history import register_history
        from bangkit.core.registry import MenuEntry, shell
        from bangkit.dataimport.models import IMPORT_PEOPLE, ImportJob, ImportProblem, StagedPerson

        register_history(ImportJob, exclude_fields=["progress", "rows_read"])
        # Problems and staged rows are written in bulk by the import pipeline (no signals, so no entries); the
        # registration only guards against an ORM save ever putting a masked value or a ciphertext in the log.
        register_history(ImportProblem, mask_fields=["value"])
        register_history(
            StagedPerson,
            mask_fields=["full_name", "other_names", "street", "holder_name", "employer", "recruiting_agency"],
        )
        shell.add_menu(
            MenuEntry(
                _("Impor spreadsheet"), "dataimport:job_list", IMPORT_PEOPLE, _("Registrasi"), "file-earmark-arrow-up"
            )
        )
