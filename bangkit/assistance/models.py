"""Assistance: schemes (cash to each person's bank account, or a starter kit in kind), their tranches (tahap) and one
entitlement per person per scheme.

Public money paid to vulnerable people: the invariants that keep a rupiah from being paid twice or to the wrong
person live here, as database constraints — one entitlement per person per scheme, the preparer of a tranche never
its approver, amounts in whole rupiah and never below one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.assistance import choices
from bangkit.core.fields import EncryptedCharField
from bangkit.core.models import ScopedModel
from bangkit.registry.models import choices_check

_APPROVED_STATES = [choices.TrancheState.APPROVED, choices.TrancheState.SENT, choices.TrancheState.CLOSED]


def follow_up_intervals(text: str) -> list[int]:
    """The months after a grant at which its recipient is visited: [3, 6, 12] for "3, 6, 12"."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValidationError(_("Tulis bulan sebagai angka dipisah koma, mis. 3, 6, 12."))
    months = sorted({int(part) for part in parts})
    if any(not 1 <= month <= 60 for month in months) or len(months) > 8:
        raise ValidationError(_("Paling banyak 8 kunjungan, masing-masing 1 sampai 60 bulan setelah bantuan."))
    return months


def validate_follow_up_months(text: str) -> None:
    follow_up_intervals(text)


