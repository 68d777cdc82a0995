"""API plumbing shared by every app: one error shape, scoped viewsets, permission mapping.

Every error answers `{"message": "...", "errors": {"field": ["..."]}}`; `errors` is empty when no single
field is at fault.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import expose
from bangkit.core.scoping import permission_name

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def _as_field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            ("non_field_errors" if key == "__all__" else str(key)): (
                [str(item) for item in value] if isinstance(value, list) else [str(value)]
            )
            for key, value in detail.items()
        }
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        exc = exceptions.ValidationError({exc.field: [exc.message]} if exc.field else [exc.message])
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Tidak ditemukan."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
        messages = response.data if isinstance(response.data, list) else []
        message = str(messages[0]) if messages else _("Periksa kembali isian yang ditandai.")
        response.data = {"message": message, "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"message": str(detail), "errors": {}}
    return response


class ScopedModelPermission(permissions.BasePermission):
    """The user must hold the model permission for the request's action somewhere; where is `restrict`'s job."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        model = view.get_queryset().model
        action = getattr(view, "permission_action", None) or ACTION_FOR_METHOD.get(request.method or "GET", "view")
        return request.user.has_perm(permission_name(model, action))


class _ExposesModel:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        queryset = cls.__dict__.get("queryset")
        if queryset is not None:
            expose(queryset.model)


class ScopedModelViewSet(_ExposesModel, viewsets.ModelViewSet):
    """A model API whose every read and write is narrowed to the user's jurisdictions.

    Subclasses set `queryset` (a ScopedQuerySet), `serializer_class` and `filterset_class`. Records outside the
    jurisdictions answer 404; a write that would move a record outside them is refused and rolled back.
    """

    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ScopedModelPermission,
    ]

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        action = ACTION_FOR_METHOD.get(self.request.method or "GET", "view")
        return queryset.restrict(self.request.user, action)  # type: ignore[attr-defined]

    def _save_within_scope(self, serializer: serializers.BaseSerializer[Any], action: str) -> None:
        with transaction.atomic():
            instance = serializer.save()
            model = type(instance)
            if not model.objects.restrict(self.request.user, action).filter(pk=instance.pk).exists():
                raise exceptions.ValidationError({"region": [_("Wilayah ini di luar yurisdiksi Anda.")]})

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save_within_scope(serializer, "add")

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save_within_scope(serializer, "change")


class ScopedReadOnlyViewSet(_ExposesModel, viewsets.ReadOnlyModelViewSet):
    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ScopedModelPermission,
    ]

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().restrict(self.request.user, "view")  # type: ignore[attr-defined]


__all__ = ["ScopedModelViewSet", "ScopedReadOnlyViewSet", "exception_handler", "status"]
