"""Serializers of the case API. Input serializers only read and type the request; the services decide."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.accounts.models import User
from bangkit.cases.choices import (
    ApprovalKind,
    AtensiComponent,
    CaseCategory,
    CaseState,
    ClosureReason,
    FamilySituation,
    PlanLineStatus,
    Priority,
    ReferralService,
    ReferralStatus,
    RiskFactor,
    ServiceKind,
    Severity,
)
from bangkit.cases.models import (
    Assessment,
    AssessmentNeed,
    AssessmentRiskFactor,
    Case,
    CaseApproval,
    CaseEvent,
    CaseNote,
    PlanLine,
    Referral,
    ServiceDelivery,
    Task,
)
from bangkit.cases.screening import QUESTION_COUNT, srq20_flagged
from bangkit.core.serializers import ScopedRelatedField, active_organisations
from bangkit.registry.choices import ReferredBy
from bangkit.registry.models import Person

LONG_TEXT = 20_000


def _name(user: User | None) -> str | None:
    return (user.full_name or user.email) if user is not None else None


def _visible_cases(user: Any) -> Any:
    return Case.objects.restrict(user, "view") if user is not None else Case.objects.none()


def _visible_people(user: Any) -> Any:
    return Person.objects.restrict(user, "view") if user is not None else Person.objects.none()


def _active_users(user: Any) -> Any:
    return User.objects.filter(is_active=True)


def _case_field(**kwargs: Any) -> ScopedRelatedField:
    return ScopedRelatedField(scope=_visible_cases, help_text=_("Id kasus."), **kwargs)


# --- Cases ---------------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer[Case]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    case_worker_name = serializers.SerializerMethodField()
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "person",
            "person_name",
            "category",
            "referral_source",
            "organisation",
            "organisation_name",
            "case_worker",
            "case_worker_name",
            "region",
            "priority",
            "state",
            "state_changed_at",
            "opened_on",
            "closed_on",
            "closure_reason",
            "closure_note",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case_worker_name(self, obj: Case) -> str | None:
        return _name(obj.case_worker)


class CaseCreateSerializer(serializers.Serializer[Any]):
    person = ScopedRelatedField(scope=_visible_people, help_text=_("Id orang."))
    category = serializers.ChoiceField(choices=CaseCategory.choices)
    referral_source = serializers.ChoiceField(choices=ReferredBy.choices)
    organisation = ScopedRelatedField(scope=active_organisations, required=False, allow_null=True)
    case_worker = ScopedRelatedField(scope=_active_users, required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    opened_on = serializers.DateField(required=False, allow_null=True)


class CaseUpdateSerializer(serializers.Serializer[Any]):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    referral_source = serializers.ChoiceField(choices=ReferredBy.choices, required=False)
    case_worker = ScopedRelatedField(scope=_active_users, required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=CaseState.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True, default=""
    )
    expected_state = serializers.ChoiceField(
        choices=CaseState.choices,
        required=False,
        help_text=_("Tahap yang dilihat pemanggil; bila kasus sudah berpindah, langkah ini ditolak."),
    )


class SubmitSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ApprovalKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class CaseApprovalSerializer(serializers.ModelSerializer[CaseApproval]):
    class Meta:
        model = CaseApproval
        fields = [
            "id",
            "case",
            "kind",
            "submitted_by",
            "submitted_at",
            "submission_note",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "kind", "at", "actor", "actor_name", "from_state", "to_state", "summary"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, obj: CaseEvent) -> str | None:
        return _name(obj.actor)


# --- Assessments ---------------------------------------------------------------------------------------------


class NeedSerializer(serializers.ModelSerializer[AssessmentNeed]):
    component = serializers.ChoiceField(choices=AtensiComponent.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    class Meta:
        model = AssessmentNeed
        fields = ["component", "needed", "note"]


class RiskFactorSerializer(serializers.ModelSerializer[AssessmentRiskFactor]):
    factor = serializers.ChoiceField(choices=RiskFactor.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    class Meta:
        model = AssessmentRiskFactor
        fields = ["factor", "present", "note"]


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    """Read and create. `needs` and `risk_factors` list what applies; the rest are recorded as "no"."""

    case = _case_field()
    srq20_answers = serializers.ListField(
        child=serializers.BooleanField(),
        min_length=0,
        max_length=QUESTION_COUNT,
        required=False,
        help_text=_("Dua puluh jawaban ya/tidak SRQ-20 berurutan, atau kosong bila skrining tidak dilakukan."),
    )
    srq20_flagged = serializers.SerializerMethodField()
    stress = serializers.ChoiceField(choices=Severity.choices, default=Severity.NONE)
    depression = serializers.ChoiceField(choices=Severity.choices, default=Severity.NONE)
    isolation = serializers.ChoiceField(choices=Severity.choices, default=Severity.NONE)
    family_situation = serializers.ChoiceField(choices=FamilySituation.choices, default=FamilySituation.UNKNOWN)
    psychosocial_note = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT, default="")
    health_note = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT, default="")
    family_note = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT, default="")
    summary = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT, default="")
    debt_amount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**15)
    debt_note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    needs = NeedSerializer(many=True, required=False)
    risk_factors = RiskFactorSerializer(many=True, required=False)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "sequence",
            "assessed_on",
            "assessor",
            "srq20_answers",
            "srq20_score",
            "srq20_flagged",
            "stress",
            "depression",
            "isolation",
            "psychosocial_note",
            "health_note",
            "family_situation",
            "family_note",
            "debt_amount",
            "debt_note",
            "summary",
            "needs",
            "risk_factors",
        ]
        read_only_fields = ["id", "sequence", "assessor", "srq20_score", "srq20_flagged"]
        extra_kwargs = {"assessed_on": {"required": False}}

    @extend_schema_field(serializers.BooleanField())
    def get_srq20_flagged(self, obj: Assessment) -> bool:
        return srq20_flagged(obj.srq20_answers)


# --- Plan, services, referrals, notes, tasks -----------------------------------------------------------------


class PlanLineSerializer(serializers.ModelSerializer[PlanLine]):
    case = _case_field()
    component = serializers.ChoiceField(choices=AtensiComponent.choices)
    description = serializers.CharField(max_length=500)
    responsible_organisation = ScopedRelatedField(scope=active_organisations, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PlanLineStatus.choices, required=False)

    class Meta:
        model = PlanLine
        fields = ["id", "case", "component", "description", "responsible_organisation", "due_on", "status"]
        read_only_fields = ["id"]


class ServiceDeliverySerializer(serializers.ModelSerializer[ServiceDelivery]):
    case = _case_field()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    component = serializers.ChoiceField(choices=AtensiComponent.choices)
    plan_line = ScopedRelatedField(
        scope=lambda user: PlanLine.objects.restrict(user, "view") if user else PlanLine.objects.none(),
        required=False,
        allow_null=True,
    )
    provider = ScopedRelatedField(scope=active_organisations, required=False, allow_null=True)
    provider_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT, default="")

    class Meta:
        model = ServiceDelivery
        fields = [
            "id",
            "case",
            "delivered_on",
            "kind",
            "component",
            "plan_line",
            "provider",
            "provider_name",
            "notes",
            "recorded_by",
        ]
        read_only_fields = ["id", "recorded_by"]
        extra_kwargs = {"delivered_on": {"required": False}}


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    case = _case_field()
    service = serializers.ChoiceField(choices=ReferralService.choices)
    to_organisation = ScopedRelatedField(scope=active_organisations, required=False, allow_null=True)
    to_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    reason = serializers.CharField(max_length=500)
    override_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text=_("Hanya supervisor, bila orang ini belum memberi persetujuan berbagi data dengan lembaga tujuan."),
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "service",
            "to_organisation",
            "to_name",
            "reason",
            "referred_on",
            "status",
            "responded_on",
            "outcome_note",
            "consent",
            "consent_override_by",
            "consent_override_reason",
            "override_reason",
            "created_by",
        ]
        read_only_fields = [
            "id",
            "status",
            "responded_on",
            "outcome_note",
            "consent",
            "consent_override_by",
            "consent_override_reason",
            "created_by",
        ]
        extra_kwargs = {"referred_on": {"required": False}}


class ReferralResponseSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(code, label) for code, label in ReferralStatus.choices if code != ReferralStatus.PENDING]
    )
    responded_on = serializers.DateField(required=False, allow_null=True)
    outcome_note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class CaseNoteSerializer(serializers.ModelSerializer[CaseNote]):
    case = _case_field()
    text = serializers.CharField(max_length=LONG_TEXT)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "case", "author", "author_name", "text", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, obj: CaseNote) -> str | None:
        return _name(obj.author)


class TaskSerializer(serializers.ModelSerializer[Task]):
    case = _case_field()
    title = serializers.CharField(max_length=300)
    assigned_to = ScopedRelatedField(scope=_active_users, required=False, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "case", "title", "due_on", "assigned_to", "created_by", "done_at", "done_by", "overdue"]
        read_only_fields = ["id", "created_by", "done_at", "done_by", "overdue"]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: Task) -> bool:
        from django.utils import timezone

        return obj.done_at is None and obj.due_on < timezone.localdate()
