"""Forms of programs, events and their parts, enrolment and attendance. They read and check input; the services
decide and write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.forms import jurisdiction_or_all
from bangkit.accounts.models import Organisation, User
from bangkit.programs import selectors, services
from bangkit.programs.choices import AttendanceStatus, FacilitatorRole, PartnerRole, WithdrawalReason
from bangkit.programs.models import Enrolment, Event, EventSession, Module, Program
from bangkit.regions.forms import RegionField
from bangkit.regions.models import RegionLevel
from bangkit.registry.forms_details import DateInput

BIGINT_MAX = 2**63 - 1
# The most people one enrolment form may carry: a page of search results, with room to spare.
MAX_PEOPLE_PER_ENROLMENT = 200


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def active_organisations() -> QuerySet[Organisation]:
    """Organisations an event or program may name (organiser, partner): any active one, anywhere — the Directorate
    in Jakarta organises events in Kupang."""
    return Organisation.objects.filter(is_active=True).order_by("name")


class ProgramForm(forms.ModelForm):
    region = RegionField(
        label=_("Wilayah program"),
        max_level=RegionLevel.REGENCY,
        help_text=_("Provinsi atau kabupaten/kota yang dicakup; kegiatannya diadakan di dalam wilayah ini."),
    )

    class Meta:
        model = Program
        fields = ["name", "year", "organisation", "region", "objectives", "target_people", "budget"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "budget": forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations: Any = self.fields["organisation"]
        organisations.queryset = active_organisations()
        region: RegionField = self.fields["region"]  # type: ignore[assignment]
        if self.instance.pk:
            region.within = jurisdiction_or_all(user, "programs.change_program")
        else:
            region.within = jurisdiction_or_all(user, "programs.add_program")
            self.initial.setdefault("organisation", user.organisation_id)


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisasi"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Peran"), choices=PartnerRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations: Any = self.fields["organisation"]
        organisations.queryset = active_organisations()


class EventForm(forms.ModelForm):
    region = RegionField(
        label=_("Desa/kelurahan tempat"),
        min_level=RegionLevel.REGENCY,
        help_text=_("Wilayah tempat kegiatan; menentukan siapa yang dapat melihat kegiatan dan pesertanya."),
    )
    participant_region = RegionField(
        label=_("Peserta berasal dari"),
        required=False,
        help_text=_("Hanya orang yang tinggal di wilayah ini; kosong: tanpa batas wilayah."),
    )

    class Meta:
        model = Event
        fields = ["program", *services.EVENT_FIELDS]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "daily_start": TimeInput,
            "daily_end": TimeInput,
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "completion_percent": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        permission = "programs.change_event" if self.instance.pk else "programs.add_event"
        programs: Any = self.fields["program"]
        programs.queryset = selectors.programs_reaching(user, permission)
        programs.label_from_instance = lambda program: f"{program.name} ({program.year})"
        organisers: Any = self.fields["organiser"]
        organisers.queryset = active_organisations()
        region: RegionField = self.fields["region"]  # type: ignore[assignment]
        region.within = jurisdiction_or_all(user, permission)
        if not self.instance.pk:
            self.initial.setdefault("organiser", user.organisation_id)

    def service_values(self) -> dict[str, Any]:
        """What `services.event_save` takes, from the cleaned form."""
        return {name: self.cleaned_data[name] for name in services.EVENT_FIELDS}


def _session_label(session: EventSession) -> str:
    when = f"{session.date:%d-%m-%Y} {session.starts_at:%H.%M}–{session.ends_at:%H.%M}"
    return f"{when} {session.title}".strip()


class SessionForm(forms.Form):
    date = forms.TypedChoiceField(label=_("Tanggal"), coerce=date.fromisoformat, choices=())
    starts_at = forms.TimeField(label=_("Jam mulai"), widget=TimeInput)
    ends_at = forms.TimeField(label=_("Jam selesai"), widget=TimeInput)
    title = forms.CharField(label=_("Judul sesi"), max_length=200, required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = [date.fromordinal(day) for day in range(event.start_date.toordinal(), event.end_date.toordinal() + 1)]
        day_field: Any = self.fields["date"]
        day_field.choices = [(day.isoformat(), f"{day:%d-%m-%Y}") for day in days]
        self.initial.setdefault("starts_at", event.daily_start)
        self.initial.setdefault("ends_at", event.daily_end)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Jam selesai harus setelah jam mulai."))
        return cleaned


class EventModuleForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Modul"), queryset=Module.objects.none())
    session = forms.ModelChoiceField(label=_("Sesi"), queryset=EventSession.objects.none())
    hours = forms.DecimalField(
        label=_("Jam pelajaran"),
        required=False,
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Kosongkan untuk memakai jam pelajaran baku modul."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modules: Any = self.fields["module"]
        modules.queryset = Module.objects.filter(is_active=True).order_by("name")
        modules.label_from_instance = lambda module: (
            _("%(name)s (baku %(hours)s jp)")
            % {
                "name": module.name,
                "hours": module.default_hours,
            }
        )
        sessions: Any = self.fields["session"]
        sessions.queryset = EventSession.objects.filter(event=event).order_by("date", "starts_at")
        sessions.label_from_instance = _session_label
        first = sessions.queryset.first()
        if first is not None:
            self.initial.setdefault("session", first.pk)


class FacilitatorForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=200)
    role = forms.ChoiceField(label=_("Peran"), choices=FacilitatorRole.choices)
    organisation = forms.ModelChoiceField(label=_("Organisasi"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations: Any = self.fields["organisation"]
        organisations.queryset = active_organisations()


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["name", "description", "default_hours", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "default_hours": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
        }


# --- enrolment ------------------------------------------------------------------------------------------------


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )


class PersonIdsField(forms.Field):
    """The ids of the people ticked on the enrolment screen."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Centang minimal satu orang."),
        "invalid": _("Pilihan orang tidak valid."),
        "too_many": _("Paling banyak %(limit)d orang sekaligus."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if ids[0] < 1 or ids[-1] > BIGINT_MAX:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > MAX_PEOPLE_PER_ENROLMENT:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_PEOPLE_PER_ENROLMENT}
            )
        return ids


class EnrolForm(forms.Form):
    person = PersonIdsField()


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan"), choices=WithdrawalReason.choices)
    note = forms.CharField(
        label=_("Keterangan"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- attendance -----------------------------------------------------------------------------------------------


class AttendanceMarkForm(forms.Form):
    """One tap on the attendance screen. The status is the service's to check, so that a refusal shows in the
    row like any other."""

    enrolment = forms.IntegerField(min_value=1, max_value=BIGINT_MAX)
    status = forms.CharField(max_length=10, required=False)


class PaperAttendanceForm(forms.Form):
    """The participants of a session, each with a status select, as copied from the signed paper list."""

    def __init__(self, *args: Any, enrolments: Iterable[Enrolment], current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Enrolment, str]] = []
        for enrolment in enrolments:
            name = f"status_{enrolment.pk}"
            self.fields[name] = forms.ChoiceField(
                label=enrolment.person.full_name,
                choices=AttendanceStatus.choices,
                initial=current.get(enrolment.pk, AttendanceStatus.ABSENT),
            )
            self.rows.append((enrolment, name))

    def bound_rows(self) -> list[tuple[Enrolment, forms.BoundField]]:
        return [(enrolment, self[name]) for enrolment, name in self.rows]

    def marks(self) -> dict[int, str]:
        return {enrolment.pk: self.cleaned_data[name] for enrolment, name in self.rows}
