"""The audit log as the API shows it: one typed shape per entry, built from `display.EntryView`.

Component names carry "Audit" so that they cannot collide with other apps' (an actor, a record) in the schema.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bangkit.audit.display import ACTION_CHOICES, EntryView


class AuditActorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    full_name = serializers.CharField()
    email = serializers.EmailField()


class AuditRecordSerializer(serializers.Serializer[EntryView]):
    type = serializers.CharField(source="record_type", help_text="app_label.model, e.g. accounts.organisation")
    type_label = serializers.CharField(source="record_type_label")
    id = serializers.CharField(source="entry.object_pk")
    repr = serializers.CharField(source="entry.object_repr", help_text="The record's name when the entry was made.")


# DRF's metaclass takes declared fields off the class, so `label` shadows Field.label only in mypy's eyes.
class AuditFieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    old = serializers.CharField(allow_null=True, help_text="Stored value; null when empty, ****** when masked.")
    new = serializers.CharField(allow_null=True, help_text="Stored value; null when empty, ****** when masked.")
    old_display = serializers.CharField()
    new_display = serializers.CharField()
    masked = serializers.BooleanField()


class AuditRelationChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    operation = serializers.ChoiceField(choices=[("add", "add"), ("delete", "delete")])
    objects = serializers.ListField(child=serializers.CharField())


class AuditLogEntrySerializer(serializers.Serializer[EntryView]):
    id = serializers.IntegerField(source="entry.pk")
    timestamp = serializers.DateTimeField(source="entry.timestamp")
    action = serializers.ChoiceField(choices=ACTION_CHOICES)
    actor = AuditActorSerializer(source="entry.actor", allow_null=True, help_text="Null for work done by the system.")
    actor_email = serializers.CharField(source="entry.actor_email", allow_null=True)
    record = AuditRecordSerializer(source="*")
    changes = AuditFieldChangeSerializer(many=True)
    relation_changes = AuditRelationChangeSerializer(many=True)
    request_id = serializers.CharField(source="entry.cid", allow_null=True)
    remote_addr = serializers.IPAddressField(source="entry.remote_addr", allow_null=True)
