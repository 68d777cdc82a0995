"""Serializers of the programs API. Input serializers only read and type the request; the services decide.

A participant is shown by name, sex and village, never by NIK or phone: that is what an attendance list needs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.core.serializers import ScopedRelatedField, active_organisations, visible
from bangkit.programs import selectors
from bangkit.programs.choices import AttendanceSource, AttendanceStatus, FacilitatorRole, PartnerRole, WithdrawalReason
from bangkit.programs.models import (
    Attendance,
    Certificate,
    Enrolment,
    Event,
    EventFacilitator,
    EventModule,
    EventPartner,
    EventSession,
    Module,
    Program,
    ProgramPartner,
)
from bangkit.programs.selectors import programs_reaching
from bangkit.programs.services import EVENT_FIELDS, PROGRAM_FIELDS
from bangkit.regions.api.serializers import RegionCodeField
from bangkit.registry.models import Person

BIGINT_MAX = 2**63 - 1
# People enrolled by one call: a day's list at the venue; a spreadsheet of thousands goes through the import.
# Well under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000), which a form-encoded list of ids would otherwise reach.
MAX_ENROL_AT_ONCE = 500


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "maxLength": 8, "example": "08:00"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day on the venue's clock, `08:00` (seconds accepted, not shown): no zone, which the OpenAPI `time`
    format would require."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


def _programs_for_new_events(user: Any) -> Any:
    return programs_reaching(user, "programs.add_event")


def _programs_for_changed_events(user: Any) -> Any:
    return programs_reaching(user, "programs.change_event")


def _modules(user: Any) -> Any:
    return Module.objects.all()


# --- Modules -------------------------------------------------------------------------------------------------


class ModuleSerializer(serializers.ModelSerializer[Module]):
    class Meta:
        model = Module
        fields = ["id", "name", "description", "default_hours", "is_active"]


# --- Programs ------------------------------------------------------------------------------------------------


class ProgramPartnerSerializer(serializers.ModelSerializer[ProgramPartner]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProgramPartner
        fields = ["id", "organisation", "organisation_name", "role"]
        read_only_fields = fields


class ProgramSerializer(serializers.ModelSerializer[Program]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    region = RegionCodeField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    partners = ProgramPartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "year",
            "organisation",
            "organisation_name",
            "region",
            "region_name",
            "objectives",
            "target_people",
            "budget",
            "partners",
        ]
        read_only_fields = fields


class ProgramWriteSerializer(serializers.ModelSerializer[Program]):
    """A new program, or the fields of one to change (PATCH)."""

    organisation = ScopedRelatedField(scope=active_organisations, help_text=_("Id organisasi pemilik program."))
    region = RegionCodeField(help_text=_("Provinsi atau kabupaten/kota yang dicakup program."))

    class Meta:
        model = Program
        fields = list(PROGRAM_FIELDS)
        validators: list[Any] = []  # uniqueness is the service's question, asked after scoping


class PartnerAddSerializer(serializers.Serializer[Any]):
    organisation = ScopedRelatedField(scope=active_organisations, help_text=_("Id organisasi mitra."))
    role = serializers.ChoiceField(choices=PartnerRole.choices)


# --- Events --------------------------------------------------------------------------------------------------


class EventSessionSerializer(serializers.ModelSerializer[EventSession]):
    starts_at = ClockTimeField(read_only=True)
    ends_at = ClockTimeField(read_only=True)

    class Meta:
        model = EventSession
        fields = ["id", "event", "date", "starts_at", "ends_at", "title"]
        read_only_fields = fields


class EventModuleSerializer(serializers.ModelSerializer[EventModule]):
    module_name = serializers.CharField(source="module.name", read_only=True)

    class Meta:
        model = EventModule
        fields = ["id", "module", "module_name", "session", "hours"]
        read_only_fields = fields


class EventPartnerSerializer(serializers.ModelSerializer[EventPartner]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = EventPartner
        fields = ["id", "organisation", "organisation_name", "role"]
        read_only_fields = fields


class EventFacilitatorSerializer(serializers.ModelSerializer[EventFacilitator]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, allow_null=True)

    class Meta:
        model = EventFacilitator
        fields = ["id", "name", "role", "organisation", "organisation_name"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer[Event]):
    """An event as lists show it, with its seats: `enrolled` of `capacity` taken, `waitlisted` waiting."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    region = RegionCodeField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    participant_region = RegionCodeField(read_only=True, allow_null=True)
    daily_start = ClockTimeField(read_only=True)
    daily_end = ClockTimeField(read_only=True)
    enrolled = serializers.IntegerField(source="enrolled_count", read_only=True)
    waitlisted = serializers.IntegerField(source="waitlisted_count", read_only=True)
    free_seats = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "program",
            "program_name",
            "kind",
            "title",
            "venue_name",
            "region",
            "region_name",
            "start_date",
            "end_date",
            "daily_start",
            "daily_end",
            "organiser",
            "organiser_name",
            "capacity",
            "enrolled",
            "waitlisted",
            "free_seats",
            "participant_region",
            "require_open_case",
            "allow_repeat_in_program",
            "completion_percent",
            "cancelled_on",
        ]
        read_only_fields = fields

    def get_free_seats(self, event: Any) -> int:
        return max(event.capacity - event.enrolled_count, 0)


