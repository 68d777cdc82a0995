"""The import over the API, through the same services as the pages.

- `POST /imports/` (multipart: `file`, optional `region`): uploads; the checks start in the background.
- `GET /imports/` (the caller's own; `?all=true`: all of their jurisdiction) and `/imports/{id}/`: state, progress
  and counts — poll the latter until `progress.active` is false.
- `GET /imports/{id}/problems/?severity=error|warning`: every problem by row and column, paged.
- `POST /imports/{id}/confirm/` ("import the valid rows"), `POST /imports/{id}/cancel/` ("import nothing").
- `GET /imports/{id}/report/`: the error report as XLSX.

Jobs outside the caller's jurisdiction answer 404.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.core.api import LimitOffsetPagination, ScopedReadOnlyViewSet
from bangkit.core.exceptions import OutOfJurisdiction
from bangkit.dataimport import services
from bangkit.dataimport.api.serializers import ImportJobSerializer, ProblemSerializer, UploadSerializer
from bangkit.dataimport.models import IMPORT_PEOPLE, ImportJob
from bangkit.dataimport.selectors import jobs_for, problems_of, visible_people
from bangkit.dataimport.views import report_response
from bangkit.regions.codes import is_region_code
from bangkit.regions.models import Region


class ImportPermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(IMPORT_PEOPLE))


class ImportJobViewSet(ScopedReadOnlyViewSet):
    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ImportPermission,
    ]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filter_backends = []

    def get_queryset(self) -> Any:
        only_own = self.action == "list" and self.request.query_params.get("all") not in ("1", "true")
        return jobs_for(self.request.user, only_own=only_own)

    @extend_schema(
        parameters=[
            OpenApiParameter("all", bool, description="All jobs of the caller's jurisdiction, not only theirs.")
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportJobSerializer})
    def create(self, request: Request) -> Response:
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        code = upload.validated_data.get("region") or ""
        region = None
        if code:
            region = Region.objects.filter(pk=code).first() if is_region_code(code) else None
            if region is None:
                raise serializers.ValidationError({"region": [_("Wilayah tidak ditemukan.")]})
        try:
            job = services.import_job_create(actor=request.user, upload=upload.validated_data["file"], region=region)  # type: ignore[arg-type]
        except OutOfJurisdiction as error:
            raise serializers.ValidationError({error.field or "region": [error.message]}) from error
        return Response(self.get_serializer(jobs_for(request.user).get(pk=job.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("severity", str, enum=["error", "warning"], description="Only these problems.")],
        responses={200: ProblemSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: Any = None) -> Response:
        """Every problem of the job, by row (0: the file as a whole) and column; identifiers masked."""
        job = self.get_object()
        problems = problems_of(job, severity=request.query_params.get("severity"))
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(problems, request, view=self) or []
        shown = visible_people(request.user, (problem.person_id for problem in page))
        data = ProblemSerializer(page, many=True, context={"shown_people": shown}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Import the valid rows (in the background: poll the job)."""
        job = self.get_object()
        self._act(services.import_job_confirm, job)
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Import nothing: the job ends and its rows are forgotten."""
        job = self.get_object()
        self._act(services.import_job_cancel, job)
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)

    def _act(self, service: Any, job: ImportJob) -> None:
        try:
            service(actor=self.request.user, job=job)
        except OutOfJurisdiction as error:
            raise Http404 from error

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY
            )
        }
    )
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: Any = None) -> FileResponse:
        """The error report as XLSX: row, column, value (identifiers masked), message."""
        return report_response(self.get_object())


def register(router: BaseRouter) -> None:
    router.register("imports", ImportJobViewSet, basename="importjob")
