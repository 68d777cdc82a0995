"""Roles and what each may do: the single table behind every permission check.

A permission is `app_label.action_model` (Django's naming) plus a few special ones such as
`registry.view_unmasked_identifiers`. Patterns use shell wildcards, so `regions.view_*` grants every view.
Later apps add their models' permissions here; nothing else decides who may do what.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Pendamping / pekerja sosial")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROGRAM_OFFICER = "program_officer", _("Petugas program")
    FINANCE_OFFICER = "finance_officer", _("Petugas keuangan / penyetuju")
    ANALYST = "analyst", _("Analis")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Reference data every role reads.
_REFERENCE = ("regions.view_*",)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CASE_WORKER: (*_REFERENCE, "accounts.view_organisation"),
    Role.SUPERVISOR: (*_REFERENCE, "accounts.view_organisation", "accounts.view_user"),
    Role.PROGRAM_OFFICER: (*_REFERENCE, "accounts.view_organisation"),
    Role.FINANCE_OFFICER: (*_REFERENCE, "accounts.view_organisation"),
    Role.ANALYST: (*_REFERENCE, "accounts.view_organisation"),
    Role.AUDITOR: ("*.view_*", "audit.view_history"),
    Role.ADMINISTRATOR: (*_REFERENCE, "accounts.*", "audit.view_history"),
}

ROLE_DESCRIPTIONS: dict[str, StrOrPromise] = {
    Role.CASE_WORKER: _("Mendaftarkan orang, asesmen, mencatat layanan, kehadiran dan kunjungan tindak lanjut."),
    Role.SUPERVISOR: _("Menyetujui rencana intervensi dan penutupan kasus, memverifikasi penerima bantuan."),
    Role.PROGRAM_OFFICER: _("Membuat program, kegiatan dan skema bantuan, meninjau proposal."),
    Role.FINANCE_OFFICER: _("Menyiapkan dan menyetujui tahap pembayaran (tidak keduanya pada tahap yang sama)."),
    Role.ANALYST: _("Dasbor dan ekspor statistik, tanpa nama."),
    Role.AUDITOR: _("Membaca semua data termasuk log audit, tidak mengubah apa pun."),
    Role.ADMINISTRATOR: _("Mengelola pengguna, organisasi dan data referensi."),
}


@lru_cache(maxsize=4096)
def role_has_permission(role: str, permission: str) -> bool:
    return any(fnmatchcase(permission, pattern) for pattern in ROLE_PERMISSIONS.get(role, ()))


def roles_with_permission(permission: str) -> frozenset[str]:
    return frozenset(role for role in ROLE_PERMISSIONS if role_has_permission(role, permission))