class EventDetailSerializer(EventSerializer):
    """One event with everything planned for it, and its enrolment rules in words."""

    sessions = EventSessionSerializer(many=True, read_only=True)
    modules = EventModuleSerializer(many=True, read_only=True)
    partners = EventPartnerSerializer(many=True, read_only=True)
    facilitators = EventFacilitatorSerializer(many=True, read_only=True)
    eligibility_rules = serializers.SerializerMethodField(
        help_text=_("Syarat peserta dalam kata-kata, seperti ditampilkan di layar pendaftaran.")
    )

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "eligibility_rules",
            "sessions",
            "modules",
            "partners",
            "facilitators",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_eligibility_rules(self, event: Event) -> list[str]:
        return selectors.eligibility_rules(event)


class EventWriteSerializer(serializers.ModelSerializer[Event]):
    """A new event (its sessions are made one per day at the daily times), or the fields of one to change (PATCH).

    `program` is one whose region holds or lies in the caller's jurisdiction: a Kupang officer plans events of
    the NTT program, which they may not open themselves."""

    program = ScopedRelatedField(scope=_programs_for_new_events, help_text=_("Id program."))
    region = RegionCodeField(help_text=_("Desa/kelurahan (atau kecamatan, kabupaten) tempat kegiatan."))
    organiser = ScopedRelatedField(scope=active_organisations, help_text=_("Id organisasi penyelenggara."))
    daily_start = ClockTimeField()
    daily_end = ClockTimeField()
    participant_region = RegionCodeField(
        required=False, allow_null=True, help_text=_("Hanya orang yang tinggal di wilayah ini; null: tanpa batas.")
    )
    completion_percent = serializers.IntegerField(min_value=1, max_value=100, required=False)

    class Meta:
        model = Event
        fields = ["program", *EVENT_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.partial:
            program: Any = self.fields["program"]
            program.scope = _programs_for_changed_events


class SessionAddSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    starts_at = ClockTimeField()
    ends_at = ClockTimeField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ModuleAddSerializer(serializers.Serializer[Any]):
    module = ScopedRelatedField(scope=_modules, help_text=_("Id modul dari katalog."))
    session = ScopedRelatedField(
        scope=visible(EventSession),
        required=False,
        allow_null=True,
        help_text=_("Id sesi kegiatan ini; kosong: sesi pertama."),
    )
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        required=False,
        allow_null=True,
        help_text=_("Jam pelajaran; kosong: jam baku modul."),
    )


class FacilitatorAddSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=FacilitatorRole.choices)
    organisation = ScopedRelatedField(scope=active_organisations, required=False, allow_null=True)


# --- Enrolment -----------------------------------------------------------------------------------------------


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    person_sex = serializers.CharField(source="person.sex", read_only=True)
    person_village = serializers.CharField(source="person.region.name", read_only=True)
    withdrawal_reason = serializers.ChoiceField(
        choices=WithdrawalReason.choices, allow_blank=True, read_only=True, help_text=_("Kosong bila tidak mundur.")
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "event",
            "person",
            "person_name",
            "person_sex",
            "person_village",
            "state",
            "withdrawn_on",
            "withdrawal_reason",
            "withdrawal_note",
        ]
        read_only_fields = fields


class EnrolmentCreateSerializer(serializers.Serializer[Any]):
    event = ScopedRelatedField(scope=visible(Event), help_text=_("Id kegiatan."))
    person = ScopedRelatedField(scope=visible(Person), help_text=_("Id orang."))


