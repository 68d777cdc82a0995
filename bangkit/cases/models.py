"""A case: one episode of rehabilitation and reintegration of one person, from referral to termination.

The case's region is the person's home regency when the case was opened; it decides who sees the case and
everything in it (assessments, plan, services, referrals, notes, tasks, timeline). States change only through
`cases.workflow`, and every change is written to the case's timeline (`CaseEvent`) by the service that made it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.cases import choices
from bangkit.core.fields import EncryptedTextField
from bangkit.core.models import ScopedModel
from bangkit.registry.choices import ReferredBy
from bangkit.registry.models import choices_check

_FINAL = sorted(choices.FINAL_STATES)


class Case(ScopedModel):
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField(_("nomor kasus"), max_length=30, unique=True, editable=False)
    category = models.CharField(_("kategori"), max_length=5, choices=choices.CaseCategory.choices)
    referral_source = models.CharField(_("sumber rujukan"), max_length=10, choices=ReferredBy.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota asal"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kabupaten/kota tempat tinggal orang itu; menentukan siapa yang dapat melihat kasus."),
    )
    priority = models.CharField(
        _("prioritas"), max_length=6, choices=choices.Priority.choices, default=choices.Priority.NORMAL
    )
    state = models.CharField(
        _("tahap"), max_length=20, choices=choices.CaseState.choices, default=choices.CaseState.REFERRAL_RECEIVED
    )
    state_changed_at = models.DateTimeField(_("tahap berubah pada"), default=timezone.now)
    opened_on = models.DateField(_("tanggal dibuka"), default=timezone.localdate)
    closed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    closure_reason = models.CharField(
        _("alasan penutupan"), max_length=12, choices=choices.ClosureReason.choices, blank=True
    )
    closure_note = models.CharField(_("keterangan penutupan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = pgettext_lazy("plural", "kasus")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "id"], name="case_region_id"),
            models.Index(fields=["case_worker", "state"], name="case_worker_state"),
            models.Index(fields=["state", "state_changed_at"], name="case_state_since"),
        ]
        constraints = [
            choices_check("category", choices.CaseCategory, name="case_category_valid"),
            choices_check("referral_source", ReferredBy, name="case_referral_source_valid"),
            choices_check("priority", choices.Priority, name="case_priority_valid"),
            choices_check("state", choices.CaseState, name="case_state_valid"),
            choices_check("closure_reason", choices.ClosureReason, name="case_closure_reason_valid", nullable=True),
            models.CheckConstraint(
                condition=(Q(state__in=_FINAL) & Q(closed_on__isnull=False))
                | (~Q(state__in=_FINAL) & Q(closed_on__isnull=True)),
                name="case_closed_on_matches_state",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal dibuka."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state not in choices.FINAL_STATES


class CaseNumberCounter(models.Model):
    """The last case number given out per regency and year (`KPO-53.01-2026-000123` is 123 of 53.01 in 2026).

    Incremented by a conditional UPDATE inside the transaction that opens the case, so concurrent openings in one
    regency queue on this row and never share a number; see `cases.services.cases.next_case_number`.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    last_number = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        verbose_name = _("penghitung nomor kasus")
        verbose_name_plural = pgettext_lazy("plural", "penghitung nomor kasus")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="case_number_counter_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.last_number}"


class CaseChild(ScopedModel):
    scope_region_path = "case__region"

    class Meta:
        abstract = True


