"""What every assistance viewset shares: keyset pages for the long lists, the acting user, the permission a workflow
step is checked by, and the translation of a service's "not in your jurisdiction" into 404."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404
from rest_framework import pagination
from rest_framework.request import Request

from bangkit.assistance.workflow import STEPS
from bangkit.core.api import ScopedModelViewSet
from bangkit.core.exceptions import OutOfJurisdiction


class ServiceViewSet(ScopedModelViewSet):
    """Reads narrowed to the caller's jurisdictions for the action at hand (an `@action` names it with
    `permission_action`); `create`, `partial_update` and the actions hand the validated input to a service."""

    http_method_names = ["get", "post", "patch", "head", "options"]


class OldestFirstPagination(pagination.CursorPagination):
    """Keyset pages in the order records were made (a tranche's recipients as listed): a page costs one index range
    scan however far the reader goes, which matters for a tranche of 100,000."""

    page_size = 100
    ordering = "id"


def actor(request: Request) -> Any:
    """The signed-in caller, who the services act for (the permission classes made sure there is one)."""
    return request.user


def step_action(step: str) -> str:
    """The `permission_action` of a tranche's workflow step: "approve" for `assistance.approve_tranche`. The step
    table (`workflow.STEPS`) stays the one place that says who may take each step."""
    permission = STEPS[step].permission
    app_label, codename = permission.split(".")
    assert app_label == "assistance", permission
    assert codename.endswith("_tranche"), permission
    return codename.removesuffix("_tranche")


@contextmanager
def found_in_jurisdiction() -> Iterator[None]:
    """A service's refusal of a record outside the caller's jurisdictions answers 404, as the look-up would have."""
    try:
        yield
    except OutOfJurisdiction as exc:
        raise Http404 from exc
