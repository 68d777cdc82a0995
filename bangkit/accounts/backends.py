from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class GrantBackend(ModelBackend):
    """Answers `user.has_perm(...)` from the user's role grants (anywhere in their jurisdictions).

    Whether a particular record is inside the jurisdiction is the job of `ScopedQuerySet.restrict`.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active or not user_obj.is_authenticated:
            return False
        if user_obj.is_superuser:
            return True
        return bool(user_obj.jurisdiction_codes(perm))

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return user_obj.is_active and user_obj.is_superuser
