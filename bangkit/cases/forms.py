"""Forms of the case pages. They only read input; the services decide and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.accounts.models import Organisation, User
from bangkit.cases.choices import (
    SRQ20_QUESTIONS,
    AtensiComponent,
    CaseCategory,
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
from bangkit.cases.models import Case, PlanLine, Referral
from bangkit.cases.services.access import eligible_users
from bangkit.cases.services.care import REFERRAL_NEXT, Checked
from bangkit.registry.choices import ReferredBy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]
_SWITCH = forms.CheckboxInput(attrs={"role": "switch"})


def _user_label(user: User) -> str:
    return user.full_name or user.email


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


def active_organisations() -> QuerySet[Organisation]:
    """Organisations a case may name as responsible, provider or destination: any active one, anywhere."""
    return Organisation.objects.filter(is_active=True).select_related("region").order_by("name")


class CaseOpenForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=CaseCategory.choices)
    referral_source = forms.ChoiceField(label=_("Sumber rujukan"), choices=ReferredBy.choices)
    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices, initial=Priority.NORMAL)
    organisation = forms.ModelChoiceField(label=_("Organisasi penanggung jawab"), queryset=Organisation.objects.none())
    case_worker = _UserChoiceField(
        label=_("Pendamping"), queryset=User.objects.none(), required=False, empty_label=_("Belum ditetapkan")
    )
    opened_on = forms.DateField(label=_("Tanggal dibuka"), widget=DATE)

    def __init__(self, *args: Any, user: User, region_code: str | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        organisations: Any = self.fields["organisation"]
        organisations.queryset = active_organisations()
        organisations.initial = user.organisation_id
        workers: Any = self.fields["case_worker"]
        if region_code:
            workers.queryset = eligible_users(permission="cases.change_case", region_code=region_code)
        if workers.queryset.filter(pk=user.pk).exists():
            workers.initial = user.pk
        self.fields["opened_on"].initial = timezone.localdate()


class CaseEditForm(forms.Form):
    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices)
    referral_source = forms.ChoiceField(label=_("Sumber rujukan"), choices=ReferredBy.choices)
    case_worker = _UserChoiceField(
        label=_("Pendamping"), queryset=User.objects.none(), required=False, empty_label=_("Belum ditetapkan")
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any):
        current = {
            "priority": case.priority,
            "referral_source": case.referral_source,
            "case_worker": case.case_worker_id,
        }
        kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        workers: Any = self.fields["case_worker"]
        workers.queryset = eligible_users(permission="cases.change_case", region_code=case.region_id)


class TransitionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dicatat di riwayat kasus dan dapat dibaca semua petugas kasus: jangan tulis identitas orang."),
    )
    closure_reason = forms.ChoiceField(
        label=_("Alasan penutupan"), choices=[("", "---------"), *ClosureReason.choices], required=False
    )

    def __init__(self, *args: Any, needs_reason: bool, closing: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = needs_reason
        if not needs_reason:
            self.fields["reason"].label = _("Keterangan (tidak wajib)")
        if closing:
            self.fields["closure_reason"].required = True
        else:
            del self.fields["closure_reason"]


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk supervisor"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Keputusan"),
        choices=[("1", _("Setujui")), ("0", _("Kembalikan kepada pendamping"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Catatan keputusan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila pengajuan dikembalikan."),
    )


class AssessmentForm(forms.Form):
    """The whole assessment on one page: SRQ-20 as twenty yes/no toggles, then all 7 needs and all 8 risk factors."""

    assessed_on = forms.DateField(label=_("Tanggal asesmen"), widget=DATE)
    stress = forms.ChoiceField(label=_("Stres"), choices=Severity.choices, initial=Severity.NONE)
    depression = forms.ChoiceField(label=_("Depresi"), choices=Severity.choices, initial=Severity.NONE)
    isolation = forms.ChoiceField(label=_("Isolasi sosial"), choices=Severity.choices, initial=Severity.NONE)
    psychosocial_note = forms.CharField(
        label=_("Catatan psikososial"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    health_note = forms.CharField(
        label=_("Kesehatan dan disabilitas"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_situation = forms.ChoiceField(
        label=_("Situasi keluarga"), choices=FamilySituation.choices, initial=FamilySituation.UNKNOWN
    )
    family_note = forms.CharField(label=_("Catatan keluarga"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    debt_amount = forms.IntegerField(
        label=_("Jumlah utang (Rp)"),
        required=False,
        min_value=0,
        max_value=10**15,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    debt_note = forms.CharField(label=_("Utang kepada / untuk"), required=False, max_length=300)
    summary = forms.CharField(label=_("Kesimpulan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for number, question in enumerate(SRQ20_QUESTIONS, start=1):
            self.fields[f"srq_{number}"] = forms.ChoiceField(
                label=f"{number}. {question}",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
        for code, label in AtensiComponent.choices:
            self.fields[f"need_{code}"] = forms.BooleanField(label=label, required=False, widget=_SWITCH)
            self.fields[f"need_{code}_note"] = forms.CharField(label=_("Catatan"), required=False, max_length=500)
        for code, label in RiskFactor.choices:
            self.fields[f"risk_{code}"] = forms.BooleanField(label=label, required=False, widget=_SWITCH)
            self.fields[f"risk_{code}_note"] = forms.CharField(label=_("Catatan"), required=False, max_length=500)

    def condition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("stress", "depression", "isolation", "family_situation")]

    def note_fields(self) -> list[forms.BoundField]:
        names = ("psychosocial_note", "health_note", "family_note", "debt_amount", "debt_note")
        return [self[name] for name in names]

    def srq_fields(self) -> list[forms.BoundField]:
        return [self[f"srq_{number}"] for number in range(1, len(SRQ20_QUESTIONS) + 1)]

    def need_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"need_{code}"], self[f"need_{code}_note"]) for code in AtensiComponent.values]

    def risk_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"risk_{code}"], self[f"risk_{code}_note"]) for code in RiskFactor.values]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers = [cleaned.get(f"srq_{number}") or "" for number in range(1, len(SRQ20_QUESTIONS) + 1)]
        answered = [answer for answer in answers if answer]
        if answered and len(answered) != len(answers):
            missing = [str(number) for number, answer in enumerate(answers, start=1) if not answer]
            raise forms.ValidationError(
                _(
                    "Jawab semua pertanyaan SRQ-20 (belum dijawab: nomor %(numbers)s), atau kosongkan semuanya bila "
                    "skrining tidak dilakukan."
                )
                % {"numbers": ", ".join(missing)}
            )
        cleaned["srq20_answers"] = [answer == "1" for answer in answers] if answered else []
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "srq20_answers": data["srq20_answers"],
            "stress": data["stress"],
            "depression": data["depression"],
            "isolation": data["isolation"],
            "psychosocial_note": data["psychosocial_note"],
            "health_note": data["health_note"],
            "family_situation": data["family_situation"],
            "family_note": data["family_note"],
            "debt_amount": data["debt_amount"],
            "debt_note": data["debt_note"],
            "summary": data["summary"],
            "needs": {
                code: Checked(bool(data[f"need_{code}"]), data[f"need_{code}_note"]) for code in AtensiComponent.values
            },
            "risk_factors": {
                code: Checked(bool(data[f"risk_{code}"]), data[f"risk_{code}_note"]) for code in RiskFactor.values
            },
        }


class PlanLineForm(forms.Form):
    component = forms.ChoiceField(label=_("Komponen ATENSI"), choices=AtensiComponent.choices)
    description = forms.CharField(label=_("Kegiatan"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_organisation = forms.ModelChoiceField(
        label=_("Penanggung jawab"), queryset=Organisation.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Target tanggal"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=PlanLineStatus.choices, initial=PlanLineStatus.PLANNED)

    def __init__(self, *args: Any, line: PlanLine | None = None, **kwargs: Any):
        if line is not None:
            current = {
                "component": line.component,
                "description": line.description,
                "responsible_organisation": line.responsible_organisation_id,
                "due_on": line.due_on,
                "status": line.status,
            }
            kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        organisations: Any = self.fields["responsible_organisation"]
        organisations.queryset = active_organisations()
        if line is None:
            del self.fields["status"]


class ServiceForm(forms.Form):
    delivered_on = forms.DateField(label=_("Tanggal"), widget=DATE)
    kind = forms.ChoiceField(label=_("Jenis layanan"), choices=ServiceKind.choices)
    component = forms.ChoiceField(label=_("Komponen ATENSI"), choices=AtensiComponent.choices)
    plan_line = forms.ModelChoiceField(label=_("Kegiatan rencana"), queryset=PlanLine.objects.none(), required=False)
    provider = forms.ModelChoiceField(
        label=_("Pemberi layanan"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Kosongkan bila organisasi Anda sendiri."),
    )
    provider_name = forms.CharField(
        label=_("Pemberi layanan lain"),
        max_length=200,
        required=False,
        help_text=_("Bila pemberi layanan tidak terdaftar."),
    )
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
        plan_lines: Any = self.fields["plan_line"]
        plan_lines.queryset = PlanLine.objects.filter(case=case).order_by("due_on", "id")
        providers: Any = self.fields["provider"]
        providers.queryset = active_organisations()


class ReferralForm(forms.Form):
    service = forms.ChoiceField(label=_("Layanan"), choices=ReferralService.choices)
    to_organisation = forms.ModelChoiceField(
        label=_("Dirujuk ke"), queryset=Organisation.objects.none(), required=False
    )
    to_name = forms.CharField(
        label=_("Dirujuk ke (lainnya)"),
        max_length=200,
        required=False,
        help_text=_("Bila lembaga tujuan tidak terdaftar."),
    )
    reason = forms.CharField(label=_("Alasan rujukan"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    referred_on = forms.DateField(label=_("Tanggal rujukan"), widget=DATE)
    override_reason = forms.CharField(
        label=_("Alasan pengecualian persetujuan"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Hanya supervisor, dan hanya bila orang ini belum memberi persetujuan berbagi data dengan lembaga tujuan."
        ),
    )

    def __init__(self, *args: Any, may_override: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].initial = timezone.localdate()
        destinations: Any = self.fields["to_organisation"]
        destinations.queryset = active_organisations()
        if not may_override:
            del self.fields["override_reason"]


class ReferralResponseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    responded_on = forms.DateField(label=_("Tanggal jawaban"), widget=DATE)
    outcome_note = forms.CharField(label=_("Hasil"), max_length=500, required=False)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any):
        super().__init__(*args, **kwargs)
        allowed = REFERRAL_NEXT.get(referral.status, frozenset())
        status: Any = self.fields["status"]
        status.choices = [(code, label) for code, label in ReferralStatus.choices if code in allowed]
        self.fields["responded_on"].initial = timezone.localdate()


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Catatan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Disimpan terenkripsi; hanya petugas kasus yang berwenang yang dapat membacanya."),
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tugas"), max_length=300)
    due_on = forms.DateField(label=_("Batas waktu"), widget=DATE)
    assigned_to = _UserChoiceField(label=_("Ditugaskan kepada"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        assignees: Any = self.fields["assigned_to"]
        assignees.queryset = eligible_users(permission="cases.change_task", region_code=case.region_id)
        assignees.initial = case.case_worker_id or user.pk