class EnrolPeopleSerializer(serializers.Serializer[Any]):
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=MAX_ENROL_AT_ONCE,
        help_text=_("Id orang yang didaftarkan, berurutan: kursi diberikan menurut urutan ini."),
    )


class RefusalSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text=_("Id yang dikirim."))
    reason = serializers.CharField()


class EnrolPeopleResultSerializer(serializers.Serializer[Any]):
    enrolled = EnrolmentSerializer(many=True)
    waitlisted = EnrolmentSerializer(many=True)
    refused = RefusalSerializer(
        many=True,
        help_text=_("Yang tidak didaftarkan, dengan alasannya; hanya id yang dikirim, tanpa data orangnya."),
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=WithdrawalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class WithdrawalResultSerializer(serializers.Serializer[Any]):
    withdrawn = EnrolmentSerializer()
    promoted = EnrolmentSerializer(
        allow_null=True, help_text=_("Orang pertama dari daftar tunggu yang mendapat kursi yang dilepas, bila ada.")
    )


# --- Attendance ----------------------------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    person_name = serializers.CharField(source="enrolment.person.full_name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "enrolment", "person_name", "status", "source", "recorded_by"]
        read_only_fields = fields


class AttendanceCreateSerializer(serializers.Serializer[Any]):
    session = ScopedRelatedField(scope=visible(EventSession), help_text=_("Id sesi."))
    enrolment = ScopedRelatedField(scope=visible(Enrolment), help_text=_("Id peserta (pendaftaran)."))
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    # DRF's metaclass takes declared fields off the class, so `source` shadows Field.source only in mypy's eyes.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=AttendanceSource.choices, default=AttendanceSource.PHONE
    )


class AttendanceUpdateSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    source = serializers.ChoiceField(choices=AttendanceSource.choices, required=False)  # type: ignore[assignment]


# --- Completion, report, certificates ------------------------------------------------------------------------


class CompletionSerializer(serializers.Serializer[Any]):
    enrolment = serializers.IntegerField()
    attended_sessions = serializers.IntegerField()
    attended_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    total_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    percent = serializers.IntegerField()
    completed = serializers.BooleanField()


class CountSerializer(serializers.Serializer[Any]):
    # Declared fields leave the class (DRF's metaclass): `label` shadows Field.label only in mypy's eyes.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class SessionAttendanceSerializer(serializers.Serializer[Any]):
    session = serializers.IntegerField(source="session.pk")
    date = serializers.DateField(source="session.date")
    starts_at = ClockTimeField(source="session.starts_at")
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    absent = serializers.IntegerField()
    unmarked = serializers.IntegerField()
    rate = serializers.IntegerField(help_text=_("Persen peserta yang datang (hadir atau terlambat)."))


class EventReportSerializer(serializers.Serializer[Any]):
    """The event's figures, without names."""

    event = serializers.IntegerField(source="event.pk")
    participants = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    completed = serializers.IntegerField()
    certified = serializers.IntegerField()
    by_sex = serializers.SerializerMethodField()
    by_age_band = serializers.SerializerMethodField()
    by_village = serializers.SerializerMethodField()
    sessions = SessionAttendanceSerializer(many=True)
    modules = EventModuleSerializer(many=True)

    @staticmethod
    def _counts(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"label": label, "count": count} for label, count in pairs]

    @extend_schema_field(CountSerializer(many=True))
    def get_by_sex(self, report: selectors.EventReport) -> list[dict[str, Any]]:
        return self._counts(report.by_sex)

    @extend_schema_field(CountSerializer(many=True))
    def get_by_age_band(self, report: selectors.EventReport) -> list[dict[str, Any]]:
        return self._counts(report.by_age_band)

    @extend_schema_field(CountSerializer(many=True))
    def get_by_village(self, report: selectors.EventReport) -> list[dict[str, Any]]:
        return self._counts(report.by_village)


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    event = serializers.IntegerField(source="enrolment.event_id", read_only=True)
    person_name = serializers.CharField(source="enrolment.person.full_name", read_only=True)
    revoked = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "enrolment",
            "event",
            "person_name",
            "code",
            "issued_on",
            "revoked",
            "revoked_on",
            "revocation_reason",
        ]
        read_only_fields = fields

    def get_revoked(self, certificate: Certificate) -> bool:
        return certificate.revoked_on is not None


class RevokeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)
