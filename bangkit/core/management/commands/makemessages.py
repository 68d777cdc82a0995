"""Django's makemessages, also extracting `_l(...)`: the views and forms that need both a lazy and an immediate
translation import `gettext_lazy as _l`, a name xgettext does not know."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
