from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgramsConfig(AppConfig):
    name = "bangkit.programs"
    label = "programs"
    verbose_name = _("Program dan kegiatan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.audit.history import register_history
        from bangkit.core.registry import DemoLoader, HomeCounter, MenuEntry, shell
        from bangkit.programs import models
        from bangkit.programs.demo import load_demo_programs
        from bangkit.programs.services import on_person_merged
        from bangkit.registry.signals import person_merged

        for model in (
            models.Module,
            models.Program,
            models.ProgramPartner,
            models.Event,
            models.EventPartner,
            models.EventFacilitator,
            models.EventSession,
            models.EventModule,
            models.Enrolment,
            models.Attendance,
            models.Certificate,
        ):
            register_history(model)

        shell.add_menu(
            MenuEntry(
                pgettext_lazy("events", "Kegiatan"),
                "programs:event_list",
                "programs.view_event",
                _("Program"),
                "calendar-event",
            )
        )
        shell.add_menu(
            MenuEntry(_("Program"), "programs:program_list", "programs.view_program", _("Program"), "journal-text")
        )
        shell.add_menu(MenuEntry(_("Modul"), "programs:module_list", "programs.view_module", _("Program"), "book"))
        shell.add_counter(HomeCounter(pgettext_lazy("events", "Kegiatan"), models.Event, "programs:event_list"))
        person_merged.connect(on_person_merged, dispatch_uid="bangkit.programs.follow_person_merge")
        shell.add_demo_loader(DemoLoader("programs", 40, load_demo_programs))
