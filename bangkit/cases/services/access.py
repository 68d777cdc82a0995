"""Who may do what on a case: a permission counts only over the case's region (the person's home regency).

Services call `require_on_case` before they write; views and the API use `holds_on_case` to decide which buttons and
tabs to show, so that the page offers exactly what the services will accept.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangkit.accounts.models import Grant, User
from bangkit.accounts.roles import roles_with_permission
from bangkit.cases.models import Case
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction
from bangkit.core.scoping import covers
from bangkit.regions.models import ancestor_codes

VIEW_CASE = "cases.view_case"


def holds_on_case(user: Any, permission: str, case: Case) -> bool:
    """Whether `user` holds `permission` over the region of `case`; no query beyond the user's grants."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return covers(user.jurisdiction_codes(permission), case.region_id)


def require_on_case(actor: Any, permission: str, case: Case, message: str | None = None) -> None:
    """Refuses unless `actor` may see the case (else as if it did not exist) and holds `permission` over it."""
    if not holds_on_case(actor, VIEW_CASE, case):
        raise OutOfJurisdiction(_("Kasus tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_on_case(actor, permission, case):
        raise NotPermitted(message or _("Anda tidak berwenang melakukan ini pada kasus ini."))


def eligible_users(*, permission: str, region_code: str, granted_there: bool = False) -> models.QuerySet[User]:
    """Active users holding `permission` over `region_code` today: who may be assigned a case or a task there.
    `granted_there`: only those whose grant is on `region_code` itself, not on a region above it."""
    today = timezone.localdate()
    above = Q(region__isnull=True) | Q(region__in=ancestor_codes(region_code))
    where = Q(region=region_code) if granted_there else above
    grants = Grant.objects.filter(
        Q(role__in=sorted(roles_with_permission(permission))),
        Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        where,
    )
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("full_name", "pk")


def site_language() -> AbstractContextManager[None]:
    """Timeline summaries are written in the site's language, whoever's session wrote them."""
    return translation.override(settings.LANGUAGE_CODE)
