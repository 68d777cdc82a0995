"""The API of assistance schemes: list and read (with the in-kind package and the eligibility rules in words),
create and change through `services.scheme_save`, add an item to the package, and the scheme's ledger against its
budget ceiling.

A scheme is read by the officers of its region and of the regencies inside it; changing it needs
`assistance.change_scheme` over its own region.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.assistance import selectors, services
from bangkit.assistance.api.base import ServiceViewSet, actor, found_in_jurisdiction
from bangkit.assistance.api.serializers import (
    SchemeDetailSerializer,
    SchemeItemAddSerializer,
    SchemeItemSerializer,
    SchemeLedgerSerializer,
    SchemeSerializer,
    SchemeWriteSerializer,
)
from bangkit.assistance.filtersets import SchemeFilterSet
from bangkit.assistance.models import Scheme


class SchemeViewSet(ServiceViewSet):
    """Assistance schemes in the caller's jurisdictions, newest budget year first (`?year=`, `?kind=`, `?q=`)."""

    queryset = Scheme.objects.select_related("organisation", "region").order_by("-year", "name", "id")
    serializer_class = SchemeSerializer
    filterset_class = SchemeFilterSet

    def get_serializer_class(self) -> type[SchemeSerializer]:
        return SchemeSerializer if self.action == "list" else SchemeDetailSerializer

    def get_queryset(self) -> QuerySet[Scheme]:
        schemes = super().get_queryset()
        if self.action == "retrieve":
            schemes = schemes.select_related("completed_event").prefetch_related("items")
        return schemes

    def _shown(self, scheme: Scheme) -> dict[str, Any]:
        shown = (
            Scheme.objects.select_related("organisation", "region", "completed_event")
            .prefetch_related("items")
            .get(pk=scheme.pk)
        )
        return SchemeDetailSerializer(shown, context=self.get_serializer_context()).data

    @extend_schema(request=SchemeWriteSerializer, responses={201: SchemeDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Creates a scheme: cash (`amount_per_person` in whole rupiah) or in kind (its package is added item by item
        with `items/`). A region outside the caller's jurisdictions is refused on `region`."""
        serializer = SchemeWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        scheme = services.scheme_save(actor=actor(request), **serializer.validated_data)
        return Response(self._shown(scheme), status=status.HTTP_201_CREATED)

    @extend_schema(request=SchemeWriteSerializer, responses={200: SchemeDetailSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Changes a scheme that has no tranche submitted or approved yet."""
        scheme = self.get_object()
        serializer = SchemeWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        scheme = services.scheme_save(actor=actor(request), scheme=scheme, **serializer.validated_data)
        return Response(self._shown(scheme))

    @extend_schema(request=SchemeItemAddSerializer, responses={201: SchemeItemSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def items(self, request: Request, pk: Any = None) -> Response:
        """Adds an item to an in-kind scheme's package, e.g. 1 oven at Rp 1.500.000."""
        scheme = self.get_object()
        serializer = SchemeItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            item = services.scheme_item_add(actor=actor(request), scheme=scheme, **serializer.validated_data)
        return Response(SchemeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SchemeLedgerSerializer})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ledger(self, request: Request, pk: Any = None) -> Response:
        """Per tranche, people and rupiah (paid, failed); what the scheme has committed and paid against its budget
        ceiling, and what remains."""
        ledger = selectors.scheme_ledger(self.get_object())
        body = {
            "tranches": ledger.tranches,
            "committed": ledger.committed,
            "paid": ledger.paid,
            "ceiling": ledger.ceiling,
            "remaining": ledger.remaining,
        }
        return Response(SchemeLedgerSerializer(body).data)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("assistance/schemes", SchemeViewSet, basename="assistance-scheme")
