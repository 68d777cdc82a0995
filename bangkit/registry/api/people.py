"""People in the API: the same services and masking as the pages.

Lists page by cursor (newest first), so that the millionth row costs what the first does. Exact search by NIK or
phone is a POST (`/people/search/`), keeping identifiers out of URLs and access logs.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.audit.history import record_access
from bangkit.core.api import ScopedModelViewSet
from bangkit.regions.api.serializers import RegionCodeField
from bangkit.registry.filtersets import PersonFilterSet
from bangkit.registry.masking import UNMASK_IDENTIFIERS, may_unmask
from bangkit.registry.models import Person
from bangkit.registry.selectors.people import PAGE_SIZE, person_find_exact
from bangkit.registry.services import people as services


class PersonCursorPagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = PAGE_SIZE


class PersonSerializer(serializers.ModelSerializer[Person]):
    """NIK and KK read back in clear only for callers who may unmask them over the person's region."""

    region = RegionCodeField()
    nik = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    kk_number = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, write_only=True, min_value=0)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "estimated_age",
            "nik",
            "nik_conflict_confirmed",
            "kk_number",
            "region",
            "street",
            "marital_status",
            "education",
            "disabilities",
            "deceased_on",
            "organisation",
            "registered_on",
            "merged_into",
        ]
        read_only_fields = ["birth_date_estimated", "organisation", "registered_on", "merged_into"]
        validators: list[Any] = []  # uniqueness is the service's question, asked after scoping

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not may_unmask(self.context["request"].user, UNMASK_IDENTIFIERS, instance):
            data["nik"] = instance.masked_nik or None
            data["kk_number"] = "****" if instance.kk_number else None
        return data

    def _save(self, instance: Person, validated: dict[str, Any]) -> Person:
        age = validated.pop("estimated_age", None)
        for name, value in validated.items():
            setattr(instance, name, value)
        if "birth_date" in validated and validated["birth_date"] is not None:
            instance.birth_date_estimated = False
        actor = self.context["request"].user
        if instance.pk:
            return services.person_update(actor=actor, person=instance, estimated_age=age)
        return services.person_create(actor=actor, person=instance, estimated_age=age)

    def create(self, validated_data: dict[str, Any]) -> Person:
        return self._save(Person(), validated_data)

    def update(self, instance: Person, validated_data: dict[str, Any]) -> Person:
        return self._save(instance, validated_data)


class ExactSearchSerializer(serializers.Serializer[Any]):
    nik = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("nik", "").strip() and not attrs.get("phone", "").strip():
            raise serializers.ValidationError(_("Isi NIK atau nomor telepon."))
        return attrs


class PersonViewSet(ScopedModelViewSet):
    queryset = Person.objects.select_related("region").order_by("-id")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    pagination_class = PersonCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Read by ScopedModelPermission; the search action sets it to "view" (a POST that changes nothing).
    permission_action: str | None = None

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(merged_into__isnull=True)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save_within_scope(serializer, "change")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        if (person.nik or person.kk_number) and may_unmask(request.user, UNMASK_IDENTIFIERS, person):
            record_access(request, person)
        return Response(self.get_serializer(person).data)

    @extend_schema(request=ExactSearchSerializer, responses=PersonSerializer(many=True))
    @action(
        detail=False,
        methods=["post"],
        url_path="search",
        permission_action="view",
        pagination_class=None,
        filter_backends=[],
    )
    def search(self, request: Request) -> Response:
        """People in your jurisdictions with exactly this NIK or phone number."""
        query = ExactSearchSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        rows = person_find_exact(request.user, **query.validated_data)
        for person in rows:
            if may_unmask(request.user, UNMASK_IDENTIFIERS, person):
                record_access(request, person)
        return Response(self.get_serializer(rows, many=True).data)


def register(router: BaseRouter) -> None:
    router.register("people", PersonViewSet, basename="person")
