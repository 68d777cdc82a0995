"""The outbox's vocabularies. Codes are stored; labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class MessagePurpose(models.TextChoices):
    """Why the person is contacted: every purpose is part of their case management (see services.CONTACT_CONSENT)."""

    APPOINTMENT = "appointment", _("Pengingat janji temu / kunjungan")
    EVENT = "event", _("Pengingat kegiatan atau pelatihan")
    ASSISTANCE = "assistance", _("Informasi bantuan")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    OTHER = "other", _("Lainnya")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")
    SUPPRESSED = "suppressed", pgettext_lazy("outbox message", "Ditahan")
    CANCELLED = "cancelled", pgettext_lazy("outbox message", "Dibatalkan")


class EmailState(models.TextChoices):
    """Where a notification's e-mail stands; empty when it is not e-mailed at all (its kind is not, or its recipient
    had no address when it was written)."""

    QUEUED = "queued", _("Dalam antrean")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")
    SKIPPED = "skipped", pgettext_lazy("e-mail", "Tidak dikirim")


# Every change of a message's state, and nothing else: each is one conditional UPDATE from its source state.
#   queued → sending → sent | queued (retry) | failed;   queued → suppressed | cancelled;   sending → failed (lost)
#   queued → queued: postponed to the end of the quiet hours
TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (MessageState.QUEUED, MessageState.QUEUED),
        (MessageState.QUEUED, MessageState.SENDING),
        (MessageState.SENDING, MessageState.SENT),
        (MessageState.SENDING, MessageState.QUEUED),
        (MessageState.SENDING, MessageState.FAILED),
        (MessageState.QUEUED, MessageState.SUPPRESSED),
        (MessageState.QUEUED, MessageState.CANCELLED),
    }
)

# The same for a notification's e-mail. A retry may send an e-mail twice (its sender lost after handing it over), which
# is harmless, so one found "being sent" too long is tried again like any other failure, within the same bound.
#   queued → sending → sent | queued (retry) | failed;   queued → skipped (recipient inactive or without an address)
EMAIL_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (EmailState.QUEUED, EmailState.SENDING),
        (EmailState.SENDING, EmailState.SENT),
        (EmailState.SENDING, EmailState.QUEUED),
        (EmailState.SENDING, EmailState.FAILED),
        (EmailState.QUEUED, EmailState.SKIPPED),
    }
)