class CaseApproval(CaseChild):
    """A request for a supervisor's decision; whoever submitted it may never decide it (database constraint)."""

    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("jenis"), max_length=12, choices=choices.ApprovalKind.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diajukan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), default=timezone.now)
    submission_note = models.CharField(_("catatan pengajuan"), max_length=500, blank=True)
    decision = models.CharField(
        _("keputusan"),
        max_length=10,
        choices=choices.ApprovalDecision.choices,
        default=choices.ApprovalDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_note = models.CharField(_("catatan keputusan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("persetujuan kasus")
        verbose_name_plural = pgettext_lazy("plural", "persetujuan kasus")
        ordering = ["case", "-submitted_at", "-id"]
        constraints = [
            choices_check("kind", choices.ApprovalKind, name="approval_kind_valid"),
            choices_check("decision", choices.ApprovalDecision, name="approval_decision_valid"),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(decision="pending"),
                name="approval_one_pending_per_kind",
                violation_error_message=_("Sudah ada pengajuan yang menunggu keputusan."),
            ),
            models.CheckConstraint(
                condition=(Q(decision="pending") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True))
                | (~Q(decision="pending") & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="approval_decided_says_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("submitted_by")),
                name="approval_not_by_submitter",
                violation_error_message=_("Yang mengajukan tidak boleh menyetujui pengajuannya sendiri."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_decision_display()}"


class CaseEvent(CaseChild):
    """One line of the case's timeline, written by the service that did the thing; never edited."""

    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("jenis"), max_length=20, choices=choices.CaseEventKind.choices)
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(_("dari tahap"), max_length=20, choices=choices.CaseState.choices, blank=True)
    to_state = models.CharField(_("ke tahap"), max_length=20, choices=choices.CaseState.choices, blank=True)
    # What happened in words fit for anyone who may see the case: never an identifier or a note's text.
    summary = models.CharField(_("ringkasan"), max_length=500)

    class Meta:
        verbose_name = _("riwayat kasus")
        verbose_name_plural = pgettext_lazy("plural", "riwayat kasus")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]
        constraints = [choices_check("kind", choices.CaseEventKind, name="case_event_kind_valid")]

    def __str__(self) -> str:
        return self.summary


class Assessment(CaseChild):
    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="assessments")
    sequence = models.PositiveSmallIntegerField(_("asesmen ke-"), editable=False)
    assessed_on = models.DateField(_("tanggal asesmen"), default=timezone.localdate)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asesor"), on_delete=models.PROTECT, related_name="+"
    )
    # SRQ-20 answers in question order; the score is their count of "yes", kept for lists and statistics.
    srq20_answers = models.JSONField(_("jawaban SRQ-20"), default=list, blank=True)
    srq20_score = models.PositiveSmallIntegerField(_("skor SRQ-20"), null=True, blank=True, editable=False)
    stress = models.CharField(_("stres"), max_length=8, choices=choices.Severity.choices, default="none")
    depression = models.CharField(_("depresi"), max_length=8, choices=choices.Severity.choices, default="none")
    isolation = models.CharField(_("isolasi sosial"), max_length=8, choices=choices.Severity.choices, default="none")
    psychosocial_note = EncryptedTextField(_("catatan psikososial"), blank=True)
    health_note = EncryptedTextField(_("kesehatan dan disabilitas"), blank=True)
    family_situation = models.CharField(
        _("situasi keluarga"),
        max_length=12,
        choices=choices.FamilySituation.choices,
        default=choices.FamilySituation.UNKNOWN,
    )
    family_note = EncryptedTextField(_("catatan keluarga"), blank=True)
    debt_amount = models.BigIntegerField(_("jumlah utang (Rp)"), null=True, blank=True)
    debt_note = models.CharField(_("utang kepada / untuk"), max_length=300, blank=True)
    summary = EncryptedTextField(_("kesimpulan"), blank=True)

    class Meta:
        verbose_name = _("asesmen")
        verbose_name_plural = pgettext_lazy("plural", "asesmen")
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="assessment_sequence_unique"),
            choices_check("stress", choices.Severity, name="assessment_stress_valid"),
            choices_check("depression", choices.Severity, name="assessment_depression_valid"),
            choices_check("isolation", choices.Severity, name="assessment_isolation_valid"),
            choices_check("family_situation", choices.FamilySituation, name="assessment_family_valid"),
            models.CheckConstraint(
                condition=Q(srq20_score__isnull=True) | Q(srq20_score__lte=20), name="assessment_srq20_range"
            ),
            models.CheckConstraint(
                condition=Q(debt_amount__isnull=True) | Q(debt_amount__gte=0),
                name="assessment_debt_not_negative",
                violation_error_message=_("Jumlah utang tidak boleh negatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.srq20_score = sum(1 for answer in self.srq20_answers if answer is True) if self.srq20_answers else None
        super().save(*args, **kwargs)


class AssessmentNeed(CaseChild):
    scope_region_path = "assessment__case__region"

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("asesmen"), on_delete=models.CASCADE, related_name="needs"
    )
    component = models.CharField(_("komponen ATENSI"), max_length=20, choices=choices.AtensiComponent.choices)
    needed = models.BooleanField(_("dibutuhkan"), default=False)
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kebutuhan")
        verbose_name_plural = pgettext_lazy("plural", "kebutuhan")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "component"], name="assessment_need_unique"),
            choices_check("component", choices.AtensiComponent, name="assessment_need_component_valid"),
        ]

    def __str__(self) -> str:
        return self.get_component_display()


class AssessmentRiskFactor(CaseChild):
    scope_region_path = "assessment__case__region"

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("asesmen"), on_delete=models.CASCADE, related_name="risk_factors"
    )
    factor = models.CharField(_("faktor risiko"), max_length=30, choices=choices.RiskFactor.choices)
    present = models.BooleanField(_("ada"), default=False)
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("faktor risiko")
        verbose_name_plural = pgettext_lazy("plural", "faktor risiko")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="assessment_risk_factor_unique"),
            choices_check("factor", choices.RiskFactor, name="assessment_risk_factor_valid"),
        ]

    def __str__(self) -> str:
        return self.get_factor_display()


