"""The proposal API: list, detail (with the eligibility the data show), create a draft with its budget, and one
POST per workflow step, each through the same services as the pages (`livelihoods.proposals`)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bangkit.assistance.models import Scheme
from bangkit.cases.api.base import ServiceViewSet
from bangkit.core.serializers import ScopedRelatedField, visible
from bangkit.livelihoods import proposals
from bangkit.livelihoods.models import Enterprise, Proposal, ProposalBudgetLine, ProposalMilestone
from bangkit.livelihoods.proposal_filters import ProposalFilterSet
from bangkit.livelihoods.proposal_selectors import proposal_eligibility
from bangkit.livelihoods.proposals import MAX_PROPOSAL_RUPIAH
from bangkit.registry.models import Person


class BudgetLineSerializer(serializers.ModelSerializer[ProposalBudgetLine]):
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_cost = serializers.IntegerField(min_value=1, max_value=MAX_PROPOSAL_RUPIAH)

    class Meta:
        model = ProposalBudgetLine
        fields = ["id", "item", "quantity", "unit_cost"]
        read_only_fields = ["id"]


class MilestoneSerializer(serializers.ModelSerializer[ProposalMilestone]):
    class Meta:
        model = ProposalMilestone
        fields = ["id", "what", "due_on", "done_on", "note"]
        read_only_fields = ["id", "done_on", "note"]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    person = ScopedRelatedField(scope=visible(Person))
    enterprise = ScopedRelatedField(scope=visible(Enterprise), required=False, allow_null=True)
    amount_requested = serializers.IntegerField(min_value=1, max_value=MAX_PROPOSAL_RUPIAH)
    budget_lines = BudgetLineSerializer(many=True, required=False)
    attachments = serializers.SerializerMethodField()
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "person",
            "enterprise",
            "title",
            "business_plan",
            "expected_results",
            "amount_requested",
            "amount_approved",
            "state",
            "budget_lines",
            "attachments",
            "milestones",
            "prepared_by",
            "submitted_by",
            "submitted_at",
            "recommended_by",
            "recommended_at",
            "verified_by",
            "verified_at",
            "decided_by",
            "decided_at",
            "review_note",
            "rejection_reason",
            "return_reason",
            "funded_by",
            "funded_at",
            "scheme",
            "entitlement",
        ]
        read_only_fields = [
            name
            for name in fields
            if name
            not in {
                "person",
                "enterprise",
                "title",
                "business_plan",
                "expected_results",
                "amount_requested",
                "budget_lines",
            }
        ]

    def get_attachments(self, obj: Proposal) -> list[dict[str, Any]]:
        return [{"id": attachment.pk, "title": attachment.title} for attachment in obj.attachments.all()]


class ProposalNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ProposalReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class ProposalApproveSerializer(ProposalNoteSerializer):
    amount_approved = serializers.IntegerField(min_value=1, max_value=MAX_PROPOSAL_RUPIAH, required=False)


class FundSerializer(serializers.Serializer[Any]):
    scheme = ScopedRelatedField(scope=visible(Scheme))


class ProposalViewSet(ServiceViewSet):
    """Proposals of the people in the caller's jurisdictions; `?state=verified` for those awaiting the
    Directorate. A step the caller may not take answers 403, one the proposal is not ready for 400."""

    queryset = Proposal.objects.prefetch_related("budget_lines", "attachments", "milestones").order_by("-id")
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet

    def perform_service_create(self, data: dict[str, Any]) -> Proposal:
        data["budget_lines"] = [dict(line) for line in data.get("budget_lines", [])]
        return proposals.proposal_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = self.get_object()
        data = dict(self.get_serializer(proposal).data)
        data["eligibility"] = [
            {"rule": str(rule.rule), "met": rule.met, "explanation": rule.explanation}
            for rule in proposal_eligibility(proposal, user=request.user)
        ]
        return Response(data)

    def _step(self, request: Request, service: Any, payload: type[serializers.Serializer[Any]] | None) -> Response:
        values: dict[str, Any] = {}
        if payload is not None:
            checked = payload(data=request.data, context=self.get_serializer_context())
            checked.is_valid(raise_exception=True)
            values = dict(checked.validated_data)
        proposal = service(actor=request.user, proposal=self.get_object(), **values)
        return Response(self.get_serializer(Proposal.objects.get(pk=proposal.pk)).data)

    @extend_schema(request=BudgetLineSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], url_path="budget-lines", permission_action="change")
    def budget_lines(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_budget_line_add, BudgetLineSerializer)

    # PATCH on one line; the viewset itself takes no PATCH (a draft changes through its service, not a bare save).
    @extend_schema(request=BudgetLineSerializer, responses={200: ProposalSerializer})
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"budget-lines/(?P<line_pk>[0-9]+)",
        permission_action="change",
        http_method_names=["patch", "options"],
    )
    def budget_line(self, request: Request, pk: Any = None, line_pk: Any = None) -> Response:
        """Corrects one line of a draft's budget (any of item, quantity, unit_cost)."""
        proposal = self.get_object()
        line = get_object_or_404(ProposalBudgetLine, pk=line_pk, proposal=proposal)
        checked = BudgetLineSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        checked.is_valid(raise_exception=True)
        proposals.proposal_budget_line_change(actor=request.user, line=line, **checked.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(Proposal.objects.get(pk=proposal.pk)).data)

    @extend_schema(request=None, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def submit(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_submit, None)

    @extend_schema(request=ProposalNoteSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="recommend")
    def recommend(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_recommend, ProposalNoteSerializer)

    @extend_schema(request=ProposalNoteSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="verify")
    def verify(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_verify, ProposalNoteSerializer)

    @extend_schema(request=ProposalApproveSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="approve")
    def approve(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_approve, ProposalApproveSerializer)

    @extend_schema(request=ProposalReasonSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="approve")
    def reject(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_reject, ProposalReasonSerializer)

    # Any of the three reviewers returns it, each at their own step: the service checks which one applies.
    @extend_schema(request=ProposalReasonSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], url_path="return", permission_action="view")
    def return_to_draft(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_return, ProposalReasonSerializer)

    @extend_schema(request=FundSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="fund")
    def fund(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_fund, FundSerializer)

    # Milestones are their own model's permission, held where the person lives: the service checks it.
    @extend_schema(request=MilestoneSerializer, responses={200: ProposalSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def milestones(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, proposals.proposal_milestone_add, MilestoneSerializer)
