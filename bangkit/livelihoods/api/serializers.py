"""Serializers of the livelihoods API: output of the records, and input of the services' writes (the services
decide)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bangkit.cases.choices import FamilySituation
from bangkit.core.serializers import ScopedRelatedField, visible
from bangkit.livelihoods import risk
from bangkit.livelihoods.choices import (
    BusinessRunning,
    EnterpriseForm,
    EnterpriseKind,
    Health,
    MigrationIntention,
)
from bangkit.livelihoods.models import MAX_MONTHLY_RUPIAH, Alert, Enterprise, FollowUp, PersonRisk, Remigration
from bangkit.livelihoods.services import current_weights
from bangkit.registry.choices import DepartureRoute, TravelDocument
from bangkit.registry.models import Person


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "person",
            "entitlement",
            "enterprise",
            "months_after",
            "granted_on",
            "due_on",
            "state",
            "escalation",
            "visited_on",
            "recorded_by",
            "business",
            "monthly_revenue",
            "monthly_profit",
            "household_income",
            "other_work",
            "debt_amount",
            "debt_note",
            "family_situation",
            "health",
            "recruiter_contact",
            "migration_intention",
            "notes",
        ]
        read_only_fields = fields


def _rupiah(*, allow_negative: bool = False) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=-MAX_MONTHLY_RUPIAH if allow_negative else 0,
        max_value=MAX_MONTHLY_RUPIAH,
    )


class FollowUpRecordSerializer(serializers.Serializer[Any]):
    visited_on = serializers.DateField()
    business = serializers.ChoiceField(choices=BusinessRunning.choices)
    enterprise = ScopedRelatedField(scope=visible(Enterprise), required=False, allow_null=True)
    monthly_revenue = _rupiah()
    monthly_profit = _rupiah(allow_negative=True)
    household_income = _rupiah()
    other_work = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    debt_amount = _rupiah()
    debt_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    family_situation = serializers.ChoiceField(
        choices=FamilySituation.choices, required=False, allow_blank=True, default=""
    )
    health = serializers.ChoiceField(choices=Health.choices, required=False, allow_blank=True, default="")
    recruiter_contact = serializers.BooleanField(required=False, default=False)
    migration_intention = serializers.ChoiceField(
        choices=MigrationIntention.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AlertSerializer(serializers.ModelSerializer[Alert]):
    class Meta:
        model = Alert
        fields = ["id", "person", "kind", "reason", "task", "created_at", "resolved_at", "resolved_by", "resolution"]
        read_only_fields = fields


class AlertResolveSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=500)


class PersonRiskSerializer(serializers.ModelSerializer[PersonRisk]):
    factors = serializers.SerializerMethodField(help_text=_("Setiap faktor: ada atau tidak, bobot, poin, sumber."))

    class Meta:
        model = PersonRisk
        fields = ["id", "person", "score", "level", "level_since", "factors"]
        read_only_fields = fields

    def get_factors(self, obj: PersonRisk) -> list[dict[str, Any]]:
        return risk.explain(obj.evidence, self.context.setdefault("weights", current_weights()))


class RemigrationSerializer(serializers.ModelSerializer[Remigration]):
    person = ScopedRelatedField(scope=visible(Person))
    country = serializers.CharField(max_length=2)
    route = serializers.ChoiceField(choices=DepartureRoute.choices)
    documents_held = serializers.ListField(
        child=serializers.ChoiceField(choices=TravelDocument.choices), required=False
    )

    class Meta:
        model = Remigration
        fields = ["id", "person", "departed_on", "country", "route", "documents_held", "through", "note", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]

    def to_representation(self, instance: Remigration) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["country"] = instance.country.code
        return data


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    owner = ScopedRelatedField(scope=visible(Person), write_only=True)
    form = serializers.ChoiceField(choices=EnterpriseForm.choices)
    kind = serializers.ChoiceField(choices=EnterpriseKind.choices)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "form",
            "kind",
            "owner",
            "region",
            "organisation",
            "started_on",
            "sells_at",
            "status",
            "status_reason",
            "status_changed_on",
            "members",
        ]
        read_only_fields = ["id", "region", "organisation", "status", "status_reason", "status_changed_on", "members"]

    def get_members(self, obj: Enterprise) -> list[dict[str, Any]]:
        return [{"person": member.person_id, "role": member.role} for member in obj.members.all()]
