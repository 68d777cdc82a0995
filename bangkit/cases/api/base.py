"""The viewset every case API shares: reads narrowed by `restrict`, writes made by the services."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.cases.services.access import NotPermitted
from bangkit.core.api import ACTION_FOR_METHOD, ScopedModelViewSet


class RefusalsAsForbidden:
    """A service's "you may see this case but not do that" answers 403 with its message, not 400."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, NotPermitted):
            exc = exceptions.PermissionDenied(exc.message)
        return super().handle_exception(exc)  # type: ignore[misc]


class ServiceViewSet(RefusalsAsForbidden, ScopedModelViewSet):
    """Like ScopedModelViewSet, but an action may name the permission it is scoped by (`permission_action`), and
    `create` validates with the serializer, then hands the validated data to `perform_service_create`."""

    http_method_names = ["get", "post", "head", "options"]
    # Set per action (`@action(..., permission_action="view")`): the action the caller is checked and scoped by.
    permission_action: str | None = None

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super(ScopedModelViewSet, self).get_queryset()
        action = getattr(self, "permission_action", None) or ACTION_FOR_METHOD.get(self.request.method or "GET", "view")
        return queryset.restrict(self.request.user, action)  # type: ignore[attr-defined]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(dict(serializer.validated_data))
        return Response(self.get_serializer(instance).data, status=201)

    def perform_service_create(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError


class NewestFirstPagination(pagination.CursorPagination):
    """Keyset pages, newest first: a page costs one index range scan however far the reader goes."""

    page_size = 50
    ordering = "-id"
