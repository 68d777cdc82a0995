"""Field-level masking: who sees a person's identifiers in clear, and the access log when they do.

A role sees NIK, KK, document and phone numbers only with `registry.unmask_identifiers`, account numbers only with
`registry.unmask_account_numbers` and the trafficking account only with `registry.read_trafficking_account`, each
inside its jurisdictions. Everyone else sees the masked form (`5301********0001`, `******7890`) or nothing.
Every page or API answer that shows a person's identifiers in clear writes one access entry for that person.
"""

from __future__ import annotations

from typing import Any

from bangkit.accounts.roles import READ_TRAFFICKING_ACCOUNT, UNMASK_ACCOUNT_NUMBERS, UNMASK_IDENTIFIERS
from bangkit.core.scoping import covers

__all__ = ["READ_TRAFFICKING_ACCOUNT", "UNMASK_ACCOUNT_NUMBERS", "UNMASK_IDENTIFIERS", "may_unmask"]


def may_unmask(user: Any, permission: str, person: Any) -> bool:
    """Whether `user` holds `permission` over the region of `person` (a Person). No query beyond the user's grants."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return covers(user.jurisdiction_codes(permission), person.region_id)
