"""After the grant: the person's business, the visits that follow it up, their risk of being trafficked again, the
alerts that risk raises, and their departures abroad.

Everything here belongs to a person and is placed, for scoping, by where that person lives now (`person__region`):
when someone moves, their new regency's officers follow them up. Enterprises are the exception: a group business
stays where it was set up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from bangkit.cases.choices import FamilySituation
from bangkit.core.fields import ChoiceListField, EncryptedTextField
from bangkit.core.models import ScopedModel, TimeStampedModel
from bangkit.livelihoods import choices
from bangkit.registry.choices import DepartureRoute, TravelDocument
from bangkit.registry.models import choices_check

# Rupiah amounts a household states: generous, but a typing slip of a few extra zeros is refused.
MAX_MONTHLY_RUPIAH = 1_000_000_000


class Enterprise(ScopedModel):
    """A productive economic enterprise (UEP) of one person, or a joint business group (KUBE) with members."""

    name = models.CharField(_("nama usaha"), max_length=200)
    form = models.CharField(_("bentuk"), max_length=10, choices=choices.EnterpriseForm.choices)
    kind = models.CharField(_("jenis usaha"), max_length=10, choices=choices.EnterpriseKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("lokasi usaha"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Desa/kelurahan tempat usaha berjalan."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi pendamping"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    started_on = models.DateField(_("mulai berjalan"), null=True, blank=True)
    sells_at = models.CharField(
        _("tempat berjualan"), max_length=300, blank=True, help_text=_("Mis. pasar desa, titip di warung, pesanan.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=choices.EnterpriseStatus.choices, default=choices.EnterpriseStatus.PLANNED
    )
    status_reason = models.CharField(_("alasan status"), max_length=300, blank=True)
    status_changed_on = models.DateField(_("status berubah pada"), null=True, blank=True)
    capital: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "assistance.Entitlement",
        verbose_name=_("modal dari bantuan"),
        through="EnterpriseCapital",
        related_name="enterprises",
        blank=True,
    )

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = pgettext_lazy("plural", "usaha")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region", "status"], name="enterprise_region_status")]
        constraints = [
            choices_check("form", choices.EnterpriseForm, name="enterprise_form_valid"),
            choices_check("kind", choices.EnterpriseKind, name="enterprise_kind_valid"),
            choices_check("status", choices.EnterpriseStatus, name="enterprise_status_valid"),
            models.CheckConstraint(
                condition=Q(status=choices.EnterpriseStatus.PLANNED) | Q(started_on__isnull=False),
                name="enterprise_running_has_start",
                violation_error_message=_("Usaha yang sudah berjalan perlu tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[choices.EnterpriseStatus.PAUSED, choices.EnterpriseStatus.CLOSED])
                | ~Q(status_reason=""),
                name="enterprise_stop_has_reason",
                violation_error_message=_("Sebutkan alasan usaha berhenti atau tutup."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("livelihoods:enterprise_detail", args=[self.pk])


class EnterpriseChild(ScopedModel):
    scope_region_path = "enterprise__region"

    class Meta:
        abstract = True


class EnterpriseMember(EnterpriseChild):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("usaha"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="enterprise_memberships"
    )
    role = models.CharField(_("peran"), max_length=10, choices=choices.MemberRole.choices)
    joined_on = models.DateField(_("bergabung"), null=True, blank=True)
    left_on = models.DateField(_("keluar"), null=True, blank=True)

    class Meta:
        verbose_name = _("anggota usaha")
        verbose_name_plural = pgettext_lazy("plural", "anggota usaha")
        ordering = ["enterprise", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "person"],
                name="enterprise_member_once",
                violation_error_message=_("Orang ini sudah menjadi anggota usaha ini."),
            ),
            choices_check("role", choices.MemberRole, name="enterprise_member_role_valid"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="enterprise_member_left_after_joining",
                violation_error_message=_("Tanggal keluar tidak boleh sebelum tanggal bergabung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class EnterpriseCapital(EnterpriseChild):
    """Assistance that went into the business: a stimulus paid or a starter kit handed over (assistance ledger)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("usaha"), on_delete=models.CASCADE, related_name="capital_lines"
    )
    entitlement = models.ForeignKey(
        "assistance.Entitlement", verbose_name=_("hak bantuan"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("modal usaha")
        verbose_name_plural = pgettext_lazy("plural", "modal usaha")
        ordering = ["enterprise", "id"]
        constraints = [
            # A grant capitalises one business: counted twice it would inflate what the program invested.
            models.UniqueConstraint(
                fields=["entitlement"],
                name="enterprise_capital_once",
                violation_error_message=_("Bantuan ini sudah dicatat sebagai modal usaha lain."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ← {self.entitlement_id}"


class PersonChild(ScopedModel):
    scope_region_path = "person__region"

    class Meta:
        abstract = True


# The region column's operator class in the worklists' indexes: PostgreSQL answers `region LIKE '53.01%'`
# (`core.scoping.region_q`) from a range of such an index whatever the database's collation; SQLite ignores it.
PLACED_OPCLASSES = ["", "varchar_pattern_ops", ""]


class PlacedWithPerson(PersonChild):
    """A record on the worklists, which carries a copy of its person's region so that a district's counts read one
    indexed table rather than join a million people; `livelihoods.signals` moves the copy when the person moves."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    scope_region_path = "region"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.region_id is None:
            self.region_id = self.person.region_id
        super().save(*args, **kwargs)


class FollowUp(PlacedWithPerson):
    """A follow-up visit: scheduled 3, 6 and 12 months (the scheme's choice) after a grant was paid or handed over,
    then recorded by the case worker on the day of the visit."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    entitlement = models.ForeignKey(
        "assistance.Entitlement",
        verbose_name=_("bantuan yang ditindaklanjuti"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "programs.Certificate",
        verbose_name=_("pelatihan yang ditindaklanjuti"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("usaha"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    months_after = models.PositiveSmallIntegerField(_("bulan setelah bantuan"))
    granted_on = models.DateField(_("tanggal bantuan"), help_text=_("Kunjungan tidak boleh sebelum tanggal ini."))
    due_on = models.DateField(_("jadwal kunjungan"))
    state = models.CharField(
        _("status"), max_length=10, choices=choices.FollowUpState.choices, default=choices.FollowUpState.SCHEDULED
    )
    # Missed visits: 1 once a task went to the case worker, 2 once the supervisor was given one too.
    escalation = models.PositiveSmallIntegerField(_("tingkat eskalasi"), default=0)
    escalated_on = models.DateField(_("dieskalasi pada"), null=True, blank=True)

    visited_on = models.DateField(_("tanggal kunjungan"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business = models.CharField(
        _("usaha berjalan?"), max_length=12, choices=choices.BusinessRunning.choices, blank=True
    )
    monthly_revenue = models.PositiveBigIntegerField(_("omzet per bulan (Rp)"), null=True, blank=True)
    monthly_profit = models.BigIntegerField(
        _("laba per bulan (Rp)"), null=True, blank=True, help_text=_("Boleh negatif bila merugi.")
    )
    household_income = models.PositiveBigIntegerField(
        _("penghasilan rumah tangga per bulan (Rp)"), null=True, blank=True
    )
    other_work = models.CharField(_("pekerjaan lain"), max_length=200, blank=True)
    debt_amount = models.PositiveBigIntegerField(_("utang (Rp)"), null=True, blank=True)
    # Who a debt is owed to and who arranged a departure may name a recruiter: encrypted, and masked in history.
    debt_note = EncryptedTextField(_("keterangan utang"), max_length=300, blank=True)
    family_situation = models.CharField(
        _("situasi keluarga"), max_length=12, choices=FamilySituation.choices, blank=True
    )
    health = models.CharField(_("kesehatan"), max_length=10, choices=choices.Health.choices, blank=True)
    recruiter_contact = models.BooleanField(_("didekati perekrut / calo"), default=False)
    migration_intention = models.CharField(
        _("niat bermigrasi lagi"), max_length=15, choices=choices.MigrationIntention.choices, blank=True
    )
    # What the person told: may name a recruiter, a debt holder or family matters.
    notes = EncryptedTextField(_("catatan"), blank=True)
    photo = models.ImageField(_("foto usaha"), upload_to="livelihoods/follow-ups/%Y/", blank=True)

    class Meta:
        verbose_name = _("kunjungan tindak lanjut")
        verbose_name_plural = pgettext_lazy("plural", "kunjungan tindak lanjut")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="follow_up_state_due"),
            models.Index(
                fields=["state", "region", "due_on"], opclasses=PLACED_OPCLASSES, name="follow_up_state_region_due"
            ),
            models.Index(fields=["person", "due_on"], name="follow_up_person_due"),
        ]
        constraints = [
            # Scheduling is idempotent: a grant has one visit per interval, however often the scheduler runs.
            models.UniqueConstraint(
                fields=["entitlement", "months_after"],
                condition=Q(entitlement__isnull=False),
                name="follow_up_once_per_grant_interval",
            ),
            models.UniqueConstraint(
                fields=["certificate", "months_after"],
                condition=Q(certificate__isnull=False),
                name="follow_up_once_per_training_interval",
            ),
            choices_check("state", choices.FollowUpState, name="follow_up_state_valid"),
            choices_check("business", choices.BusinessRunning, name="follow_up_business_valid", nullable=True),
            choices_check("family_situation", FamilySituation, name="follow_up_family_valid", nullable=True),
            choices_check("health", choices.Health, name="follow_up_health_valid", nullable=True),
            choices_check(
                "migration_intention", choices.MigrationIntention, name="follow_up_intention_valid", nullable=True
            ),
            models.CheckConstraint(
                condition=(Q(state=choices.FollowUpState.DONE) & Q(visited_on__isnull=False))
                | (~Q(state=choices.FollowUpState.DONE) & Q(visited_on__isnull=True)),
                name="follow_up_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(visited_on__isnull=True) | Q(visited_on__gte=F("granted_on")),
                name="follow_up_not_before_grant",
                violation_error_message=_("Kunjungan tidak boleh sebelum tanggal bantuan."),
            ),
            models.CheckConstraint(
                condition=Q(months_after__gte=1) & Q(months_after__lte=60),
                name="follow_up_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(entitlement__isnull=True) | Q(certificate__isnull=True),
                name="follow_up_one_source",
            ),
            models.CheckConstraint(
                condition=Q(escalation__lte=2),
                name="follow_up_escalation_range",
            ),
        ]

    def __str__(self) -> str:
        return _("Kunjungan %(months)d bulan") % {"months": self.months_after}

    def get_absolute_url(self) -> str:
        return reverse("livelihoods:follow_up_detail", args=[self.pk])


class RiskWeight(TimeStampedModel):
    """How much one factor weighs in the re-trafficking risk score, and why: data, edited by an administrator,
    every change kept in the history."""

    factor = models.CharField(_("faktor"), max_length=30, choices=choices.RiskFactor.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("bobot"), help_text=_("0 (tidak dihitung) sampai 10."))
    rationale = models.TextField(_("alasan bobot"))

    class Meta:
        verbose_name = _("bobot faktor risiko")
        verbose_name_plural = pgettext_lazy("plural", "bobot faktor risiko")
        ordering = ["id"]
        constraints = [
            choices_check("factor", choices.RiskFactor, name="risk_weight_factor_valid"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=10),
                name="risk_weight_range",
                violation_error_message=_("Bobot harus antara 0 dan 10."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_factor_display())


class RiskThresholds(TimeStampedModel):
    """The instrument's cut-offs, one row: a score (the sum of the weights present) from `medium_from` is medium,
    from `high_from` high; a rise to high asks for a visit within `high_visit_days`."""

    medium_from = models.PositiveSmallIntegerField(_("sedang mulai skor"))
    high_from = models.PositiveSmallIntegerField(_("tinggi mulai skor"))
    high_visit_days = models.PositiveSmallIntegerField(_("kunjungan risiko tinggi dalam (hari)"), default=7)

    class Meta:
        verbose_name = _("ambang risiko")
        verbose_name_plural = pgettext_lazy("plural", "ambang risiko")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="risk_thresholds_single_row"),
            models.CheckConstraint(
                condition=Q(medium_from__gte=1) & Q(medium_from__lt=F("high_from")) & Q(high_from__lte=100),
                name="risk_thresholds_ordered",
                violation_error_message=_("Ambang harus 1 ≤ sedang < tinggi ≤ 100."),
            ),
            models.CheckConstraint(
                condition=Q(high_visit_days__gte=1) & Q(high_visit_days__lte=60),
                name="risk_thresholds_visit_days",
                violation_error_message=_("Kunjungan risiko tinggi: 1 sampai 60 hari."),
            ),
        ]

    def __str__(self) -> str:
        return _("Sedang ≥ %(medium)d, tinggi ≥ %(high)d") % {"medium": self.medium_from, "high": self.high_from}


class PersonRisk(PlacedWithPerson):
    """A person's current risk: which factors were last seen present (a bit per factor, `livelihoods.risk`), where
    each was seen, and the score and level under the current weights. One row per person, so that a worklist and a
    re-scoring of everyone read one narrow table."""

    person = models.OneToOneField(
        "registry.Person", verbose_name=_("orang"), on_delete=models.CASCADE, related_name="risk"
    )
    present = models.PositiveIntegerField(_("faktor yang ada"), default=0)
    # factor → [present, source, date]: what the explanation on screen says for each factor.
    evidence = models.JSONField(_("sumber tiap faktor"), default=dict)
    score = models.PositiveSmallIntegerField(_("skor"), default=0)
    level = models.CharField(_("tingkat"), max_length=6, choices=choices.RiskLevel.choices, default="low")
    level_since = models.DateTimeField(_("tingkat sejak"))

    class Meta:
        verbose_name = _("risiko orang")
        verbose_name_plural = pgettext_lazy("plural", "risiko orang")
        ordering = ["-score", "id"]
        indexes = [
            models.Index(fields=["level", "score"], name="person_risk_level_score"),
            models.Index(
                fields=["level", "region", "score"], opclasses=PLACED_OPCLASSES, name="person_risk_level_region"
            ),
        ]
        constraints = [
            choices_check("level", choices.RiskLevel, name="person_risk_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.score})"


class RiskScore(PersonChild):
    """One scoring of a person, kept as a series for the trend: what it was computed from and how each factor
    counted."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.CASCADE, related_name="risk_scores"
    )
    score = models.PositiveSmallIntegerField(_("skor"))
    level = models.CharField(_("tingkat"), max_length=6, choices=choices.RiskLevel.choices)
    source = models.CharField(_("dihitung dari"), max_length=12, choices=choices.RiskSource.choices)
    scored_on = models.DateField(_("tanggal"))
    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("kunjungan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{factor, present, weight, source, on}], in the instrument's order.
    factors = models.JSONField(_("rincian faktor"), default=list)

    class Meta:
        verbose_name = _("skor risiko")
        verbose_name_plural = pgettext_lazy("plural", "skor risiko")
        ordering = ["person", "-id"]
        indexes = [models.Index(fields=["person", "scored_on"], name="risk_score_person_date")]
        constraints = [
            choices_check("level", choices.RiskLevel, name="risk_score_level_valid"),
            choices_check("source", choices.RiskSource, name="risk_score_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.scored_on}: {self.get_level_display()} ({self.score})"


class Alert(PlacedWithPerson):
    """Something a case worker and the district must act on. At most one open alert of a kind per person, so that
    repeated findings do not bury the worklist (database constraint)."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=choices.AlertKind.choices)
    reason = models.CharField(_("alasan"), max_length=500)
    task = models.ForeignKey(
        "cases.Task", verbose_name=_("tugas"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("ditangani pada"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditangani oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(_("tindakan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("peringatan")
        verbose_name_plural = pgettext_lazy("plural", "peringatan")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["resolved_at", "kind"], name="alert_open_kind"),
            models.Index(
                fields=["region", "id"],
                opclasses=PLACED_OPCLASSES[1:],
                condition=Q(resolved_at__isnull=True),
                name="alert_open_region",
            ),
        ]
        constraints = [
            choices_check("kind", choices.AlertKind, name="alert_kind_valid"),
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(resolved_at__isnull=True), name="alert_open_once_per_kind"
            ),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True))
                | (Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False) & ~Q(resolution="")),
                name="alert_resolved_says_how",
                violation_error_message=_("Sebutkan tindakan yang diambil."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Remigration(PersonChild):
    """A departure abroad after the return: where to, by which route, with which documents."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="remigrations"
    )
    departed_on = models.DateField(_("tanggal berangkat"))
    country = CountryField(_("negara tujuan"))
    route = models.CharField(_("jalur"), max_length=15, choices=DepartureRoute.choices)
    documents_held = ChoiceListField(_("dokumen yang dimiliki"), choices_class=TravelDocument)
    through = EncryptedTextField(_("melalui (agen / sponsor)"), max_length=200, blank=True)
    note = EncryptedTextField(_("keterangan"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("migrasi ulang")
        verbose_name_plural = pgettext_lazy("plural", "migrasi ulang")
        ordering = ["-departed_on", "-id"]
        constraints = [choices_check("route", DepartureRoute, name="remigration_route_valid")]

    def __str__(self) -> str:
        return f"{self.departed_on}: {self.country.name}"


class RescoreRun(TimeStampedModel):
    """One re-scoring of everyone after the weights changed, with its progress for the page that started it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diminta oleh"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("status"), max_length=8, choices=choices.RunState.choices, default="queued")
    people_done = models.PositiveIntegerField(_("orang selesai"), default=0)
    people_total = models.PositiveIntegerField(_("jumlah orang"), default=0)
    level_changes = models.PositiveIntegerField(_("tingkat berubah"), default=0)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("penghitungan ulang risiko")
        verbose_name_plural = pgettext_lazy("plural", "penghitungan ulang risiko")
        ordering = ["-id"]
        constraints = [
            choices_check("state", choices.RunState, name="rescore_run_state_valid"),
            # Two runs at once on two workers could each leave their own weights' scores behind.
            models.UniqueConstraint(fields=["state"], condition=Q(state="running"), name="rescore_run_one_running"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.people_done / self.people_total) if self.people_total else 0


class Proposal(PersonChild):
    """A business-development proposal: a person whose business runs asks the Ministry for more capital. Its way
    through the regency, the province and the Directorate is `livelihoods.proposal_workflow`; once funded it points
    to the entitlement that pays it, in a scheme of the assistance module."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("pengusul"), on_delete=models.PROTECT, related_name="proposals"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("usaha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("judul"), max_length=200)
    business_plan = models.TextField(_("rencana usaha"))
    expected_results = models.TextField(_("hasil yang diharapkan"))
    amount_requested = models.PositiveBigIntegerField(_("jumlah diminta (Rp)"))
    amount_approved = models.PositiveBigIntegerField(_("jumlah disetujui (Rp)"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=12, choices=choices.ProposalState.choices, default=choices.ProposalState.DRAFT
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disusun oleh"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("direkomendasikan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommended_at = models.DateTimeField(_("direkomendasikan pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    review_note = models.CharField(_("catatan peninjau"), max_length=1000, blank=True)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=1000, blank=True)
    return_reason = models.CharField(_("alasan dikembalikan"), max_length=1000, blank=True)
    funded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("didanai oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    funded_at = models.DateTimeField(_("didanai pada"), null=True, blank=True)
    scheme = models.ForeignKey(
        "assistance.Scheme",
        verbose_name=_("skema bantuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entitlement = models.OneToOneField(
        "assistance.Entitlement",
        verbose_name=_("hak bantuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal",
    )

    class Meta:
        verbose_name = _("proposal usaha")
        verbose_name_plural = pgettext_lazy("plural", "proposal usaha")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "id"], name="proposal_state")]
        constraints = [
            choices_check("state", choices.ProposalState, name="proposal_state_valid"),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0),
                name="proposal_amount_positive",
                violation_error_message=_("Jumlah yang diminta harus lebih dari nol."),
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (Q(amount_approved__gt=0) & Q(amount_approved__lte=F("amount_requested"))),
                name="proposal_approved_within_request",
                violation_error_message=_("Jumlah disetujui harus lebih dari nol dan tidak melebihi yang diminta."),
            ),
            # Four eyes, whatever code path writes the row.
            models.CheckConstraint(
                condition=Q(recommended_by__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(recommended_by=F("submitted_by")),
                name="proposal_submitter_never_recommends",
                violation_error_message=_("Yang mengajukan tidak boleh merekomendasikan proposalnya sendiri."),
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(recommended_by__isnull=True)
                | ~Q(decided_by=F("recommended_by")),
                name="proposal_recommender_never_decides",
                violation_error_message=_("Yang merekomendasikan tidak boleh memutuskan proposal yang sama."),
            ),
            models.CheckConstraint(
                condition=~Q(state=choices.ProposalState.REJECTED) | ~Q(rejection_reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=_("Sebutkan alasan penolakan."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[choices.ProposalState.APPROVED, choices.ProposalState.FUNDED])
                | (Q(decided_by__isnull=False) & Q(amount_approved__isnull=False)),
                name="proposal_approval_recorded",
                violation_error_message=_("Persetujuan perlu pemutus dan jumlah yang disetujui."),
            ),
            models.CheckConstraint(
                condition=~Q(state=choices.ProposalState.FUNDED)
                | (Q(entitlement__isnull=False) & Q(scheme__isnull=False) & Q(funded_by__isnull=False)),
                name="proposal_funded_has_entitlement",
                violation_error_message=_("Proposal yang didanai perlu hak bantuan dalam skema bantuan."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("livelihoods:proposal_detail", args=[self.pk])


class ProposalChild(ScopedModel):
    scope_region_path = "proposal__person__region"

    class Meta:
        abstract = True


class ProposalBudgetLine(ProposalChild):
    """One line of the budget: what is bought, how many, at what price. The lines add up to the amount requested
    (checked when the proposal is submitted)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    item = models.CharField(_("barang / keperluan"), max_length=200)
    quantity = models.PositiveIntegerField(_("jumlah"))
    unit_cost = models.PositiveBigIntegerField(_("harga satuan (Rp)"))

    class Meta:
        verbose_name = _("rincian anggaran")
        verbose_name_plural = pgettext_lazy("plural", "rincian anggaran")
        ordering = ["proposal", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_cost__gt=0),
                name="proposal_budget_line_positive",
                violation_error_message=_("Jumlah dan harga satuan harus lebih dari nol."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"

    @property
    def total(self) -> int:
        return self.quantity * self.unit_cost


class ProposalAttachment(ProposalChild):
    """A scanned document supporting the proposal (photos of the business, quotes, a letter of the village head)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("keterangan"), max_length=200)
    scan = models.FileField(_("berkas"), upload_to="livelihoods/proposals/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lampiran proposal")
        verbose_name_plural = pgettext_lazy("plural", "lampiran proposal")
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return self.title


class ProposalMilestone(ProposalChild):
    """After funding: what the business should have reached by when, and when it did."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="milestones"
    )
    what = models.CharField(_("capaian"), max_length=300)
    due_on = models.DateField(_("target tanggal"))
    done_on = models.DateField(_("tercapai pada"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("capaian proposal")
        verbose_name_plural = pgettext_lazy("plural", "capaian proposal")
        ordering = ["proposal", "due_on", "id"]

    def __str__(self) -> str:
        return self.what