class Scheme(ScopedModel):
    """A line of assistance of one organisation in one jurisdiction, e.g. "Bantuan stimulan usaha KPO 2019,
    Kabupaten Kupang": Rp 900.000 to each eligible person, within a budget ceiling."""

    # Read by the officers of the regencies inside its region, as programs are (core.scoping).
    scope_read_from_below = True

    name = models.CharField(_("nama skema"), max_length=200)
    legal_basis = models.CharField(
        _("dasar hukum"), max_length=300, help_text=_("Peraturan atau keputusan yang menjadi dasar bantuan.")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="schemes"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Penerima harus tinggal di dalam wilayah ini."),
    )
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis"), max_length=8, choices=choices.SchemeKind.choices)
    amount_per_person = models.PositiveBigIntegerField(
        _("nilai per orang (Rp)"), null=True, blank=True, help_text=_("Untuk bantuan uang: rupiah utuh per orang.")
    )
    budget_ceiling = models.PositiveBigIntegerField(_("pagu anggaran (Rp)"))
    second_approval_above = models.PositiveBigIntegerField(
        _("persetujuan kedua di atas (Rp)"),
        null=True,
        blank=True,
        help_text=_("Tahap dengan jumlah di atas nilai ini perlu penyetuju kedua; kosong bila tidak pernah."),
    )
    # Eligibility, as data: each rule is shown to users in plain words (selectors.eligibility_rules).
    completed_event = models.ForeignKey(
        "programs.Event",
        verbose_name=_("lulus kegiatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hanya peserta yang lulus kegiatan ini."),
    )
    require_verified_account = models.BooleanField(_("wajib rekening terverifikasi"), default=True)
    require_consent = models.BooleanField(_("wajib persetujuan untuk bantuan"), default=True)
    require_open_case = models.BooleanField(_("wajib kasus aktif"), default=False)
    follow_up_months = models.CharField(
        _("kunjungan tindak lanjut (bulan)"),
        max_length=40,
        default="3, 6, 12",
        blank=True,
        validators=[validate_follow_up_months],
        help_text=_("Berapa bulan setelah bantuan diterima penerima dikunjungi, dipisah koma; kosong bila tidak."),
    )

    class Meta:
        verbose_name = _("skema bantuan")
        verbose_name_plural = pgettext_lazy("plural", "skema bantuan")
        ordering = ["-year", "name", "id"]
        constraints = [
            choices_check("kind", choices.SchemeKind, name="scheme_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=choices.SchemeKind.CASH) & Q(amount_per_person__gt=0))
                | (Q(kind=choices.SchemeKind.IN_KIND) & Q(amount_per_person__isnull=True)),
                name="scheme_cash_has_amount",
                violation_error_message=_("Bantuan uang perlu nilai per orang; bantuan barang dinilai dari paketnya."),
            ),
            models.CheckConstraint(
                condition=Q(budget_ceiling__gt=0),
                name="scheme_budget_positive",
                violation_error_message=_("Pagu anggaran harus lebih dari nol."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeItem(ScopedModel):
    """One item of an in-kind package, e.g. 1 oven at Rp 1.500.000."""

    scope_region_path = "scheme__region"

    scheme = models.ForeignKey(Scheme, verbose_name=_("skema"), on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("barang"), max_length=150)
    quantity = models.PositiveIntegerField(_("jumlah"))
    unit = models.CharField(_("satuan"), max_length=30, default="buah")
    unit_value = models.PositiveBigIntegerField(_("harga satuan (Rp)"))

    class Meta:
        verbose_name = _("barang paket")
        verbose_name_plural = pgettext_lazy("plural", "barang paket")
        ordering = ["scheme", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_value__gt=0),
                name="scheme_item_positive",
                violation_error_message=_("Jumlah dan harga satuan harus lebih dari nol."),
            ),
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="scheme_item_once",
                violation_error_message=_("Barang ini sudah ada dalam paket."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.name}"


class Tranche(ScopedModel):
    """A tahap: the list of people paid together under one decree (SK penerima). Frozen once approved."""

    scope_region_path = "scheme__region"
    # Read, like its scheme, by the officers of the regencies inside the scheme's region; each of them sees only the
    # entitlements of their own people (Entitlement is placed by the person's region).
    scope_read_from_below = True

    scheme = models.ForeignKey(Scheme, verbose_name=_("skema"), on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tahap ke"))
    state = models.CharField(
        _("status"), max_length=10, choices=choices.TrancheState.choices, default=choices.TrancheState.DRAFT
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disiapkan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disetujui oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penyetuju kedua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_approved_at = models.DateTimeField(_("persetujuan kedua pada"), null=True, blank=True)
    # What was approved, as approved: the reconciliation proves the payments add up to it.
    approved_people = models.PositiveIntegerField(_("penerima disetujui"), null=True, blank=True)
    approved_total = models.PositiveBigIntegerField(_("jumlah disetujui (Rp)"), null=True, blank=True)
    decree_number = models.CharField(_("nomor SK penerima"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK penerima"), null=True, blank=True)
    cancelled_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tahap pembayaran")
        verbose_name_plural = pgettext_lazy("plural", "tahap pembayaran")
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"],
                name="tranche_number_once_per_scheme",
                violation_error_message=_("Nomor tahap ini sudah dipakai."),
            ),
            choices_check("state", choices.TrancheState, name="tranche_state_valid"),
            # Maker-checker, whatever code path writes the row.
            models.CheckConstraint(
                condition=~Q(approved_by=F("prepared_by")),
                name="tranche_preparer_never_approves",
                violation_error_message=_("Penyiap tahap tidak boleh menyetujuinya."),
            ),
            models.CheckConstraint(
                condition=~Q(second_approved_by=F("prepared_by")) & ~Q(second_approved_by=F("approved_by")),
                name="tranche_second_approver_is_a_third_person",
                violation_error_message=_("Penyetuju kedua harus orang lain dari penyiap dan penyetuju pertama."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=_APPROVED_STATES)
                | (
                    Q(approved_by__isnull=False)
                    & Q(approved_at__isnull=False)
                    & ~Q(decree_number="")
                    & Q(decree_date__isnull=False)
                    & Q(approved_people__isnull=False)
                    & Q(approved_total__isnull=False)
                ),
                name="tranche_approval_recorded",
                violation_error_message=_("Persetujuan perlu penyetuju, waktu, nomor dan tanggal SK penerima."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(scheme)s, tahap %(number)d") % {"scheme": self.scheme, "number": self.number}


class Entitlement(ScopedModel):
    """What one person is to receive under one scheme: never two for the same person and scheme. A failed payment
    is re-issued as the same entitlement (a new attempt), never as a second one."""

    scope_region_path = "person__region"

    # Indexed by the composite indexes of Meta, which lead with each of them.
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("skema"), on_delete=models.PROTECT, related_name="entitlements", db_index=False
    )
    tranche = models.ForeignKey(
        Tranche,
        verbose_name=pgettext_lazy("tranche", "tahap"),
        on_delete=models.PROTECT,
        related_name="entitlements",
        db_index=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("penerima"),
        on_delete=models.PROTECT,
        related_name="entitlements",
        db_index=False,
    )
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"))
    state = models.CharField(
        _("status"), max_length=10, choices=choices.EntitlementState.choices, default=choices.EntitlementState.DRAFT
    )
    bank_account = models.ForeignKey(
        "registry.BankAccount",
        verbose_name=_("rekening"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The payment attempt under way or last made: a re-issue after a failure is attempt 2 of the same entitlement.
    attempt = models.PositiveSmallIntegerField(_("pengiriman ke"), default=1)
    paid_on = models.DateField(_("dibayar/diserahkan pada"), null=True, blank=True)
    failure_reason = models.CharField(_("alasan gagal"), max_length=200, blank=True)
    cancelled_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("hak bantuan")
        verbose_name_plural = pgettext_lazy("plural", "hak bantuan")
        ordering = ["tranche", "id"]
        indexes = [
            models.Index(fields=["tranche", "state"], name="entitlement_tranche_state"),
            models.Index(fields=["scheme", "state"], name="entitlement_scheme_state"),
            # "Has this person an entitlement under this scheme?" for every candidate of a fill: without it SQLite
            # walks the scheme's entitlements for each person (20,000 people refilled in 23 s instead of 0.3 s).
            models.Index(fields=["person", "scheme"], name="entitlement_person_scheme"),
        ]
        constraints = [
            # Cancelled ones stay for the record; the people of a cancelled tranche may enter a later one.
            models.UniqueConstraint(
                fields=["scheme", "person"],
                condition=~Q(state=choices.EntitlementState.CANCELLED),
                name="entitlement_once_per_person_per_scheme",
                violation_error_message=_("Orang ini sudah punya hak bantuan dalam skema ini."),
            ),
            choices_check("state", choices.EntitlementState, name="entitlement_state_valid"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="entitlement_amount_positive",
                violation_error_message=_("Nilai bantuan harus lebih dari nol."),
            ),
            models.CheckConstraint(
                condition=~Q(state=choices.EntitlementState.PAID) | Q(paid_on__isnull=False),
                name="entitlement_paid_has_date",
                violation_error_message=_("Pembayaran atau serah terima perlu tanggal."),
            ),
            models.CheckConstraint(
                condition=~Q(state=choices.EntitlementState.CANCELLED)
                | (~Q(cancelled_reason="") & Q(cancelled_at__isnull=False)),
                name="entitlement_cancel_has_reason",
                violation_error_message=_("Sebutkan alasan pembatalan."),
            ),
            models.CheckConstraint(
                condition=~Q(state=choices.EntitlementState.FAILED) | ~Q(failure_reason=""),
                name="entitlement_failure_has_reason",
                violation_error_message=_("Sebutkan alasan pembayaran gagal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.scheme}"


class BankFile(ScopedModel):
    """One payment file for one bank: the tranche's payments to that bank's accounts in one sending (round 1 is
    the tranche's; later rounds carry re-issued payments). Its bytes are rebuilt from its payments' snapshots, so
    they never change: the checksum recorded here proves it."""

    scope_region_path = "tranche__scheme__region"

    tranche = models.ForeignKey(
        Tranche, verbose_name=pgettext_lazy("tranche", "tahap"), on_delete=models.PROTECT, related_name="bank_files"
    )
    bank = models.ForeignKey("registry.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("pengiriman ke"))
    lines = models.PositiveIntegerField(_("jumlah baris"))
    control_total = models.PositiveBigIntegerField(_("total kontrol (Rp)"))
    sha256 = models.CharField(_("checksum SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("berkas pembayaran bank")
        verbose_name_plural = pgettext_lazy("plural", "berkas pembayaran bank")
        ordering = ["tranche", "round", "bank"]
        constraints = [
            models.UniqueConstraint(
                fields=["tranche", "bank", "round"],
                name="bank_file_once_per_bank_and_round",
                violation_error_message=_("Berkas bank ini sudah dibuat."),
            ),
            models.CheckConstraint(
                condition=Q(lines__gt=0) & Q(control_total__gt=0),
                name="bank_file_not_empty",
                violation_error_message=_("Berkas bank tanpa pembayaran tidak dibuat."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tranche} — {self.bank_id} #{self.round}"

    @property
    def filename(self) -> str:
        return f"bangkit-tahap{self.tranche_id}-bank{self.bank_id}-kirim{self.round}.csv"


class BankResult(ScopedModel):
    """One result file received from a bank for a tranche, with what it changed and what it could not."""

    scope_region_path = "tranche__scheme__region"

    tranche = models.ForeignKey(
        Tranche, verbose_name=pgettext_lazy("tranche", "tahap"), on_delete=models.PROTECT, related_name="bank_results"
    )
    filename = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(_("checksum SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diimpor oleh"), on_delete=models.PROTECT, related_name="+"
    )
    lines = models.PositiveIntegerField(_("jumlah baris"), default=0)
    paid = models.PositiveIntegerField(_("dibayar"), default=0)
    failed = models.PositiveIntegerField(_("gagal"), default=0)
    problems = models.PositiveIntegerField(_("bermasalah"), default=0)

    class Meta:
        verbose_name = _("hasil bank")
        verbose_name_plural = pgettext_lazy("plural", "hasil bank")
        ordering = ["tranche", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class Payment(ScopedModel):
    """One attempt to pay an entitlement: the line of a bank file and what the bank answered. The account number
    and holder name are copied here when the file is made, so the file can be rebuilt byte for byte even after the
    person's account is corrected."""

    scope_region_path = "entitlement__person__region"

    # Entitlement, bank file and reference are indexed by the unique constraints of Meta, which lead with them
    # (a unique=True reference would add a second, pattern index on PostgreSQL, written for every payment).
    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("hak bantuan"), on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    attempt = models.PositiveSmallIntegerField(_("pengiriman ke"))
    reference = models.CharField(_("referensi pembayaran"), max_length=30)
    bank_file = models.ForeignKey(
        BankFile, verbose_name=_("berkas bank"), on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    sequence = models.PositiveIntegerField(_("nomor urut"))
    bank_account = models.ForeignKey(
        "registry.BankAccount", verbose_name=_("rekening"), on_delete=models.PROTECT, related_name="+"
    )
    account_number = EncryptedCharField(_("nomor rekening"), max_length=34)
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=200)
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"))
    outcome = models.CharField(
        _("hasil"), max_length=8, choices=choices.PaymentOutcome.choices, default=choices.PaymentOutcome.PENDING
    )
    bank_reference = models.CharField(_("referensi bank"), max_length=60, blank=True)
    settled_on = models.DateField(_("tanggal hasil"), null=True, blank=True)
    failure_code = models.CharField(
        _("kode alasan gagal"), max_length=8, choices=choices.FailureReason.choices, blank=True
    )
    failure_reason = models.CharField(_("alasan gagal"), max_length=200, blank=True)
    result = models.ForeignKey(
        BankResult,
        verbose_name=_("hasil bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )

    class Meta:
        verbose_name = _("pembayaran")
        verbose_name_plural = pgettext_lazy("plural", "pembayaran")
        ordering = ["bank_file", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="payment_reference_unique"),
            models.UniqueConstraint(fields=["entitlement", "attempt"], name="payment_once_per_attempt"),
            models.UniqueConstraint(fields=["bank_file", "sequence"], name="payment_sequence_once_per_file"),
            # The bank may say "paid" twice; the money leaves once.
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(outcome=choices.PaymentOutcome.PAID),
                name="payment_paid_once_per_entitlement",
                violation_error_message=_("Hak bantuan ini sudah dibayar."),
            ),
            choices_check("outcome", choices.PaymentOutcome, name="payment_outcome_valid"),
            choices_check("failure_code", choices.FailureReason, name="payment_failure_code_valid", nullable=True),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(outcome=choices.PaymentOutcome.PAID)
                | (Q(settled_on__isnull=False) & ~Q(bank_reference="")),
                name="payment_paid_has_date_and_bank_reference",
                violation_error_message=_("Pembayaran perlu tanggal dan referensi bank."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome=choices.PaymentOutcome.FAILED)
                | (Q(settled_on__isnull=False) & ~Q(failure_code="")),
                name="payment_failure_has_date_and_reason",
                violation_error_message=_("Sebutkan tanggal dan alasan pembayaran gagal."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class BankResultProblem(ScopedModel):
    """A line of a result file that changed nothing, and why."""

    scope_region_path = "result__tranche__scheme__region"

    result = models.ForeignKey(
        BankResult, verbose_name=_("hasil bank"), on_delete=models.CASCADE, related_name="problem_lines"
    )
    line = models.PositiveIntegerField(_("baris"))
    reference = models.CharField(_("referensi"), max_length=60, blank=True)
    kind = models.CharField(_("masalah"), max_length=14, choices=choices.ResultProblem.choices)
    detail = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("baris hasil bank bermasalah")
        verbose_name_plural = pgettext_lazy("plural", "baris hasil bank bermasalah")
        ordering = ["result", "line"]
        constraints = [choices_check("kind", choices.ResultProblem, name="bank_result_problem_kind_valid")]

    def __str__(self) -> str:
        return f"{self.line}: {self.get_kind_display()}"


class HandoverReceipt(ScopedModel):
    """The Berita Acara Serah Terima of an in-kind tranche: printed for the handover, signed on paper, and its
    scanned copy attached here."""

    scope_region_path = "tranche__scheme__region"

    tranche = models.OneToOneField(
        Tranche,
        verbose_name=pgettext_lazy("tranche", "tahap"),
        on_delete=models.PROTECT,
        related_name="handover_receipt",
    )
    number = models.CharField(_("nomor berita acara"), max_length=100)
    place = models.CharField(_("tempat serah terima"), max_length=200)
    handed_on = models.DateField(_("tanggal serah terima"))
    signed_copy = models.FileField(_("pindaian yang ditandatangani"), upload_to="assistance/bast/%Y/", blank=True)
    signed_copy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pindaian diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("berita acara serah terima")
        verbose_name_plural = pgettext_lazy("plural", "berita acara serah terima")

    def __str__(self) -> str:
        return self.number


class Handover(ScopedModel):
    """The items one recipient was handed, on a date, by an officer: the in-kind counterpart of a payment."""

    scope_region_path = "entitlement__person__region"

    entitlement = models.OneToOneField(
        Entitlement, verbose_name=_("hak bantuan"), on_delete=models.PROTECT, related_name="handover"
    )
    handed_on = models.DateField(_("tanggal serah terima"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("petugas"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("serah terima barang")
        verbose_name_plural = pgettext_lazy("plural", "serah terima barang")
        ordering = ["entitlement"]

    def __str__(self) -> str:
        return f"{self.entitlement} — {self.handed_on:%d-%m-%Y}"


class HandoverLine(ScopedModel):
    scope_region_path = "handover__entitlement__person__region"

    handover = models.ForeignKey(
        Handover, verbose_name=_("serah terima"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(SchemeItem, verbose_name=_("barang"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("jumlah diserahkan"))

    class Meta:
        verbose_name = _("barang diserahkan")
        verbose_name_plural = pgettext_lazy("plural", "barang diserahkan")
        ordering = ["handover", "item"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "item"], name="handover_line_once_per_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="handover_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.item.unit} {self.item.name}"
