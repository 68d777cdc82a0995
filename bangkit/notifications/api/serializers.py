from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bangkit.core.serializers import ScopedRelatedField, visible
from bangkit.notifications.choices import Channel, MessagePurpose
from bangkit.notifications.kinds import kind_of
from bangkit.notifications.models import Notification, OutboxMessage
from bangkit.registry.models import Person


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "region", "created_at", "read_at"]
        read_only_fields = fields

    def get_kind_label(self, notification: Notification) -> str:
        return str(kind_of(notification.kind).label)


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("Berapa pemberitahuan yang baru ditandai sudah dibaca."))


class OutboxMessageSerializer(serializers.ModelSerializer[OutboxMessage]):
    phone = serializers.CharField(
        source="masked_phone", read_only=True, help_text=_("Selalu disamarkan (********7890).")
    )

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "person",
            "channel",
            "phone",
            "body",
            "purpose",
            "state",
            "not_before",
            "attempts",
            "last_error",
            "gateway_message_id",
            "sent_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class OutboxMessageCreateSerializer(serializers.Serializer[Any]):
    person = ScopedRelatedField(scope=visible(Person), help_text=_("Id orang."))
    body = serializers.CharField(max_length=1000, help_text=_("SMS paling panjang 320 karakter, WhatsApp 1.000."))
    purpose = serializers.ChoiceField(choices=MessagePurpose.choices)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        allow_null=True,
        help_text=_("Kosong: WhatsApp bila nomor orang itu ditandai WhatsApp, selain itu SMS."),
    )
