"""The duplicate review over the API, through the same selectors and services as the pages.

- `GET /duplicate-pairs/` and `/duplicate-pairs/{id}/`: pairs whose two people lie inside the caller's
  jurisdictions for `registry.resolve_duplicatepair` (others 404); open pairs unless `?status=` says otherwise.
- `POST /duplicate-pairs/{id}/merge/` (`survivor`, `values_from_duplicate`) and `/duplicate-pairs/{id}/distinct/`.
- `GET /people/{id}/duplicate-candidates/`: for a person the caller may see; candidates outside the caller's
  jurisdiction are only counted, never named.

Identifiers are never sent in clear here: NIKs masked, nothing else.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.accounts.roles import RESOLVE_DUPLICATES
from bangkit.core.api import ScopedReadOnlyViewSet
from bangkit.core.exceptions import OutOfJurisdiction
from bangkit.registry.matching import explain_stored
from bangkit.registry.models import DuplicatePair, Person
from bangkit.registry.selectors.duplicates import DuplicatePairFilterSet, candidates_for, resolvable_pairs
from bangkit.registry.services import duplicates as services


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField()


class PairPersonSerializer(serializers.ModelSerializer[Person]):
    """A person of a pair, as much as the review needs and no identifier in clear."""

    masked_nik = serializers.CharField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    merged_into = serializers.PrimaryKeyRelatedField[Person](read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "masked_nik",
            "region",
            "region_name",
            "merged_into",
        ]
        read_only_fields = fields


@extend_schema_field(ReasonSerializer(many=True))
class ReasonsField(serializers.Field):
    def to_representation(self, value: Any) -> list[dict[str, str]]:
        return [{"code": code, "text": text} for code, text in explain_stored(value)]


class DuplicatePairSerializer(serializers.ModelSerializer[DuplicatePair]):
    first = PairPersonSerializer(read_only=True)
    second = PairPersonSerializer(read_only=True)
    reasons = ReasonsField(read_only=True)
    conflicts = serializers.SerializerMethodField(
        help_text="Fields known on both records with different values: the merge keeps the survivor's unless named "
        "in values_from_duplicate."
    )

    class Meta:
        model = DuplicatePair
        fields = ["id", "first", "second", "score", "reasons", "status", "resolved_by", "resolved_at", "conflicts"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conflicts(self, pair: DuplicatePair) -> list[str]:
        if pair.status != "open":
            return []
        return [merge_field.name for merge_field in services.merge_conflicts(pair.first, pair.second)]


class MergeSerializer(serializers.Serializer[Any]):
    survivor = serializers.IntegerField(help_text="Id of the person who stays: the pair's first or second.")
    values_from_duplicate = serializers.ListField(
        child=serializers.ChoiceField(choices=[merge_field.name for merge_field in services.MERGE_FIELDS]),
        required=False,
        default=list,
        help_text="Fields whose value the survivor takes from the other record.",
    )


class MergeResultSerializer(serializers.Serializer[Any]):
    survivor = serializers.IntegerField()
    pair = DuplicatePairSerializer()


class ResolveDuplicatesPermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(RESOLVE_DUPLICATES))


class DuplicatePairViewSet(ScopedReadOnlyViewSet):
    """Possible duplicates to review; only for holders of `registry.resolve_duplicatepair` over both people."""

    queryset = DuplicatePair.objects.all()
    serializer_class = DuplicatePairSerializer
    filterset_class = DuplicatePairFilterSet
    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ResolveDuplicatesPermission,
    ]

    def get_queryset(self) -> Any:
        return resolvable_pairs(self.request.user).select_related("resolved_by")

    def filter_queryset(self, queryset: Any) -> Any:
        # The filters (open pairs by default) choose what the list shows; a pair's own URL finds it in any status.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(request=MergeSerializer, responses={200: MergeResultSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: Any = None) -> Response:
        """Merges the pair into `survivor`; the other record is kept, marked as merged into it."""
        pair = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            survivor = services.duplicate_pair_merge(actor=request.user, pair=pair, **serializer.validated_data)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        pair = self.get_queryset().get(pk=pair.pk)
        body = {
            "survivor": survivor.pk,
            "pair": DuplicatePairSerializer(pair, context=self.get_serializer_context()).data,
        }
        return Response(body)

    @extend_schema(request=None, responses={200: DuplicatePairSerializer})
    @action(detail=True, methods=["post"])
    def distinct(self, request: Request, pk: Any = None) -> Response:
        """Marks the two records as different people: the pair is not proposed again."""
        pair = self.get_object()
        try:
            services.duplicate_pair_mark_distinct(actor=request.user, pair=pair)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        pair = self.get_queryset().get(pk=pair.pk)
        return Response(self.get_serializer(pair).data)


class CandidatePersonSerializer(serializers.ModelSerializer[Person]):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "sex", "birth_date", "region", "region_name"]
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer[Any]):
    person = CandidatePersonSerializer(source="other")
    score = serializers.IntegerField()
    reasons = serializers.SerializerMethodField()
    pair = serializers.SerializerMethodField(help_text="The open pair to review, when the caller may resolve it.")

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, candidate: Any) -> list[dict[str, str]]:
        return [{"code": code, "text": text} for code, text in candidate.reasons]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_pair(self, candidate: Any) -> int | None:
        return self.context.get("pairs", {}).get(candidate.other.pk)


class CandidateReportSerializer(serializers.Serializer[Any]):
    candidates = CandidateSerializer(many=True)
    outside_jurisdiction = serializers.IntegerField(
        help_text="How many further possible duplicates lie outside the caller's jurisdiction (never named)."
    )
    message = serializers.CharField()


class ViewPeoplePermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("registry.view_person"))


class PersonDuplicateCandidatesViewSet(viewsets.GenericViewSet[Person]):
    """Possible duplicates of one person, as the matcher finds them now (also those not yet recorded as pairs)."""

    queryset = Person.objects.none()
    permission_classes: ClassVar[list[type[permissions.BasePermission]]] = [  # type: ignore[misc]
        permissions.IsAuthenticated,
        ViewPeoplePermission,
    ]
    serializer_class = CandidateReportSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(responses={200: CandidateReportSerializer})
    def list(self, request: Request, person_pk: Any = None) -> Response:
        try:
            person_id = int(str(person_pk))
        except ValueError as exc:
            raise Http404 from exc
        person = Person.objects.restrict(request.user, "view").filter(pk=person_id).first()
        if person is None:
            raise Http404
        report = candidates_for(request.user, person)
        if report.outside_jurisdiction:
            message = _("Ada kemungkinan duplikat di luar yurisdiksi Anda.")
        elif not report.visible:
            message = _("Tidak ditemukan kemungkinan duplikat.")
        else:
            message = ""
        body = {"candidates": report.visible, "outside_jurisdiction": report.outside_jurisdiction, "message": message}
        return Response(CandidateReportSerializer(body, context={"pairs": report.pairs}).data)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("duplicate-pairs", DuplicatePairViewSet, basename="duplicatepair")
    router.register(
        r"people/(?P<person_pk>[0-9]+)/duplicate-candidates",
        PersonDuplicateCandidatesViewSet,
        basename="person-duplicate-candidates",
    )
