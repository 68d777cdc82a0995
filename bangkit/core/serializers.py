"""Serializer pieces every app's API shares: the caller, and related records looked up only among those the
caller may see."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.accounts.models import Organisation


def request_user(context: dict[str, Any]) -> Any:
    """The user of the serializer's request, or None outside one."""
    request = context.get("request")
    return getattr(request, "user", None)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by id, looked up among those the caller may see (`scope(user)`); others do not exist."""

    def __init__(self, *, scope: Any, **kwargs: Any):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.scope(request_user(self.context))


def visible(model: type[Any]) -> Any:
    """The scope of a ScopedRelatedField: the records of `model` the user may view."""

    def scope(user: Any) -> Any:
        return model.objects.restrict(user, "view") if user is not None else model.objects.none()

    return scope


def active_organisations(user: Any) -> Any:
    """The scope of a ScopedRelatedField naming an organisation: any active one, whoever asks."""
    return Organisation.objects.filter(is_active=True)
