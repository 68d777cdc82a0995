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
