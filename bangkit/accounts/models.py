from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.accounts.roles import ROLE_DESCRIPTIONS, Role, role_has_permission
from bangkit.core.models import ScopedModel, TimeStampedModel
from bangkit.core.scoping import ALL_REGIONS, ScopedQuerySet
from bangkit.regions.timezones import WIB, province_time_zone


class OrganisationKind(models.TextChoices):
    KEMENSOS_UNIT = "kemensos_unit", _("Direktorat / unit Kemensos")
    DINSOS_PROVINCE = "dinsos_province", _("Dinas Sosial Provinsi")
    DINSOS_REGENCY = "dinsos_regency", _("Dinas Sosial Kabupaten/Kota")
    LKS = "lks", _("Lembaga Kesejahteraan Sosial (LKS)")
    RSBM = "rsbm", _("RSBM / balai")


class ConstraintErrorsOnFields(models.Model):
    """Shows a violated database constraint's message on the field it is about, not above the form.

    `constraint_fields` maps a constraint's name to that field. Every constraint declares a translated
    `violation_error_message`, so nobody is ever shown a constraint's name. Choice fields carry a CheckConstraint
    too, so that no write that bypasses the forms stores a value the application cannot show: adding a choice
    therefore needs a migration.
    """

    constraint_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Any = None) -> None:
        using = router.db_for_write(type(self), instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                checked: Any = constraint  # every concrete constraint has validate(); the stubs' base class has not
                try:
                    checked.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as exc:
                    field = self.constraint_fields.get(constraint.name, NON_FIELD_ERRORS)
                    errors.setdefault(field, []).extend(exc.error_list)
        if errors:
            raise ValidationError(errors)


def _choice_constraint(field: str, values: Any, name: str, message: Any) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": list(values)}), name=name, violation_error_message=message
    )


class Organisation(ConstraintErrorsOnFields, ScopedModel):
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    constraint_fields: ClassVar[dict[str, str]] = {
        "organisation_unique_name_in_region": "name",
        "organisation_kind_valid": "kind",
    }

    class Meta:
        verbose_name = _("organisasi")
        verbose_name_plural = pgettext_lazy("plural", "organisasi")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region"],
                name="organisation_unique_name_in_region",
                violation_error_message=_("Sudah ada organisasi dengan nama ini di wilayah yang sama."),
            ),
            _choice_constraint(
                "kind", OrganisationKind.values, "organisation_kind_valid", _("Jenis organisasi tidak dikenal.")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.pk])


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def restrict(self, user: Any, action: str = "view", *, permission: str | None = None) -> UserQuerySet:
        return self.get_queryset().restrict(user, action, permission=permission)  # type: ignore[return-value]

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]


