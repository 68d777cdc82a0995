"""The form that queues a message to a person. It only reads input; `services.message_person` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkit.notifications.choices import Channel, MessagePurpose
from bangkit.notifications.services import MAX_BODY


class MessageForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Keperluan"), choices=MessagePurpose.choices)
    channel = forms.ChoiceField(
        label=_("Saluran"),
        choices=[("", _("Otomatis: WhatsApp bila nomornya ditandai WhatsApp, selain itu SMS")), *Channel.choices],
        required=False,
    )
    body = forms.CharField(
        label=_("Isi pesan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY[Channel.WHATSAPP],
        help_text=_(
            "SMS paling panjang %(sms)d karakter. Jangan tulis hal yang tidak boleh dibaca orang lain yang memegang "
            "telepon itu."
        )
        % {"sms": MAX_BODY[Channel.SMS]},
    )