class PlanLine(CaseChild):
    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="plan_lines")
    component = models.CharField(_("komponen ATENSI"), max_length=20, choices=choices.AtensiComponent.choices)
    description = models.CharField(_("kegiatan"), max_length=500)
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("penanggung jawab"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("target tanggal"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.PlanLineStatus.choices, default=choices.PlanLineStatus.PLANNED
    )

    class Meta:
        verbose_name = _("baris rencana intervensi")
        verbose_name_plural = pgettext_lazy("plural", "rencana intervensi")
        ordering = ["case", "due_on", "id"]
        constraints = [
            choices_check("component", choices.AtensiComponent, name="plan_line_component_valid"),
            choices_check("status", choices.PlanLineStatus, name="plan_line_status_valid"),
        ]

    def __str__(self) -> str:
        return self.description


class ServiceDelivery(CaseChild):
    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="services")
    delivered_on = models.DateField(_("tanggal"), default=timezone.localdate)
    kind = models.CharField(_("jenis layanan"), max_length=20, choices=choices.ServiceKind.choices)
    component = models.CharField(_("komponen ATENSI"), max_length=20, choices=choices.AtensiComponent.choices)
    plan_line = models.ForeignKey(
        PlanLine,
        verbose_name=_("baris rencana"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("pemberi layanan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(
        _("pemberi layanan lain"), max_length=200, blank=True, help_text=_("Bila pemberi layanan tidak terdaftar.")
    )
    notes = EncryptedTextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = pgettext_lazy("plural", "layanan")
        ordering = ["case", "-delivered_on", "-id"]
        constraints = [
            choices_check("kind", choices.ServiceKind, name="service_kind_valid"),
            choices_check("component", choices.AtensiComponent, name="service_component_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.delivered_on:%d-%m-%Y})"


class Referral(CaseChild):
    """A referral out; it needs the person's consent to share data, or a supervisor's recorded override."""

    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="referrals")
    service = models.CharField(_("layanan"), max_length=12, choices=choices.ReferralService.choices)
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("dirujuk ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_name = models.CharField(
        _("dirujuk ke (lainnya)"), max_length=200, blank=True, help_text=_("Bila lembaga tujuan tidak terdaftar.")
    )
    reason = models.CharField(_("alasan rujukan"), max_length=500)
    referred_on = models.DateField(_("tanggal rujukan"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.ReferralStatus.choices, default=choices.ReferralStatus.PENDING
    )
    responded_on = models.DateField(_("tanggal jawaban"), null=True, blank=True)
    outcome_note = models.CharField(_("hasil"), max_length=500, blank=True)
    consent = models.ForeignKey(
        "registry.Consent",
        verbose_name=_("persetujuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengecualian persetujuan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_override_reason = models.CharField(_("alasan pengecualian"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = pgettext_lazy("plural", "rujukan")
        ordering = ["case", "-referred_on", "-id"]
        constraints = [
            choices_check("service", choices.ReferralService, name="referral_service_valid"),
            choices_check("status", choices.ReferralStatus, name="referral_status_valid"),
            models.CheckConstraint(
                condition=Q(consent__isnull=False)
                | (Q(consent_override_by__isnull=False) & ~Q(consent_override_reason="")),
                name="referral_has_consent_or_override",
                violation_error_message=_("Rujukan memerlukan persetujuan yang berlaku atau pengecualian supervisor."),
            ),
            models.CheckConstraint(
                condition=Q(to_organisation__isnull=False) | ~Q(to_name=""),
                name="referral_has_destination",
                violation_error_message=_("Sebutkan lembaga tujuan rujukan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} ({self.referred_on:%d-%m-%Y})"


class CaseNote(CaseChild):
    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penulis"), on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField(_("catatan"))

    class Meta:
        verbose_name = _("catatan kasus")
        verbose_name_plural = pgettext_lazy("plural", "catatan kasus")
        ordering = ["case", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%d-%m-%Y}"


class Task(CaseChild):
    case = models.ForeignKey(Case, verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tugas"), max_length=300)
    due_on = models.DateField(_("batas waktu"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ditugaskan kepada"), on_delete=models.PROTECT, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diselesaikan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tugas")
        verbose_name_plural = pgettext_lazy("plural", "tugas")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"], name="task_worklist")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(done_at__isnull=True) & Q(done_by__isnull=True))
                | (Q(done_at__isnull=False) & Q(done_by__isnull=False)),
                name="task_done_says_by_whom",
            )
        ]

    def __str__(self) -> str:
        return self.title