class User(ConstraintErrorsOnFields, AbstractBaseUser):
    """A person who works in Bangkit. Users are placed by their organisation's region.

    What a user may do comes only from role grants (accounts/roles.py), never from Django's per-user
    permission tables, so `has_perm` needs no query beyond the user's grants.
    """

    scope_region_path = "organisation__region"

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisasi"), on_delete=models.PROTECT, related_name="users", null=True
    )
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    language = models.CharField(_("bahasa"), max_length=5, choices=LANGUAGE_CHOICES, default="id")
    is_active = models.BooleanField(_("aktif"), default=True)
    is_staff = models.BooleanField(_("staf admin Django"), default=False)
    is_superuser = models.BooleanField(
        _("superuser"), default=False, help_text=_("Semua izin di seluruh Indonesia; hanya untuk pemeliharaan sistem.")
    )
    date_joined = models.DateTimeField(_("terdaftar"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    constraint_fields: ClassVar[dict[str, str]] = {
        "user_has_organisation": "organisation",
        "user_language_valid": "language",
    }

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("plural", "pengguna")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(organisation__isnull=False),
                name="user_has_organisation",
                violation_error_message=_("Setiap pengguna harus termasuk dalam satu organisasi."),
            ),
            _choice_constraint(
                "language",
                [code for code, _name in LANGUAGE_CHOICES],
                "user_language_valid",
                _("Bahasa tidak dikenal."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    def active_grants(self) -> list[Grant]:
        """Grants in force today; cached on the instance for the length of one request."""
        cached: list[Grant] | None = getattr(self, "_active_grants", None)
        if cached is None:
            today = timezone.localdate()
            cached = list(
                self.grants.filter(Q(valid_from__lte=today), Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            )
            self._active_grants = cached
        return cached

    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.active_grants())

    def jurisdiction_codes(self, permission: str) -> frozenset[str]:
        """Region codes where this user holds `permission`; ALL_REGIONS for a national grant."""
        return frozenset(
            grant.region_id or ALL_REGIONS
            for grant in self.active_grants()
            if role_has_permission(grant.role, permission)
        )

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    @property
    def time_zone(self) -> str:
        """The zone of the user's organisation (WIB, WITA or WIT), in which times are shown to them."""
        if self.organisation is None:
            return WIB
        return province_time_zone(self.organisation.region_id)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Whether a grant anywhere gives `perm`; whether a record lies inside is `restrict`'s question."""
        if not self.is_active:
            return False
        return self.is_superuser or bool(self.jurisdiction_codes(perm))

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_superuser


class Grant(ConstraintErrorsOnFields, TimeStampedModel):
    """A role held over a jurisdiction: a region node and everything under it, or all Indonesia when empty."""

    scope_region_path = "user__organisation__region"

    user = models.ForeignKey(User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("yurisdiksi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Kosongkan untuk seluruh Indonesia."),
    )
    valid_from = models.DateField(_("berlaku sejak"), default=timezone.localdate)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("diberikan oleh"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    constraint_fields: ClassVar[dict[str, str]] = {
        "grant_unique_role_region": "role",
        "grant_unique_national_role": "role",
        "grant_valid_period": "valid_until",
        "grant_role_valid": "role",
    }

    class Meta:
        verbose_name = _("hak akses")
        verbose_name_plural = pgettext_lazy("plural", "hak akses")
        ordering = ["user_id", "role"]
        constraints = [
            # Two partial constraints, because SQLite cannot treat NULL (all Indonesia) as one value.
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="grant_unique_role_region",
                violation_error_message=_("Pengguna ini sudah memegang peran ini di yurisdiksi ini."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(region__isnull=True),
                name="grant_unique_national_role",
                violation_error_message=_("Pengguna ini sudah memegang peran ini untuk seluruh Indonesia."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="grant_valid_period",
                violation_error_message=_("Tanggal berlaku sampai tidak boleh sebelum tanggal berlaku sejak."),
            ),
            _choice_constraint("role", Role.values, "grant_role_valid", _("Peran tidak dikenal.")),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id and self.region else _("Seluruh Indonesia")
        return f"{self.get_role_display()} — {where}"

    @property
    def role_description(self) -> str:
        return str(ROLE_DESCRIPTIONS.get(self.role, ""))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 is stored; the token is shown once, when created."""

    scope_region_path = "user__organisation__region"
    PREFIX = "bkt_"

    user = models.ForeignKey(User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("awalan"), max_length=12, editable=False)
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = pgettext_lazy("plural", "token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def clean(self) -> None:
        if self.expires_at is None:
            return
        now = timezone.now()
        if self.expires_at <= now:
            raise ValidationError({"expires_at": _("Tanggal berlaku sampai harus di masa depan.")})
        max_days = settings.BANGKIT_API_TOKEN_MAX_DAYS
        # Measured from creation, so that saving an existing token again does not push its limit back.
        if self.expires_at > (self.created_at or now) + timedelta(days=max_days):
            raise ValidationError(
                {"expires_at": _("Token dapat berlaku paling lama %(days)d hari sejak dibuat.") % {"days": max_days}}
            )

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
