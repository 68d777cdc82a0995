"""Regions are reference data: every signed-in user may read all of them, whatever their jurisdictions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, pagination, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.regions.api.serializers import (
    RegionPathSerializer,
    RegionSearchQuerySerializer,
    RegionSerializer,
)
from bangkit.regions.codes import REGION_CODE_REGEX, is_region_code
from bangkit.regions.filtersets import RegionFilterSet
from bangkit.regions.models import Region
from bangkit.regions.selectors import RegionPath, region_children, region_path, region_search

CODE_PARAMETER = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="Kode Kemendagri bertitik, mis. 53.01.08.1007.",
    pattern=f"^{REGION_CODE_REGEX}$",
)


class RegionPagination(pagination.CursorPagination):
    """Keyset pages in code order: the list holds some 91,600 regions, too many for counted offset pages."""

    ordering = "code"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        # The position is the last code of the page before: anything else was not made here, and must not reach
        # the database (PostgreSQL refuses a NUL character in a text value).
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not is_region_code(cursor.position):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    pagination_class = RegionPagination
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "code"
    # A malformed code is not routed, and answers 404 without reaching the database.
    lookup_value_regex = REGION_CODE_REGEX

    def _path_or_404(self, code: str) -> RegionPath:
        path = region_path(code)
        if path is None:
            raise exceptions.NotFound(_("Wilayah tidak ditemukan."))
        return path

    @extend_schema(parameters=[CODE_PARAMETER], responses=RegionPathSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One region with the regions above it."""
        return Response(RegionPathSerializer(self._path_or_404(kwargs["code"])).data)

    @extend_schema(parameters=[CODE_PARAMETER], responses=RegionSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filterset_class=None)
    def children(self, request: Request, code: str) -> Response:
        """The regions directly under this one, by name (a district has at most a few hundred villages)."""
        rows = list(region_children(code))
        if not rows and not Region.objects.filter(code=code).exists():
            raise exceptions.NotFound(_("Wilayah tidak ditemukan."))
        return Response(RegionSerializer(rows, many=True).data)

    @extend_schema(parameters=[RegionSearchQuerySerializer], responses=RegionPathSerializer(many=True), filters=False)
    @action(detail=False, pagination_class=None, filterset_class=None)
    def search(self, request: Request) -> Response:
        """Type-ahead by name (any word's beginning) or by code prefix, best matches first."""
        query = RegionSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        results = region_search(
            params["q"], level=params.get("level"), within=params.get("within"), limit=params["limit"]
        )
        return Response(RegionPathSerializer(results, many=True).data)
