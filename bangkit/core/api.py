"""API plumbing shared by every app: one error shape, scoped viewsets, permission mapping, pagination, schema.

Every error answers `{"message": "...", "errors": {"field": ["..."]}}`; `errors` is empty when no single
field is at fault. That holds for paths that name no endpoint too (`ApiNotFoundView`), and the OpenAPI schema
documents it (`AutoSchema`). The viewsets' writes take an optional `Idempotency-Key` (`bangkit.core.idempotency`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, pagination, permissions, serializers, status, views, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.generic import expose
from bangkit.core.idempotency import HEADER, KEY_PATTERN, WRITE_METHODS, Idempotent, KeyInUse, KeyReused
from bangkit.core.pagination import LimitOffsetPagination
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
    if isinstance(exc, NotPermitted):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, OutOfJurisdiction) and not exc.field:
        # A record outside the caller's jurisdictions does not exist for them (a field pointing outside is a 400).
        exc = exceptions.NotFound(exc.message)
    elif isinstance(exc, ServiceError):
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


class ScopedModelViewSet(_ExposesModel, Idempotent, viewsets.ModelViewSet):
    """A model API whose every read and write is narrowed to the user's jurisdictions.

    Subclasses set `queryset` (a ScopedQuerySet), `serializer_class` and `filterset_class`. Records outside the
    jurisdictions answer 404; a write that would move a record outside them is refused and rolled back.
    """

    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ScopedModelPermission,
    ]
    # Set per `@action(..., permission_action="view")`: the action the caller is checked and scoped by.
    permission_action: str | None = None

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        action = self.permission_action or ACTION_FOR_METHOD.get(self.request.method or "GET", "view")
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


class ScopedReadOnlyViewSet(_ExposesModel, Idempotent, viewsets.ReadOnlyModelViewSet):
    """Lists and single records, narrowed to the user's jurisdictions; `@action`s may still write through a
    service, checked against their `permission_action`."""

    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ScopedModelPermission,
    ]
    permission_action: str | None = None

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().restrict(self.request.user, "view")  # type: ignore[attr-defined]


class ErrorSerializer(serializers.Serializer[Any]):
    """The shape of every error answer (component `Error` in the schema)."""

    message = serializers.CharField(help_text=gettext_lazy("Apa yang salah, untuk ditunjukkan kepada pengguna."))
    # DRF's metaclass takes declared fields off the class, so `errors` shadows Serializer.errors only in mypy's eyes.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("Pesan per isian yang salah; kosong bila tidak ada satu isian yang salah."),
    )


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    pattern=KEY_PATTERN,
    description=gettext_lazy(
        "Opsional: kunci unik untuk penulisan ini. Permintaan yang sama dikirim ulang dengan kunci yang sama "
        "mendapat jawaban pertama lagi, tanpa efek kedua, dengan header `Idempotent-Replayed: true`."
    ),
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the error answers every operation may give, each in the shared error shape.

    401 and 403 everywhere (every endpoint needs a signed-in caller with the right permission); 400 where the
    client sends a body or query parameters; 404 where the path names a record or the list pages by cursor. The
    writes of `Idempotent` views list the `Idempotency-Key` header, and 400 (malformed), 409 (still running) and 422
    (used for another request).
    """

    def _is_idempotent_write(self) -> bool:
        return self.method in WRITE_METHODS and isinstance(self.view, Idempotent)

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY_PARAMETER] if self._is_idempotent_write() else parameters

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
        names_record = any(parameter.get("in") == "path" for parameter in operation.get("parameters", []))
        pages_by_cursor = isinstance(self._get_paginator(), pagination.CursorPagination)
        idempotent = self._is_idempotent_write()
        errors = {
            "400": (
                "requestBody" in operation or has_query or idempotent,
                gettext_lazy("Isian tidak valid: `errors` menyebut setiap isian yang salah."),
            ),
            "401": (True, gettext_lazy("Tanpa token atau sesi yang berlaku.")),
            "403": (True, gettext_lazy("Anda tidak berhak melakukan ini.")),
            "404": (
                names_record or pages_by_cursor,
                gettext_lazy("Tidak ditemukan, atau di luar yurisdiksi Anda."),
            ),
            "409": (idempotent, KeyInUse.default_detail),
            "422": (idempotent, KeyReused.default_detail),
        }
        responses = operation.setdefault("responses", {})
        for code, (applies, description) in errors.items():
            if applies and code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description), code
                )
        return operation


@extend_schema(exclude=True)
class ApiNotFoundView(views.APIView):
    """Every path under /api/ that names no endpoint, or a record by a malformed key (`/users/-1.5e-20/`): 404 in the
    error shape, not Django's HTML page.

    Authentication and permission come first, as on every endpoint: an anonymous caller gets 401 and so learns
    nothing about which paths exist.
    """

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(_("Tidak ditemukan."))


__all__ = [
    "ApiNotFoundView",
    "AutoSchema",
    "LimitOffsetPagination",
    "ScopedModelViewSet",
    "ScopedReadOnlyViewSet",
    "exception_handler",
    "status",
]
