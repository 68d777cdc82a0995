"""The viewset every case API shares: reads narrowed by `restrict`, writes made by the services."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.core.api import ScopedModelViewSet


class ServiceViewSet(ScopedModelViewSet):
    """Like ScopedModelViewSet, but `create` validates with the serializer, then hands the validated data to
    `perform_service_create`."""

    http_method_names = ["get", "post", "head", "options"]

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
