"""Spreadsheet imports: the job (one uploaded file, its state and counts), the problems found in it, and the rows
waiting for the user's decision, already validated and encrypted.

A job is placed (scoped) by its target region: the importer's organisation's region unless another region inside
their jurisdiction was chosen. Who may import people may see, confirm and cancel the jobs of that region
(`IMPORT_PEOPLE`, the permission to register people: importing is registering many at once).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.core.models import ScopedModel
from bangkit.dataimport.choices import FileFormat, ImportKind, JobState, Severity

IMPORT_PEOPLE = "registry.add_person"


def upload_path(instance: ImportJob, filename: str) -> str:
    """A random name: the original file name may itself name a person."""
    return f"dataimport/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ImportJob(ScopedModel):
    kind = models.CharField(_("jenis impor"), max_length=20, choices=ImportKind.choices, default=ImportKind.PEOPLE)
    state = models.CharField(_("status"), max_length=12, choices=JobState.choices, default=JobState.UPLOADED)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah tujuan"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Setiap baris harus berada di wilayah ini."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), on_delete=models.PROTECT, related_name="+"
    )
    # Kept only until the rows are validated and staged (encrypted); then deleted.
    file = models.FileField(_("berkas"), upload_to=upload_path, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    file_size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sheet_name = models.CharField(_("lembar kerja"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("baris judul kolom"), null=True, blank=True)
    columns = models.JSONField(_("kolom dikenali"), default=dict, blank=True)
    ignored_columns = models.JSONField(_("kolom diabaikan"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    rows_read = models.PositiveIntegerField(_("baris terbaca"), default=0)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_valid = models.PositiveIntegerField(_("baris valid"), default=0)
    rows_invalid = models.PositiveIntegerField(_("baris bermasalah"), default=0)
    rows_with_warnings = models.PositiveIntegerField(_("baris dengan peringatan"), default=0)
    imported_people = models.PositiveIntegerField(_("orang diimpor"), default=0)
    imported_accounts = models.PositiveIntegerField(_("rekening diimpor"), default=0)
    imported_stays = models.PositiveIntegerField(_("riwayat migrasi diimpor"), default=0)
    imported_phones = models.PositiveIntegerField(_("nomor telepon diimpor"), default=0)
    skipped_rows = models.PositiveIntegerField(
        _("baris dilewati saat impor"),
        default=0,
        help_text=_("Valid saat ditinjau, tetapi tidak lagi saat diimpor (mis. NIK terdaftar sementara itu)."),
    )
    error_message = models.TextField(_("pesan kesalahan"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("diperiksa pada"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("dikonfirmasi pada"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor spreadsheet")
        verbose_name_plural = pgettext_lazy("plural", "impor spreadsheet")
        ordering = ["-id"]
        indexes = [models.Index(fields=["created_by", "id"], name="importjob_creator_id")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="importjob_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="importjob_kind_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_range"),
        ]

    def __str__(self) -> str:
        # Short and stable: it names the job in every history entry, which carry the file's name separately.
        return str(_("Impor #%(id)s") % {"id": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("dataimport:job_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in (JobState.UPLOADED, JobState.VALIDATING, JobState.QUEUED)

    def get_additional_data(self) -> dict[str, Any]:
        """What every history entry of the job carries: the file as fingerprinted, never its rows."""
        return {"file_name": self.original_name, "sha256": self.sha256, "kind": self.kind}


class ImportProblem(models.Model):
    """One problem of one row (row 0: the file as a whole), named by its column as written in the file."""

    job = models.ForeignKey(ImportJob, verbose_name=_("impor"), on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("baris"))
    column = models.CharField(_("kolom"), max_length=100, blank=True)
    field = models.CharField(_("isian"), max_length=40, blank=True)
    # As in the file, but masked when the column holds an identifier (NIK, KK, account or phone number).
    value = models.CharField(_("nilai"), max_length=200, blank=True)
    severity = models.CharField(_("tingkat"), max_length=7, choices=Severity.choices)
    code = models.CharField(_("kode"), max_length=40)
    message = models.TextField(_("pesan"))
    # A registered person the problem is about (a possible duplicate), shown only to those who may see them.
    person_id = models.BigIntegerField(_("orang terdaftar"), null=True, blank=True)
    details = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("masalah impor")
        verbose_name_plural = pgettext_lazy("plural", "masalah impor")
        ordering = ["job", "row", "id"]
        indexes = [
            models.Index(fields=["job", "row", "id"], name="importproblem_job_row"),
            models.Index(fields=["job", "severity", "row"], name="importproblem_job_severity"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="importproblem_severity_valid")
        ]

    def __str__(self) -> str:
        return f"{self.row}:{self.column} {self.code}"


class StagedPerson(models.Model):
    """A valid row, waiting for the user to confirm the import: exactly what will be written, with every identifier
    already encrypted for (and indexed as) its registry column. Deleted once the job is imported or cancelled.

    Identifier columns are NULL when absent, as their registry columns are (a NULL blind index matches nothing).
    """

    # The columns holding the ciphertexts and blind indexes of registry fields, made for those fields (and copied
    # into them verbatim on import): `manage.py rotate_field_keys` re-encrypts and reindexes them as those fields.
    encrypted_copies: ClassVar[dict[str, str]] = {
        "nik": "registry.Person.nik",
        "nik_index": "registry.Person.nik_index",
        "kk_number": "registry.Person.kk_number",
        "kk_index": "registry.Person.kk_index",
        "phone_number": "registry.Phone.number",
        "phone_index": "registry.Phone.number_index",
        "account_number": "registry.BankAccount.account_number",
        "account_number_index": "registry.BankAccount.account_number_index",
    }

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField()
    full_name = models.CharField(max_length=200)
    other_names = models.CharField(max_length=300, blank=True)
    search_name = models.CharField(max_length=200)
    sex = models.CharField(max_length=1)
    birth_date = models.DateField(null=True)
    birth_date_estimated = models.BooleanField(default=False)
    nik = models.TextField(null=True)  # noqa: DJ001 - ciphertext for registry.person.nik
    nik_index = models.CharField(max_length=64, null=True)  # noqa: DJ001
    nik_conflict_confirmed = models.BooleanField(default=False)
    kk_number = models.TextField(null=True)  # noqa: DJ001
    kk_index = models.CharField(max_length=64, null=True)  # noqa: DJ001
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    street = models.CharField(max_length=300, blank=True)
    phone_number = models.TextField(null=True)  # noqa: DJ001 - ciphertext for registry.phone.number
    phone_index = models.CharField(max_length=64, null=True)  # noqa: DJ001
    bank_code = models.CharField(max_length=3, null=True)  # noqa: DJ001
    account_number = models.TextField(null=True)  # noqa: DJ001 - ciphertext for registry.bankaccount.account_number
    account_number_index = models.CharField(max_length=64, null=True)  # noqa: DJ001
    holder_name = models.CharField(max_length=200, blank=True)
    name_match_score = models.PositiveSmallIntegerField(default=0)
    name_mismatch = models.BooleanField(default=False)
    country = models.CharField(max_length=2, blank=True)  # blank: no migration stay in this row
    city = models.CharField(max_length=120, blank=True)
    work_sector = models.CharField(max_length=15, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    recruiting_agency = models.CharField(max_length=200, blank=True)
    departure_route = models.CharField(max_length=15, blank=True)
    departed_on = models.DateField(null=True)
    returned_on = models.DateField(null=True)
    return_mode = models.CharField(max_length=15, blank=True)
    debarkation_point = models.CharField(max_length=100, blank=True)
    referred_by = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("baris impor tertunda")
        verbose_name_plural = pgettext_lazy("plural", "baris impor tertunda")
        indexes = [
            models.Index(fields=["job", "nik_index"], name="stagedperson_job_nik"),
            models.Index(fields=["job", "bank_code", "account_number_index"], name="stagedperson_job_account"),
        ]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="stagedperson_one_per_row")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"
