"""The API of head counts: list and read, record and correct through the same services as the pages, and the sums
per province or regency and year. Counts only: no participant is named anywhere in it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.core.api import ScopedModelViewSet
from bangkit.prevention import selectors, services
from bangkit.prevention.api.serializers import (
    HeadcountChangeSerializer,
    HeadcountCreateSerializer,
    HeadcountSerializer,
    HeadcountTotalSerializer,
    HeadcountTotalsQuerySerializer,
)
from bangkit.prevention.filtersets import HeadcountFilterSet
from bangkit.prevention.models import Headcount


class HeadcountViewSet(ScopedModelViewSet):
    """Head counts of prevention sessions in the caller's jurisdictions, newest first (`?year=`, `?region=`,
    `?event=`)."""

    queryset = Headcount.objects.select_related("event").order_by("-date", "-id")
    serializer_class = HeadcountSerializer
    filterset_class = HeadcountFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _shown(self, headcount: Headcount) -> dict[str, Any]:
        return HeadcountSerializer(Headcount.objects.select_related("event").get(pk=headcount.pk)).data

    @extend_schema(request=HeadcountCreateSerializer, responses={201: HeadcountSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Records how many came to one day of a prevention session (`date` within the event, not in the future)."""
        serializer = HeadcountCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        headcount = services.headcount_create(actor=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(self._shown(headcount), status=status.HTTP_201_CREATED)

    @extend_schema(request=HeadcountChangeSerializer, responses={200: HeadcountSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Corrects the day or the numbers of a head count."""
        headcount = self.get_object()
        serializer = HeadcountChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        headcount = services.headcount_change(
            actor=request.user,  # type: ignore[arg-type]
            headcount=headcount,
            **serializer.validated_data,
        )
        return Response(self._shown(headcount))

    @extend_schema(parameters=[HeadcountTotalsQuerySerializer], responses={200: HeadcountTotalSerializer(many=True)})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def totals(self, request: Request) -> Response:
        """Head counts summed per province or regency of the venue and year, over the caller's jurisdictions."""
        query = HeadcountTotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        totals = selectors.headcount_totals(request.user, level=query.level(), year=query.validated_data.get("year"))
        return Response(HeadcountTotalSerializer(totals, many=True).data)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("headcounts", HeadcountViewSet, basename="headcount")
