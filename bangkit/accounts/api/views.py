from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.accounts import services
from bangkit.accounts.api.serializers import ApiTokenSerializer, OrganisationSerializer, UserSerializer
from bangkit.accounts.filtersets import OrganisationFilterSet, UserFilterSet
from bangkit.accounts.models import ApiToken, Organisation, User
from bangkit.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet


class OrganisationViewSet(ScopedModelViewSet):
    queryset = Organisation.objects.select_related("region").order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.organisation_save(
            actor=self.request.user,  # type: ignore[arg-type]
            organisation=Organisation(**serializer.validated_data),
        )

    def perform_update(self, serializer: Any) -> None:
        organisation = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(organisation, field, value)
        services.organisation_save(actor=self.request.user, organisation=organisation)  # type: ignore[arg-type]


class UserViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.prefetch_related("grants__region").order_by("full_name")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[ApiToken]
):
    """The caller's own personal tokens: create (the key is returned once), list, revoke (DELETE)."""

    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at")  # type: ignore[misc]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Creates a personal token; its key is in this answer only. Allowed from a signed-in browser session whose
        password was entered within the last few minutes, never with a token (a leaked token must not mint
        successors that outlive its revocation): otherwise 403. Without `expires_at` the token expires after the
        default period; a date beyond the maximum is refused."""
        if isinstance(request.auth, ApiToken):
            raise exceptions.PermissionDenied(
                _("Token API tidak dapat membuat token baru. Buat token dari halaman profil di situs.")
            )
        if not isinstance(request.successful_authenticator, SessionAuthentication) or is_reauthentication_required(
            request._request, app=""
        ):
            raise exceptions.PermissionDenied(
                _("Membuat token memerlukan konfirmasi kata sandi: masuk ulang di situs, lalu ulangi permintaan ini.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = services.api_token_create(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        body = ApiTokenSerializer(token, context={"raw_key": raw}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(user=self.request.user, token_id=instance.pk)  # type: ignore[arg-type]
