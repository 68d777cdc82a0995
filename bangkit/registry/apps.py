from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "bangkit.registry"
    label = "registry"
    verbose_name = _("Registrasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bangkit.audit.history import register_history
        from bangkit.registry import models
        from bangkit.registry.banks import load_banks

        post_migrate.connect(load_banks, sender=self, dispatch_uid="bangkit.registry.load_banks")

        register_history(models.Person, exclude_fields=["search_name"])
        for model in (
            models.HouseholdMember,
            models.Phone,
            models.IdentityDocument,
            models.Bank,
            models.BankAccount,
            models.MigrationStay,
            models.TraffickingIdentification,
            models.DuplicatePair,
        ):
            register_history(model)
        register_history(models.Consent, m2m_fields=["shared_with"])

        from bangkit.accounts.roles import RESOLVE_DUPLICATES
        from bangkit.core.registry import DemoLoader, HomeCounter, MenuEntry, shell
        from bangkit.registry.demo import load_demo_people

        shell.add_demo_loader(DemoLoader("registry", 20, load_demo_people))

        shell.add_menu(
            MenuEntry(_("Orang"), "registry:person_list", "registry.view_person", _("Registrasi"), "person-vcard")
        )
        shell.add_counter(HomeCounter(_("Orang"), models.Person, "registry:person_list"))

        shell.add_menu(
            MenuEntry(
                _("Kemungkinan duplikat"), "registry:duplicate_list", RESOLVE_DUPLICATES, _("Registrasi"), "people"
            )
        )

        # The person page's own tabs, then those of bank accounts, consents, migration history and trafficking
        # identification.
        from bangkit.registry.tabs import PersonTab, add_person_tab

        add_person_tab(PersonTab("phones", _("Telepon"), "registry:person_phones", "registry.view_phone", 10))
        add_person_tab(
            PersonTab("documents", _("Dokumen"), "registry:person_documents", "registry.view_identitydocument", 12)
        )
        add_person_tab(
            PersonTab("household", _("Keluarga"), "registry:person_household", "registry.view_householdmember", 14)
        )

        add_person_tab(
            PersonTab("bank_accounts", _("Rekening"), "registry:person_bank_accounts", "registry.view_bankaccount", 30)
        )
        add_person_tab(PersonTab("consents", _("Persetujuan"), "registry:person_consents", "registry.view_consent", 32))
        add_person_tab(
            PersonTab("migration", _("Migrasi"), "registry:person_migration", "registry.view_migrationstay", 34)
        )
        add_person_tab(
            PersonTab(
                "identification",
                _("Identifikasi TPPO"),
                "registry:person_identifications",
                "registry.view_traffickingidentification",
                36,
            )
        )
