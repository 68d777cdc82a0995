"""The API of notifications and of the outbox.

- `/notifications/`: the caller's own notifications, newest first (`?unread=true`); `POST .../{id}/read/` marks one
  read, `POST .../read-all/` all. Anyone else's notification answers 404, whatever the caller's role.
- `/outbox-messages/`: messages to people inside the caller's jurisdictions (`?person=`, `?state=`, `?channel=`,
  `?purpose=`), the number always masked; `POST` queues one (`services.message_person`: consent, number, quiet
  hours), `POST .../{id}/cancel/` cancels one still queued. Never changed otherwise nor deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.audit.history import record_access
from bangkit.core.api import ScopedModelViewSet
from bangkit.core.idempotency import Idempotent
from bangkit.notifications import selectors, services
from bangkit.notifications.api.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    OutboxMessageCreateSerializer,
    OutboxMessageSerializer,
)
from bangkit.notifications.filtersets import NotificationFilterSet, OutboxMessageFilterSet
from bangkit.notifications.models import Notification, OutboxMessage


class NotificationViewSet(
    Idempotent, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    """The caller's own notifications."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.own_notifications(self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        """Marks the notification read; reading it again keeps the first time."""
        notification = services.notification_mark_read(actor=request.user, notification=self.get_object())  # type: ignore[arg-type]
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request: Request) -> Response:
        """Marks every unread notification of the caller read."""
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})  # type: ignore[arg-type]


class OutboxMessageViewSet(ScopedModelViewSet):
    queryset = OutboxMessage.objects.select_related("person", "created_by").order_by("-id")
    serializer_class = OutboxMessageSerializer
    filterset_class = OutboxMessageFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        message = self.get_object()
        record_access(request, message)
        return Response(self.get_serializer(message).data)

    @extend_schema(request=OutboxMessageCreateSerializer, responses={201: OutboxMessageSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Queues a message to a person; refused (400, with the reason) without consent or an own number."""
        data = OutboxMessageCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        message = services.message_person(actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OutboxMessageSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Cancels a message still queued; refused (400) once it is being sent or done."""
        message = services.outbox_message_cancel(actor=request.user, message=self.get_object())  # type: ignore[arg-type]
        return Response(self.get_serializer(message).data)


def register(router: BaseRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("outbox-messages", OutboxMessageViewSet, basename="outbox-message")
