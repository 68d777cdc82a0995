from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.dataimport.models import ImportJob, ImportProblem
from bangkit.dataimport.selectors import job_progress


class ProgressSerializer(serializers.Serializer[Any]):
    state = serializers.CharField()
    state_label = serializers.CharField()
    percent = serializers.IntegerField(allow_null=True, help_text=_("0–100; null while the import itself runs."))
    rows_read = serializers.IntegerField()
    step = serializers.CharField()
    active = serializers.BooleanField(help_text=_("Whether a task is still working on the job."))


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "state",
            "state_label",
            "region",
            "region_name",
            "organisation",
            "created_by",
            "original_name",
            "file_format",
            "file_size",
            "sha256",
            "sheet_name",
            "header_row",
            "columns",
            "ignored_columns",
            "progress",
            "rows_total",
            "rows_valid",
            "rows_invalid",
            "rows_with_warnings",
            "imported_people",
            "imported_accounts",
            "imported_stays",
            "imported_phones",
            "skipped_rows",
            "error_message",
            "confirmed_by",
            "created_at",
            "validated_at",
            "confirmed_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: ImportJob) -> dict[str, Any]:
        return job_progress(job)


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("An .xlsx or .csv file, one row per person, with a header row."))
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Code of the target region (every row must lie inside it); default: the organisation's."),
    )


class ProblemSerializer(serializers.ModelSerializer[ImportProblem]):
    person = serializers.SerializerMethodField(
        help_text=_("A registered person the problem is about, when the caller may see them.")
    )

    class Meta:
        model = ImportProblem
        fields = ["row", "column", "field", "value", "severity", "code", "message", "person"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_person(self, problem: ImportProblem) -> int | None:
        return problem.person_id if problem.person_id in self.context.get("shown_people", set()) else None
