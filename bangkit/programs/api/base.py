"""What every programs viewset shares: reads narrowed by `restrict`, writes made by the services, refusals as 403."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.core.api import ACTION_FOR_METHOD, ScopedModelViewSet, ScopedReadOnlyViewSet
from bangkit.programs.services import NotPermitted


class RefusalsAsForbidden:
    """A service's "you may see this event but not do that" (NotPermitted) answers 403 with its message, not 400."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, NotPermitted):
            exc = exceptions.PermissionDenied(exc.message)
        return super().handle_exception(exc)  # type: ignore[misc]


class ServiceViewSet(RefusalsAsForbidden, ScopedModelViewSet):
    """Reads narrowed to the caller's jurisdictions for the action at hand (an `@action` names it with
    `permission_action`); `create`, `partial_update` and the actions hand the validated input to a service."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    # Set per action (`@action(..., permission_action="view")`): the action the caller is checked and scoped by.
    permission_action: str | None = None

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super(ScopedModelViewSet, self).get_queryset()
        action = self.permission_action or ACTION_FOR_METHOD.get(self.request.method or "GET", "view")
        return queryset.restrict(self.request.user, action)  # type: ignore[attr-defined]


class ReadOnlyViewSet(RefusalsAsForbidden, ScopedReadOnlyViewSet):
    """Lists and single records only; `@action`s may still write through a service."""

    permission_action: str | None = None


class NewestFirstPagination(pagination.CursorPagination):
    """Keyset pages, newest first: a page costs one index range scan however far the reader goes."""

    page_size = 50
    ordering = "-id"


class OldestFirstPagination(pagination.CursorPagination):
    """Keyset pages in the order records were made: participants as they were enrolled (the waiting list's order)."""

    page_size = 100
    ordering = "id"


def actor(request: Request) -> Any:
    """The signed-in caller, who the services act for (the permission classes made sure there is one)."""
    return request.user
