from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bangkit.accounts.models import ApiToken, Grant, Organisation, User
from bangkit.regions.api.serializers import RegionCodeField


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "region", "region_name", "address", "is_active"]
        # No automatic check that the name is unique in the region: it would run before the jurisdiction check and
        # tell anyone whether an organisation of that name exists elsewhere. `organisation_save` checks it after.
        validators: list[Any] = []


class GrantSerializer(serializers.ModelSerializer[Grant]):
    # Null for a grant over all Indonesia.
    region = RegionCodeField(read_only=True, allow_null=True)

    class Meta:
        model = Grant
        fields = ["id", "role", "region", "valid_from", "valid_until"]


class UserSerializer(serializers.ModelSerializer[User]):
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "organisation", "language", "is_active", "grants"]
        # Writes go through `user_save`, which checks the jurisdiction before whether the e-mail is taken.
        extra_kwargs: dict[str, dict[str, Any]] = {"email": {"validators": []}}


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    key = serializers.SerializerMethodField(help_text=_("Hanya dikembalikan sekali, saat token dibuat."))

    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "expires_at", "last_used_at", "revoked_at", "key"]
        read_only_fields = ["hint", "created_at", "last_used_at", "revoked_at"]

    def get_key(self, obj: Any) -> str | None:
        return self.context.get("raw_key")
