"""Programs, their events (Bimsos, UEP training...), the modules taught, enrolment, attendance and certificates.

An event lives where it is held: its region (the venue's village, or a district or regency) decides who sees it and
everything in it — sessions, modules, partners, participants, attendance, certificates. A program lives in its
jurisdiction (a province for "Bimsos ... 2019, NTT"); an event's venue lies inside its program's jurisdiction.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.core.models import ScopedModel, TimeStampedModel
from bangkit.core.scoping import ScopedQuerySet
from bangkit.programs import choices
from bangkit.registry.models import choices_check


class Module(TimeStampedModel):
    """A reusable topic of the catalogue (cake making, starting a business, safe migration...): national reference
    data, taught in many events."""

    name = models.CharField(_("nama modul"), max_length=150, unique=True)
    description = models.TextField(_("uraian"), blank=True)
    default_hours = models.DecimalField(
        _("jam pelajaran baku"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    # Not placed anywhere: whoever holds a permission on modules holds it on the whole catalogue.
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("modul")
        verbose_name_plural = pgettext_lazy("plural", "modul")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_hours__gt=0),
                name="module_hours_positive",
                violation_error_message=_("Jam pelajaran harus lebih dari nol."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Program(ScopedModel):
    # The NTT program is read in Kabupaten Kupang, where its events are run; only the province's officers change it.
    scope_read_from_below = True

    name = models.CharField(_("nama program"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="programs"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah program"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Provinsi atau kabupaten/kota yang dicakup; kegiatannya diadakan di dalam wilayah ini."),
    )
    objectives = models.TextField(_("tujuan"), blank=True)
    target_people = models.PositiveIntegerField(_("target jumlah orang"), default=0)
    budget = models.PositiveBigIntegerField(_("anggaran (Rp)"), default=0)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = pgettext_lazy("plural", "program")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "name"],
                name="program_unique_per_organisation_year",
                violation_error_message=_("Organisasi ini sudah punya program dengan nama ini pada tahun itu."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="program_year_plausible",
                violation_error_message=_("Tahun anggaran tidak masuk akal."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])


class ProgramPartner(ScopedModel):
    scope_region_path = "program__region"

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("peran"), max_length=15, choices=choices.PartnerRole.choices)

    class Meta:
        verbose_name = _("mitra program")
        verbose_name_plural = pgettext_lazy("plural", "mitra program")
        ordering = ["program", "role", "organisation__name"]
        constraints = [
            choices_check("role", choices.PartnerRole, name="program_partner_role_valid"),
            models.UniqueConstraint(
                fields=["program", "organisation", "role"],
                name="program_partner_unique",
                violation_error_message=_("Organisasi ini sudah tercatat dengan peran itu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Event(ScopedModel):
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=choices.EventKind.choices)
    title = models.CharField(_("judul"), max_length=250)
    venue_name = models.CharField(_("nama tempat"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan tempat"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Wilayah tempat kegiatan; menentukan siapa yang dapat melihat kegiatan dan pesertanya."),
    )
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(pgettext_lazy("event", "tanggal selesai"))
    daily_start = models.TimeField(_("jam mulai harian"))
    daily_end = models.TimeField(_("jam selesai harian"))
    organiser = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("penyelenggara"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("kapasitas peserta"), validators=[MinValueValidator(1)])
    # Eligibility rules, shown in plain words on the enrolment screen and applied by the enrolment service.
    participant_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("peserta berasal dari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hanya orang yang tinggal di wilayah ini; kosong: tanpa batas wilayah."),
    )
    require_open_case = models.BooleanField(_("harus punya kasus aktif"), default=False)
    allow_repeat_in_program = models.BooleanField(
        _("boleh ikut lagi dalam program yang sama"),
        default=False,
        help_text=_("Biasanya tidak: satu orang mengikuti satu kegiatan per program."),
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("batas kelulusan (% jam)"),
        default=80,
        help_text=_("Peserta lulus bila jam modul pada sesi yang dihadiri mencapai persentase ini."),
    )
    cancelled_on = models.DateField(_("dibatalkan pada"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("event", "kegiatan")
        verbose_name_plural = pgettext_lazy("plural", "kegiatan")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["region", "start_date"], name="event_region_start"),
            models.Index(fields=["start_date", "id"], name="event_start_id"),
        ]
        constraints = [
            choices_check("kind", choices.EventKind, name="event_kind_valid"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=Q(daily_end__gt=F("daily_start")),
                name="event_daily_times_ordered",
                violation_error_message=_("Jam selesai harus setelah jam mulai."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message=_("Kapasitas minimal satu peserta."),
            ),
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1) & Q(completion_percent__lte=100),
                name="event_completion_percent_range",
                violation_error_message=_("Batas kelulusan antara 1 dan 100 persen."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:event_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None


class EventChild(ScopedModel):
    scope_region_path = "event__region"

    class Meta:
        abstract = True


class EventPartner(EventChild):
    event = models.ForeignKey(
        Event, verbose_name=pgettext_lazy("event", "kegiatan"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("peran"), max_length=15, choices=choices.PartnerRole.choices)

    class Meta:
        verbose_name = _("mitra kegiatan")
        verbose_name_plural = pgettext_lazy("plural", "mitra kegiatan")
        ordering = ["event", "role", "organisation__name"]
        constraints = [
            choices_check("role", choices.PartnerRole, name="event_partner_role_valid"),
            models.UniqueConstraint(
                fields=["event", "organisation", "role"],
                name="event_partner_unique",
                violation_error_message=_("Organisasi ini sudah tercatat dengan peran itu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class EventFacilitator(EventChild):
    event = models.ForeignKey(
        Event, verbose_name=pgettext_lazy("event", "kegiatan"), on_delete=models.CASCADE, related_name="facilitators"
    )
    name = models.CharField(_("nama"), max_length=200)
    role = models.CharField(_("peran"), max_length=15, choices=choices.FacilitatorRole.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fasilitator")
        verbose_name_plural = pgettext_lazy("plural", "fasilitator")
        ordering = ["event", "role", "name"]
        constraints = [choices_check("role", choices.FacilitatorRole, name="event_facilitator_role_valid")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class EventSession(EventChild):
    """One day (or half-day) of an event: attendance is taken per session."""

    event = models.ForeignKey(
        Event, verbose_name=pgettext_lazy("event", "kegiatan"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("tanggal"))
    starts_at = models.TimeField(_("jam mulai"))
    ends_at = models.TimeField(_("jam selesai"))
    title = models.CharField(_("judul sesi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sesi")
        verbose_name_plural = pgettext_lazy("plural", "sesi")
        ordering = ["event", "date", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "date", "starts_at"],
                name="event_session_unique_start",
                violation_error_message=_("Sudah ada sesi yang mulai pada hari dan jam itu."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_session_times_ordered",
                violation_error_message=_("Jam selesai harus setelah jam mulai."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.date:%d-%m-%Y} {self.starts_at:%H.%M}"


class EventModule(EventChild):
    """A module taught at an event, in one of its sessions, for so many hours."""

    event = models.ForeignKey(
        Event, verbose_name=pgettext_lazy("event", "kegiatan"), on_delete=models.CASCADE, related_name="modules"
    )
    module = models.ForeignKey(Module, verbose_name=_("modul"), on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(EventSession, verbose_name=_("sesi"), on_delete=models.PROTECT, related_name="modules")
    hours = models.DecimalField(
        _("jam pelajaran"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    class Meta:
        verbose_name = _("modul kegiatan")
        verbose_name_plural = pgettext_lazy("plural", "modul kegiatan")
        ordering = ["event", "session__date", "session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "module"],
                name="event_module_once_per_session",
                violation_error_message=_("Modul ini sudah ada pada sesi itu."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="event_module_hours_positive",
                violation_error_message=_("Jam pelajaran harus lebih dari nol."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} ({self.hours} jp)"


class Enrolment(EventChild):
    event = models.ForeignKey(
        Event, verbose_name=pgettext_lazy("event", "kegiatan"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="enrolments"
    )
    state = models.CharField(
        _("status"), max_length=12, choices=choices.EnrolmentState.choices, default=choices.EnrolmentState.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("didaftarkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("mundur pada"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("alasan mundur"), max_length=12, choices=choices.WithdrawalReason.choices, blank=True
    )
    withdrawal_note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = pgettext_lazy("plural", "peserta")
        ordering = ["event", "id"]
        indexes = [models.Index(fields=["event", "state", "id"], name="enrolment_event_state")]
        constraints = [
            choices_check("state", choices.EnrolmentState, name="enrolment_state_valid"),
            choices_check(
                "withdrawal_reason", choices.WithdrawalReason, name="enrolment_withdrawal_reason_valid", nullable=True
            ),
            models.UniqueConstraint(
                fields=["event", "person"],
                name="enrolment_once_per_event",
                violation_error_message=_("Orang ini sudah terdaftar pada kegiatan ini."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=choices.EnrolmentState.WITHDRAWN) & Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")
                )
                | (~Q(state=choices.EnrolmentState.WITHDRAWN) & Q(withdrawn_on__isnull=True) & Q(withdrawal_reason="")),
                name="enrolment_withdrawal_complete",
                violation_error_message=_("Pengunduran diri perlu tanggal dan alasan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"


class Attendance(ScopedModel):
    scope_region_path = "session__event__region"

    session = models.ForeignKey(
        EventSession, verbose_name=_("sesi"), on_delete=models.PROTECT, related_name="attendance"
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("peserta"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("kehadiran"), max_length=8, choices=choices.AttendanceStatus.choices)
    source = models.CharField(_("dicatat dari"), max_length=6, choices=choices.AttendanceSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kehadiran")
        verbose_name_plural = pgettext_lazy("plural", "kehadiran")
        ordering = ["session", "enrolment"]
        constraints = [
            choices_check("status", choices.AttendanceStatus, name="attendance_status_valid"),
            choices_check("source", choices.AttendanceSource, name="attendance_source_valid"),
            models.UniqueConstraint(
                fields=["session", "enrolment"],
                name="attendance_once_per_session",
                violation_error_message=_("Kehadiran orang ini pada sesi ini sudah tercatat."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status}"


class Certificate(ScopedModel):
    """Issued to a participant who completed the event. `code` is what the public verification page checks."""

    scope_region_path = "enrolment__event__region"

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("peserta"), on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("kode verifikasi"), max_length=20, unique=True, editable=False)
    issued_on = models.DateField(_("tanggal terbit"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diterbitkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_on = models.DateField(_("dicabut pada"), null=True, blank=True)
    revocation_reason = models.CharField(_("alasan pencabutan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = pgettext_lazy("plural", "sertifikat")
        ordering = ["enrolment__event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
                violation_error_message=_("Pencabutan sertifikat perlu alasan."),
            )
        ]

    def __str__(self) -> str:
        return self.code
