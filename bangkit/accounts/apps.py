from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bangkit.accounts"
    label = "accounts"
    verbose_name = _("Akun dan organisasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set
        from django.contrib.auth.signals import user_logged_in

        from bangkit.accounts.demo import load_demo_accounts
        from bangkit.accounts.middleware import remember_time_zone
        from bangkit.accounts.models import Organisation, User
        from bangkit.accounts.signals import revoke_api_tokens_on_new_password
        from bangkit.core.registry import DemoLoader, HomeCounter, MenuEntry, shell

        shell.add_menu(
            MenuEntry(
                _("Organisasi"), "accounts:organisation_list", "accounts.view_organisation", _("Referensi"), "building"
            )
        )
        shell.add_menu(
            MenuEntry(_("Pengguna"), "accounts:user_list", "accounts.view_user", _("Administrasi"), "people")
        )
        shell.add_counter(HomeCounter(_("Organisasi"), Organisation, "accounts:organisation_list"))
        shell.add_counter(HomeCounter(_("Pengguna"), User, "accounts:user_list"))
        shell.add_demo_loader(DemoLoader("accounts", 10, load_demo_accounts))
        user_logged_in.connect(remember_time_zone, dispatch_uid="bangkit.remember_time_zone")
        for signal in (password_changed, password_reset, password_set):
            signal.connect(revoke_api_tokens_on_new_password, dispatch_uid="bangkit.revoke_api_tokens_on_new_password")
