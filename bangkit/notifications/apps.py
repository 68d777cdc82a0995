from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "bangkit.notifications"
    label = "notifications"
    verbose_name = _("Pemberitahuan dan pesan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bangkit.audit.history import register_history
        from bangkit.core.registry import DemoLoader, MenuEntry, NavbarItem, shell
        from bangkit.notifications import checks  # noqa: F401 - registers the settings' checks
        from bangkit.notifications.demo import load_demo_notifications
        from bangkit.notifications.models import OutboxMessage
        from bangkit.notifications.services import on_person_merged
        from bangkit.registry.signals import person_merged
        from bangkit.registry.tabs import PersonTab, add_person_tab

        # Encrypted, so masked anyway; named so that nobody unmasks them by changing the field's type.
        register_history(OutboxMessage, mask_fields=["phone", "body"])

        shell.add_navbar_item(NavbarItem(_("Pemberitahuan"), "notifications:list", "notifications:bell", "bell"))
        shell.add_menu(
            MenuEntry(
                _("Pesan ke orang"),
                "notifications:outbox_list",
                "notifications.view_outboxmessage",
                _("Kasus"),
                "chat-square-text",
            )
        )
        shell.add_menu(
            MenuEntry(
                _("E-mail gagal terkirim"),
                "notifications:email_failures",
                "accounts.view_user",
                _("Administrasi"),
                "envelope-exclamation",
            )
        )
        add_person_tab(
            PersonTab("messages", _("Pesan"), "notifications:person_messages", "notifications.view_outboxmessage", 70)
        )
        # A merged record's messages follow it to the record kept.
        person_merged.connect(on_person_merged, dispatch_uid="bangkit.notifications.follow_person_merge")
        # After livelihoods (60): the demo's messages go to people the registry demo registered.
        shell.add_demo_loader(DemoLoader("notifications", 70, load_demo_notifications))
