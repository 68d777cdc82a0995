from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
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


class Organisation(ScopedModel):
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("organisasi")
        verbose_name_plural = pgettext_lazy("plural", "organisasi")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="organisation_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.pk])


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class UserManager(BaseUserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def restrict(self, user: Any, action: str = "view") -> UserQuerySet:
        return self.get_queryset().restrict(user, action)  # type: ignore[return-value]

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser):
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
    language = models.CharField(
        _("bahasa"), max_length=5, choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )
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

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("plural", "pengguna")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(organisation__isnull=False), name="user_has_organisation"
            )
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


class Grant(TimeStampedModel):
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

    class Meta:
        verbose_name = _("hak akses")
        verbose_name_plural = pgettext_lazy("plural", "hak akses")
        ordering = ["user_id", "role"]
        constraints = [
            # Two partial constraints, because SQLite cannot treat NULL (all Indonesia) as one value.
            models.UniqueConstraint(
                fields=["user", "role", "region"], condition=Q(region__isnull=False), name="grant_unique_role_region"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(region__isnull=True), name="grant_unique_national_role"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="grant_valid_period",
            ),
        ]

    @property
    def role_description(self) -> str:
        return str(ROLE_DESCRIPTIONS.get(self.role, ""))

    def __str__(self) -> str:
        where = self.region.name if self.region_id and self.region else _("Seluruh Indonesia")
        return f"{self.get_role_display()} — {where}"


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
        if self.expires_at is not None and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("Tanggal berlaku sampai harus di masa depan.")})

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
