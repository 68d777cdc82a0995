"""Writes for organisations, users, grants and API tokens. Each takes the acting user and checks jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import ApiToken, Grant, Organisation, User, hash_token
from bangkit.accounts.roles import Role
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import ALL_REGIONS, permission_name
from bangkit.regions.models import Region


def region_in_scope(*, actor: User, permission: str, region: Region | None) -> bool:
    """Whether `actor` holds `permission` over `region` (None: all Indonesia)."""
    return actor.is_superuser or _covers(actor.jurisdiction_codes(permission), region)


def _require_region_in_scope(*, actor: User, permission: str, region: Region | None, field: str) -> None:
    codes = actor.jurisdiction_codes(permission)
    if actor.is_superuser or ALL_REGIONS in codes:
        return
    if region is None:
        raise OutOfJurisdiction(_("Hanya pengguna tingkat nasional yang dapat memilih seluruh Indonesia."), field=field)
    if not _covers(codes, region):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field=field)


def organisation_save(*, actor: User, organisation: Organisation) -> Organisation:
    action = "change" if organisation.pk else "add"
    _require_region_in_scope(
        actor=actor, permission=permission_name(Organisation, action), region=organisation.region, field="region"
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def _covers(codes: frozenset[str], region: Region | None) -> bool:
    if ALL_REGIONS in codes:
        return True
    return region is not None and any(region.code == code or region.code.startswith(code + ".") for code in codes)


# Roles that only a national administrator may hand out: they read or move everything, or approve payments.
NATIONAL_ONLY_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR, Role.FINANCE_OFFICER})


@transaction.atomic
def user_save(*, actor: User, user: User, password: str | None = None) -> User:
    """Creates or changes an account. Setting the password of an existing account revokes its API tokens."""
    action = "change" if user.pk else "add"
    if user.pk and not actor.is_superuser:
        # Changing an account is taking it over: only allowed when the actor's jurisdiction covers every grant
        # the account holds, so that nobody can reach powers wider than their own.
        codes = actor.jurisdiction_codes(permission_name(User, "change"))
        stored = User.objects.get(pk=user.pk)
        if stored.is_superuser or not all(_covers(codes, grant.region) for grant in stored.active_grants()):
            raise OutOfJurisdiction(_("Akun ini memegang peran di luar yurisdiksi Anda."))
    organisation = user.organisation
    _require_region_in_scope(
        actor=actor,
        permission=permission_name(User, action),
        region=organisation.region if organisation else None,
        field="organisation",
    )
    user.email = user.email.lower()
    if password:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    is_new = user.pk is None
    user.save()
    if password and not is_new:
        api_tokens_revoke_all(user=user)
    return user


@transaction.atomic
def grant_create(
    *, actor: User, user: User, role: str, region: Region | None, valid_until: date | None = None
) -> Grant:
    if actor.pk == user.pk and not actor.is_superuser:
        raise ServiceError(_("Anda tidak dapat memberi hak akses kepada diri sendiri."), field="role")
    if not User.objects.restrict(actor, permission=permission_name(Grant, "add")).filter(pk=user.pk).exists():
        raise OutOfJurisdiction(_("Pengguna ini di luar yurisdiksi Anda."))
    _require_region_in_scope(actor=actor, permission=permission_name(Grant, "add"), region=region, field="region")
    if role in NATIONAL_ONLY_ROLES and not (
        actor.is_superuser or ALL_REGIONS in actor.jurisdiction_codes(permission_name(Grant, "add"))
    ):
        raise ServiceError(_("Peran ini hanya dapat diberikan oleh administrator nasional."), field="role")
    grant = Grant(user=user, role=role, region=region, valid_until=valid_until, granted_by=actor)
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def grant_revoke(*, actor: User, grant: Grant) -> None:
    if actor.pk == grant.user_id and not actor.is_superuser:
        raise ServiceError(_("Anda tidak dapat mencabut hak akses Anda sendiri."))
    _require_region_in_scope(
        actor=actor, permission=permission_name(Grant, "delete"), region=grant.region, field="region"
    )
    grant.delete()


def api_token_create(*, user: User, name: str, expires_at: Any = None) -> tuple[ApiToken, str]:
    """Returns the token and its raw key; the raw key is never stored and cannot be shown again.

    Every token expires: after BANGKIT_API_TOKEN_DEFAULT_DAYS unless `expires_at` says otherwise, never later than
    BANGKIT_API_TOKEN_MAX_DAYS on (ApiToken.clean refuses that with a message on `expires_at`). Callers refuse a
    request authenticated by a token itself (a stolen token must not breed more) and ask a signed-in user to
    confirm their password first.
    """
    if expires_at is None:
        expires_at = timezone.now() + timedelta(days=settings.BANGKIT_API_TOKEN_DEFAULT_DAYS)
    raw = ApiToken.new_raw_key()
    token = ApiToken(user=user, name=name, key_hash=hash_token(raw), hint=raw[:8], expires_at=expires_at)
    token.full_clean()
    token.save()
    return token, raw


def api_tokens_revoke_all(*, user: User) -> int:
    """Revokes every token of `user` still in force, e.g. when their password changes; returns how many."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
