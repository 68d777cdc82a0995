"""Kinds of in-app notification: what a notification is about, and whether it is also e-mailed.

Apps register their own kinds in `AppConfig.ready()` with `add_kind` (as they add menu entries), so that a new kind
needs neither a migration nor a change here; `services.notify` refuses a kind nobody registered.

    add_kind(NotificationKind("cases.task_assigned", _("Tugas baru"), email=True, icon="list-check"))
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    code: str  # stored; "<app>.<what>" for an app's own kinds
    label: str | Promise
    email: bool = False  # also e-mailed to recipients who have an address (unless notify(email=False))
    icon: str = "bell"  # a Bootstrap icon name


GENERAL = NotificationKind("general", _("Pemberitahuan"))
MESSAGE_UNDELIVERED = NotificationKind(
    "notifications.message_undelivered", _("Pesan ke orang tidak terkirim"), email=True, icon="chat-square-text"
)

KINDS: dict[str, NotificationKind] = {kind.code: kind for kind in (GENERAL, MESSAGE_UNDELIVERED)}


def add_kind(kind: NotificationKind) -> None:
    if kind.code in KINDS and KINDS[kind.code] != kind:
        raise ValueError(f"notification kind {kind.code!r} is registered twice, differently")
    KINDS[kind.code] = kind


def kind_of(code: str) -> NotificationKind:
    """The registered kind `code`; for a code no longer registered (stored by an older version), a general one."""
    return KINDS.get(code) or NotificationKind(code, GENERAL.label)
