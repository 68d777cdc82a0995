"""What every programs viewset shares: reads narrowed by `restrict`, writes made by the services."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request

from bangkit.core.api import ScopedModelViewSet


class ServiceViewSet(ScopedModelViewSet):
    """Reads narrowed to the caller's jurisdictions for the action at hand (an `@action` names it with
    `permission_action`); `create`, `partial_update` and the actions hand the validated input to a service."""

    http_method_names = ["get", "post", "patch", "head", "options"]


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
