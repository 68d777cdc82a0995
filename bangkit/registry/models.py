"""People registered for rehabilitation and reintegration, and what is known about them.

Every identifier (NIK, KK, document, phone and account numbers) is encrypted with a blind index for exact search;
names stay in clear so that they can be searched and matched for duplicates, and are never put in URLs or logs.
Every record here is placed by its person's region, so scoping follows `person__region`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, router
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from bangkit.core.bulk import insert_rows
from bangkit.core.fields import (
    BlindIndexField,
    ChoiceListField,
    EncryptedCharField,
    EncryptedTextField,
    digits_only,
)
from bangkit.core.models import ScopedModel
from bangkit.regions.models import search_key
from bangkit.regions.nik import mask_nik
from bangkit.registry import choices
from bangkit.registry.identifiers import mask_digits, phone_digits


def choices_check(field: str, choices_class: type[models.TextChoices], *, name: str, nullable: bool = False) -> Any:
    """A CheckConstraint keeping `field` inside its choices, so that no write path can store an unknown code."""
    condition = Q(**{f"{field}__in": choices_class.values})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


class Person(ScopedModel):
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    other_names = models.CharField(
        _("nama lain"),
        max_length=300,
        blank=True,
        help_text=_("Alias, nama panggilan, ejaan lain; pisahkan dengan koma."),
    )
    # Lower-case, accent-free, for prefix search and duplicate blocking; derived on save.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=choices.Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(
        _("tanggal lahir perkiraan"), default=False, help_text=_("Hanya umur yang diketahui; tanggal dihitung darinya.")
    )
    nik = EncryptedCharField(_("NIK"), max_length=16, null=True, blank=True)
    nik_index = BlindIndexField(source="nik", normalise=digits_only, unique=True, purpose="registry.nik")
    nik_conflict_confirmed = models.BooleanField(
        _("ketidakcocokan NIK dikonfirmasi"),
        default=False,
        help_text=_(
            "NIK tidak cocok dengan jenis kelamin atau tanggal lahir, dan petugas menyatakan sudah sesuai KTP."
        ),
    )
    kk_number = EncryptedCharField(_("nomor KK"), max_length=16, null=True, blank=True)
    kk_index = BlindIndexField(source="kk_number", normalise=digits_only, purpose="registry.kk")
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("alamat (desa/kelurahan)"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tempat tinggal sekarang; bila desanya belum diketahui, cukup kabupaten/kota."),
    )
    street = models.CharField(_("alamat jalan, RT/RW"), max_length=300, blank=True)
    marital_status = models.CharField(
        _("status perkawinan"),
        max_length=10,
        choices=choices.MaritalStatus.choices,
        default=choices.MaritalStatus.UNKNOWN,
    )
    education = models.CharField(
        _("pendidikan terakhir"), max_length=15, choices=choices.Education.choices, default=choices.Education.UNKNOWN
    )
    disabilities = ChoiceListField(_("disabilitas"), choices_class=choices.Disability)
    photo = models.ImageField(_("foto"), upload_to="registry/photos/%Y/", blank=True)
    deceased_on = models.DateField(_("meninggal pada"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("didaftarkan oleh"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    registered_on = models.DateField(_("tanggal registrasi"), default=timezone.localdate)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = pgettext_lazy("plural", "orang")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "id"], name="person_region_id"),
            models.Index(fields=["search_name", "birth_date"], name="person_name_birth"),
        ]
        constraints = [
            choices_check("sex", choices.Sex, name="person_sex_valid"),
            choices_check("marital_status", choices.MaritalStatus, name="person_marital_status_valid"),
            choices_check("education", choices.Education, name="person_education_valid"),
            models.CheckConstraint(condition=~Q(merged_into=F("id")), name="person_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)
        if update_fields is None or {"full_name", "region"} & set(update_fields):
            PersonNameToken.objects.replace(self)

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", args=[self.pk])

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik) if self.nik else ""

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def initials(self) -> str:
        """`Maria Goreti Bria` → `M.G.B.`: what a public certificate check may reveal."""
        return "".join(f"{word[0].upper()}." for word in self.full_name.split() if word[:1].isalpha())


class PersonChild(ScopedModel):
    """Base of the records that belong to one person and are seen wherever the person is."""

    scope_region_path = "person__region"

    class Meta:
        abstract = True


class HouseholdMember(PersonChild):
    """Someone in the person's family card (KK): recorded for household size and dependants, not registered."""

    person = models.ForeignKey(Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("nama"), max_length=200)
    relationship = models.CharField(_("hubungan"), max_length=12, choices=choices.HouseholdRelationship.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=choices.Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    is_dependant = models.BooleanField(_("tanggungan"), default=False)
    registered_person = models.ForeignKey(
        Person,
        verbose_name=_("terdaftar sebagai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("anggota keluarga")
        verbose_name_plural = pgettext_lazy("plural", "anggota keluarga")
        ordering = ["person", "id"]
        constraints = [
            choices_check("relationship", choices.HouseholdRelationship, name="household_relationship_valid"),
            choices_check("sex", choices.Sex, name="household_sex_valid", nullable=True),
        ]

    def __str__(self) -> str:
        return self.name


# Longer words are cut: nobody types 60 letters into a search box, and the cut keeps the index narrow.
NAME_TOKEN_BYTES = 60


def name_tokens(search_name: str) -> list[bytes]:
    """The distinct words of a search name, as the list's name filter matches their beginnings."""
    return [word.encode()[:NAME_TOKEN_BYTES] for word in dict.fromkeys(search_name.split())]


def regency_of(code: str) -> str:
    """`53.01.08.1007` → `53.01`; "" for a province or nothing."""
    parts = code.split(".") if code else []
    return ".".join(parts[:2]) if len(parts) >= 2 else ""


class PersonNameTokenManager(models.Manager["PersonNameToken"]):
    def replace(self, person: Person) -> None:
        """Rewrites one person's tokens after their name or region changed."""
        self.filter(person_id=person.pk).delete()
        self.insert([(person.pk, person.search_name, person.region_id)])

    def insert(self, people: Iterable[tuple[int, str, str]]) -> int:
        """Writes the tokens of (person id, search name, region code) rows without a model instance each (COPY on
        PostgreSQL: an import or a benchmark writes hundreds of thousands); returns how many."""
        rows = (
            (pk, regency_of(region), token) for pk, search_name, region in people for token in name_tokens(search_name)
        )
        return insert_rows(self.model, ("person", "regency", "token"), rows, using=router.db_for_write(self.model))


class PersonNameToken(models.Model):
    """One word of a person's name, for the list's name filter ("bria mar" finds "Maria Goreti Bria"): each typed
    word is a prefix range on `token`, within the regencies of the user's jurisdiction when it has any.

    Derived rows, rewritten by Person.save() and written by the import with the people it copies; the token is
    bytes so that ranges and order are byte-wise on every database (as `regions.RegionToken`).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    regency = models.CharField(max_length=5)
    token = models.BinaryField(max_length=NAME_TOKEN_BYTES)

    objects = PersonNameTokenManager()

    class Meta:
        indexes = [
            models.Index(fields=["regency", "token", "person"], name="person_token_regency"),
            models.Index(fields=["token", "person"], name="person_token_national"),
        ]

    def __str__(self) -> str:
        return f"{bytes(self.token).decode()} → {self.person_id}"


class Phone(PersonChild):
    person = models.ForeignKey(Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="phones")
    number = EncryptedCharField(_("nomor telepon"), max_length=20)
    number_index = BlindIndexField(source="number", normalise=phone_digits, purpose="registry.phone")
    label = models.CharField(_("milik"), max_length=10, choices=choices.PhoneLabel.choices, default="own")
    is_whatsapp = models.BooleanField(_("WhatsApp"), default=False)

    class Meta:
        verbose_name = _("nomor telepon")
        verbose_name_plural = pgettext_lazy("plural", "nomor telepon")
        ordering = ["person", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "number_index"],
                name="phone_unique_per_person",
                violation_error_message=_("Nomor telepon ini sudah tercatat untuk orang ini."),
            ),
            choices_check("label", choices.PhoneLabel, name="phone_label_valid"),
        ]

    def __str__(self) -> str:
        return self.masked

    @property
    def masked(self) -> str:
        return mask_digits(self.number or "")


class IdentityDocument(PersonChild):
    person = models.ForeignKey(Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis dokumen"), max_length=20, choices=choices.DocumentKind.choices)
    number = EncryptedCharField(_("nomor dokumen"), max_length=40)
    number_index = BlindIndexField(source="number", purpose="registry.document")
    issuer = models.CharField(_("penerbit"), max_length=200, blank=True)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    is_valid = models.BooleanField(
        _("sah"), default=True, help_text=_("Kosongkan bila dokumen palsu, rusak atau dicabut.")
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dokumen identitas")
        verbose_name_plural = pgettext_lazy("plural", "dokumen identitas")
        ordering = ["person", "kind", "id"]
        constraints = [
            # One passport or SPLP number belongs to one person: a second holder is a duplicate or a forgery.
            models.UniqueConstraint(
                fields=["kind", "number_index"],
                name="document_number_unique_per_kind",
                violation_error_message=_("Dokumen dengan jenis dan nomor ini sudah terdaftar."),
            ),
            choices_check("kind", choices.DocumentKind, name="document_kind_valid"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(issued_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="document_expires_after_issue",
                violation_error_message=_("Tanggal berlaku sampai tidak boleh sebelum tanggal terbit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {mask_digits(self.number or '')}"


class Bank(models.Model):
    """A bank by its Bank Indonesia clearing code (sandi bank), the key of payment files."""

    code = models.CharField(_("sandi bank"), max_length=3, primary_key=True)
    short_name = models.CharField(_("nama singkat"), max_length=60)
    name = models.CharField(_("nama"), max_length=200)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = pgettext_lazy("plural", "bank")
        ordering = ["short_name"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{3}$"), name="bank_code_three_digits")]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.code})"


class BankAccount(PersonChild):
    person = models.ForeignKey(Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="bank_accounts")
    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    account_number = EncryptedCharField(_("nomor rekening"), max_length=34)
    account_number_index = BlindIndexField(
        source="account_number", normalise=digits_only, purpose="registry.bank_account"
    )
    holder_name = models.CharField(_("nama pemilik rekening"), max_length=200)
    # 0–100 from rapidfuzz, against the person's names; below the threshold the account is flagged.
    name_match_score = models.PositiveSmallIntegerField(_("kecocokan nama"), default=0, editable=False)
    name_mismatch = models.BooleanField(_("nama tidak cocok"), default=False, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.BankAccountStatus.choices,
        default=choices.BankAccountStatus.UNVERIFIED,
    )
    verification_method = models.CharField(
        _("cara verifikasi"), max_length=15, choices=choices.VerificationMethod.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    invalid_reason = models.CharField(_("alasan tidak valid"), max_length=300, blank=True)
    is_primary = models.BooleanField(_("rekening utama"), default=True)

    class Meta:
        verbose_name = _("rekening bank")
        verbose_name_plural = pgettext_lazy("plural", "rekening bank")
        ordering = ["person", "-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "bank", "account_number_index"],
                name="bank_account_unique_per_person",
                violation_error_message=_("Rekening ini sudah tercatat untuk orang ini."),
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_primary=True),
                name="bank_account_one_primary_per_person",
                violation_error_message=_("Orang ini sudah punya rekening utama."),
            ),
            choices_check("status", choices.BankAccountStatus, name="bank_account_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False) & ~Q(verification_method="")),
                name="bank_account_verified_says_how_and_by_whom",
                violation_error_message=_("Verifikasi harus mencatat cara, petugas dan waktunya."),
            ),
            models.CheckConstraint(
                condition=~Q(status="invalid") | ~Q(invalid_reason=""),
                name="bank_account_invalid_has_reason",
                violation_error_message=_("Sebutkan alasan rekening tidak valid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.short_name} {self.masked_number}"

    def get_absolute_url(self) -> str:
        return reverse("registry:bankaccount_detail", args=[self.pk])

    @property
    def masked_number(self) -> str:
        return mask_digits(self.account_number or "")


class Consent(PersonChild):
    person = models.ForeignKey(Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("tujuan"), max_length=20, choices=choices.ConsentPurpose.choices)
    shared_with = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("dibagikan kepada"),
        blank=True,
        related_name="+",
        help_text=_("Untuk berbagi data: organisasi yang disebut dalam persetujuan."),
    )
    # A data-sharing consent names organisations, or says explicitly that any organisation may receive the data
    # (e.g. "lembaga layanan mana pun yang membantu saya"): never neither, so that no blank form means "any".
    shared_with_any = models.BooleanField(
        _("boleh dibagikan kepada organisasi mana pun"),
        default=False,
        help_text=_("Hanya bila formulir persetujuan tidak membatasi penerima data."),
    )
    signed_by = models.CharField(
        _("ditandatangani oleh"), max_length=10, choices=choices.ConsentSigner.choices, default="person"
    )
    guardian_name = models.CharField(_("nama wali"), max_length=200, blank=True)
    guardian_relationship = models.CharField(_("hubungan wali"), max_length=100, blank=True)
    signed_on = models.DateField(_("tanggal tanda tangan"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ditarik pada"), null=True, blank=True)
    withdrawal_note = models.CharField(_("catatan penarikan"), max_length=300, blank=True)
    scan = models.FileField(_("pindaian formulir"), upload_to="registry/consents/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("persetujuan")
        verbose_name_plural = pgettext_lazy("plural", "persetujuan")
        ordering = ["person", "-signed_on", "id"]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose")]
        constraints = [
            choices_check("purpose", choices.ConsentPurpose, name="consent_purpose_valid"),
            choices_check("signed_by", choices.ConsentSigner, name="consent_signed_by_valid"),
            models.CheckConstraint(
                condition=~Q(signed_by="guardian") | ~Q(guardian_name=""),
                name="consent_guardian_named",
                violation_error_message=_("Sebutkan nama wali yang menandatangani."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("signed_on")),
                name="consent_valid_until_after_signing",
                violation_error_message=_("Tanggal berlaku sampai tidak boleh sebelum tanggal tanda tangan."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("signed_on")),
                name="consent_withdrawn_after_signing",
                violation_error_message=_("Tanggal penarikan tidak boleh sebelum tanggal tanda tangan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.signed_on:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("registry:consent_detail", args=[self.pk])

    def is_valid_on(self, day: date) -> bool:
        return (
            self.signed_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


class MigrationStay(PersonChild):
    person = models.ForeignKey(
        Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="migration_stays"
    )
    country = CountryField(_("negara"))
    city = models.CharField(_("kota"), max_length=120, blank=True)
    work_sector = models.CharField(
        _("sektor kerja"), max_length=15, choices=choices.WorkSector.choices, default=choices.WorkSector.UNKNOWN
    )
    employer = models.CharField(_("majikan / perusahaan"), max_length=200, blank=True)
    recruiting_agency = models.CharField(_("agen perekrut (P3MI)"), max_length=200, blank=True)
    agency_licensed = models.CharField(
        _("agen berizin"), max_length=7, choices=choices.YesNoUnknown.choices, default=choices.YesNoUnknown.UNKNOWN
    )
    departure_route = models.CharField(
        _("jalur keberangkatan"),
        max_length=15,
        choices=choices.DepartureRoute.choices,
        default=choices.DepartureRoute.UNKNOWN,
    )
    documents_held = ChoiceListField(_("dokumen yang dimiliki"), choices_class=choices.TravelDocument)
    departed_on = models.DateField(_("tanggal berangkat"), null=True, blank=True)
    returned_on = models.DateField(_("tanggal kembali"), null=True, blank=True)
    return_mode = models.CharField(
        _("cara kembali"), max_length=15, choices=choices.ReturnMode.choices, default=choices.ReturnMode.UNKNOWN
    )
    debarkation_point = models.CharField(
        _("titik debarkasi"), max_length=100, blank=True, help_text=_("Mis. Nunukan, Tanjung Pinang, Pontianak.")
    )
    referred_by = models.CharField(
        _("dirujuk oleh"), max_length=10, choices=choices.ReferredBy.choices, default=choices.ReferredBy.OTHER
    )

    class Meta:
        verbose_name = _("riwayat migrasi")
        verbose_name_plural = pgettext_lazy("plural", "riwayat migrasi")
        ordering = ["person", "-departed_on", "id"]
        constraints = [
            choices_check("work_sector", choices.WorkSector, name="stay_work_sector_valid"),
            choices_check("agency_licensed", choices.YesNoUnknown, name="stay_agency_licensed_valid"),
            choices_check("departure_route", choices.DepartureRoute, name="stay_departure_route_valid"),
            choices_check("return_mode", choices.ReturnMode, name="stay_return_mode_valid"),
            choices_check("referred_by", choices.ReferredBy, name="stay_referred_by_valid"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | Q(departed_on__isnull=True)
                | Q(returned_on__gte=F("departed_on")),
                name="stay_returned_after_departure",
                violation_error_message=_("Tanggal kembali tidak boleh sebelum tanggal berangkat."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.name} {self.departed_on or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("registry:migrationstay_detail", args=[self.pk])


class TraffickingIdentification(PersonChild):
    """The UU 21/2007 test — act, means, purpose — with its CTDC translation and its outcome."""

    person = models.ForeignKey(
        Person, verbose_name=_("orang"), on_delete=models.CASCADE, related_name="identifications"
    )
    identified_on = models.DateField(_("tanggal identifikasi"), default=timezone.localdate)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisasi yang mengidentifikasi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acts = ChoiceListField(_("perbuatan"), choices_class=choices.TraffickingAct)
    means = ChoiceListField(_("cara"), choices_class=choices.TraffickingMeans)
    purposes = ChoiceListField(_("tujuan eksploitasi"), choices_class=choices.TraffickingPurpose)
    means_of_control = ChoiceListField(_("CTDC: cara pengendalian"), choices_class=choices.CtdcMeansOfControl)
    types_of_exploitation = ChoiceListField(_("CTDC: jenis eksploitasi"), choices_class=choices.CtdcTypeOfExploitation)
    types_of_labour = ChoiceListField(_("CTDC: jenis pekerjaan"), choices_class=choices.CtdcTypeOfLabour)
    recruiter_relationship = models.CharField(
        _("CTDC: hubungan dengan perekrut"),
        max_length=40,
        choices=choices.CtdcRecruiterRelationship.choices,
        default=choices.CtdcRecruiterRelationship.UNKNOWN,
    )
    outcome = models.CharField(_("hasil"), max_length=16, choices=choices.IdentificationOutcome.choices)
    confirmed_by = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_on = models.DateField(_("tanggal konfirmasi"), null=True, blank=True)
    account = EncryptedTextField(_("kronologi"), blank=True, help_text=_("Cerita kejadian; terenkripsi."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("identifikasi perdagangan orang")
        verbose_name_plural = pgettext_lazy("plural", "identifikasi perdagangan orang")
        ordering = ["person", "-identified_on", "id"]
        constraints = [
            choices_check("outcome", choices.IdentificationOutcome, name="identification_outcome_valid"),
            choices_check(
                "recruiter_relationship", choices.CtdcRecruiterRelationship, name="identification_recruiter_valid"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="confirmed") | (Q(confirmed_by__isnull=False) & Q(confirmed_on__isnull=False)),
                name="identification_confirmed_says_by_whom_and_when",
                violation_error_message=_("Identifikasi terkonfirmasi harus mencatat organisasi dan tanggalnya."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.identified_on:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("registry:identification_detail", args=[self.pk])

    @property
    def meets_legal_definition(self) -> bool:
        """All three elements of Pasal 1 angka 1 are ticked (for a child the means are not required, Pasal 26)."""
        return bool(self.acts and self.means and self.purposes)


class DuplicatePair(ScopedModel):
    """Two records that may be one person, with why; a supervisor merges them or marks them distinct."""

    scope_region_path = "first__region"

    first = models.ForeignKey(Person, verbose_name=_("orang pertama"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, verbose_name=_("orang kedua"), on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("skor"))
    reasons = models.JSONField(_("alasan"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.DuplicateStatus.choices, default=choices.DuplicateStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("kemungkinan duplikat")
        verbose_name_plural = pgettext_lazy("plural", "kemungkinan duplikat")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_pair_ordered"),
            models.CheckConstraint(condition=Q(score__lte=100), name="duplicate_score_range"),
            choices_check("status", choices.DuplicateStatus, name="duplicate_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(resolved_by__isnull=False) & Q(resolved_at__isnull=False)),
                name="duplicate_resolution_says_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} ~ #{self.second_id} ({self.score})"
