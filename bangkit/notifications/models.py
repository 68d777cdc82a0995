"""In-app notifications to users, and the outbox of SMS/WhatsApp messages to registered people.

A `Notification` belongs to its recipient alone: nobody else sees it, whatever their role. An `OutboxMessage` is
placed by its person's region (`person__region`), like every record about a person. Its phone number and body are
encrypted: the body of a reminder says what the person is doing with the service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.core.fields import EncryptedCharField, EncryptedTextField
from bangkit.core.models import ScopedModel
from bangkit.notifications.choices import Channel, EmailState, MessagePurpose, MessageState
from bangkit.registry.identifiers import mask_digits
from bangkit.registry.models import choices_check


class Notification(models.Model):
    """Something a user should know: shown under the bell, perhaps e-mailed. Written by `services.notify`."""

    # Indexed by notification_inbox, which starts with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    # A code of kinds.KINDS; free text so that apps add kinds without a migration.
    kind = models.CharField(_("jenis"), max_length=60)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"), blank=True)
    # A path inside the site, never an address elsewhere nor a personal identifier (services.check_url).
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    # Where the record it is about lies, so that what a user was told about which region can be traced.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    # The e-mail (choices.EMAIL_TRANSITIONS): queued by `notify` for an e-mailed kind, sent by a task, tried again
    # with growing waits after a failure (retry.EMAIL_RETRY), failed after the last attempt. Empty: not e-mailed.
    email_state = models.CharField(
        _("status e-mail"), max_length=10, choices=EmailState.choices, blank=True, default=""
    )
    email_attempts = models.PositiveSmallIntegerField(_("percobaan e-mail"), default=0)
    # While queued, when it may be sent (now, or after a retry's wait); while being sent, when its sender took it.
    email_not_before = models.DateTimeField(_("e-mail dikirim paling cepat"), null=True, blank=True)
    # Why the last attempt failed: the kind of error and the mail server's code, never the address.
    email_error = models.CharField(_("galat e-mail terakhir"), max_length=300, blank=True)
    # Set when the e-mail is handed to the mail server.
    emailed_at = models.DateTimeField(_("dikirim lewat e-mail"), null=True, blank=True)

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = pgettext_lazy("plural", "pemberitahuan")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            # The bell's COUNT reads only the unread ones.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The e-mail sender's question (which are due, which were lost) and the failed e-mails' page: a few rows.
            models.Index(
                fields=["email_state", "email_not_before"],
                condition=Q(email_state__in=["queued", "sending", "failed"]),
                name="notification_email_pending",
            ),
        ]
        constraints = [
            choices_check("email_state", EmailState, name="notification_email_state_valid", nullable=True),
            models.CheckConstraint(
                condition=Q(url="") | (Q(url__startswith="/") & ~Q(url__startswith="//")),
                name="notification_url_inside_the_site",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(ScopedModel):
    """An SMS or WhatsApp message to a registered person, queued by `services.message_person` and sent by the
    `send_due_messages` task through the configured gateway, not before `not_before` (quiet hours, retries)."""

    scope_region_path = "person__region"

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.CASCADE, related_name="outbox_messages"
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    # Copied from the person's phone when queued (digits, country code first): the number it went to stays known.
    phone = EncryptedCharField(_("nomor telepon"), max_length=20)
    body = EncryptedTextField(_("isi pesan"))
    purpose = models.CharField(_("keperluan"), max_length=20, choices=MessagePurpose.choices)
    state = models.CharField(_("status"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED)
    not_before = models.DateTimeField(_("dikirim paling cepat"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.CharField(_("galat terakhir"), max_length=300, blank=True)
    gateway_message_id = models.CharField(_("id pesan di gateway"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = pgettext_lazy("plural", "pesan keluar")
        ordering = ["-id"]
        indexes = [
            # The sender's question: which queued messages are due.
            models.Index(fields=["not_before"], condition=Q(state="queued"), name="outbox_due"),
        ]
        constraints = [
            choices_check("channel", Channel, name="outbox_channel_valid"),
            choices_check("purpose", MessagePurpose, name="outbox_purpose_valid"),
            choices_check("state", MessageState, name="outbox_state_valid"),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_says_when"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_channel_display()})"

    def get_absolute_url(self) -> str:
        return reverse("notifications:outbox_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_digits(self.phone or "")
