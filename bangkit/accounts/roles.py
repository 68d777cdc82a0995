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
_REFERENCE = ("regions.view_*", "registry.view_bank")

# Reading unmasked identifiers is its own permission (not a `view_*`, so no wildcard grants it by accident):
# NIK, KK, document and phone numbers; bank account numbers; the trafficking account (the person's story).
UNMASK_IDENTIFIERS = "registry.unmask_identifiers"
UNMASK_ACCOUNT_NUMBERS = "registry.unmask_account_numbers"
READ_TRAFFICKING_ACCOUNT = "registry.read_trafficking_account"
VERIFY_BANK_ACCOUNT = "registry.verify_bankaccount"
RESOLVE_DUPLICATES = "registry.resolve_duplicatepair"
APPROVE_CASE = "cases.approve_case"
REOPEN_CASE = "cases.reopen_case"
OVERRIDE_CONSENT = "cases.override_consent"
ISSUE_CERTIFICATE = "programs.add_certificate"
APPROVE_TRANCHE = "assistance.approve_tranche"
SEND_TRANCHE = "assistance.send_tranche"
RECOMMEND_PROPOSAL = "livelihoods.recommend_proposal"
VERIFY_PROPOSAL = "livelihoods.verify_proposal"
APPROVE_PROPOSAL = "livelihoods.approve_proposal"
FUND_PROPOSAL = "livelihoods.fund_proposal"

# Registering people and running their cases: everything in both apps but deletion and the special permissions.
_CASEWORK = (
    "registry.view_*",
    "registry.add_*",
    "registry.change_*",
    "registry.delete_migrationstay",  # a stay abroad recorded by mistake
    "cases.view_*",
    "cases.add_*",
    "cases.change_*",
    UNMASK_IDENTIFIERS,
    READ_TRAFFICKING_ACCOUNT,
)
# Reminders to people by SMS/WhatsApp: see and queue them, cancel one still waiting (never delete: history).
_MESSAGING = (
    "notifications.view_outboxmessage",
    "notifications.add_outboxmessage",
    "notifications.change_outboxmessage",
)
# After the grant: businesses, follow-up visits, departures and the alerts they raise. The risk weights are read
# by all who see a score explained; only administrators change them.
_FOLLOW_UP = (
    "livelihoods.view_*",
    "livelihoods.add_enterprise",
    "livelihoods.change_enterprise",
    "livelihoods.add_enterprisemember",
    "livelihoods.change_enterprisemember",
    "livelihoods.add_enterprisecapital",
    "livelihoods.change_followup",
    "livelihoods.add_remigration",
    "livelihoods.change_alert",
)
# Business-development proposals: prepared with the person and followed up after funding by whoever accompanies
# them; reviewed up the line (livelihoods.proposal_workflow) by those who read them (and the businesses they grow).
_PROPOSAL_PREPARATION = (
    "livelihoods.add_proposal",
    "livelihoods.change_proposal",
    "livelihoods.add_proposalmilestone",
    "livelihoods.change_proposalmilestone",
)
_PROPOSAL_READING = ("livelihoods.view_proposal*", "livelihoods.view_enterprise")
# Counting who came to a community prevention session (how many, never who), as whoever ran it does.
_PREVENTION_COUNTING = ("prevention.view_headcount", "prevention.add_headcount", "prevention.change_headcount")
# Bringing people to events and taking their attendance, as case workers do at the venue.
_EVENT_PARTICIPATION = (
    "programs.view_*",
    "programs.add_enrolment",
    "programs.change_enrolment",
    "programs.add_attendance",
    "programs.change_attendance",
)
# Planning programs and events: everything in the app but deleting what people's records hang on.
_EVENT_PLANNING = (
    "programs.view_*",
    "programs.add_*",
    "programs.change_*",
    "programs.delete_programpartner",
    "programs.delete_eventpartner",
    "programs.delete_eventfacilitator",
    "programs.delete_eventmodule",
    "programs.delete_eventsession",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CASE_WORKER: (
        *_REFERENCE,
        "accounts.view_organisation",
        *_CASEWORK,
        *_EVENT_PARTICIPATION,
        *_FOLLOW_UP,
        *_PROPOSAL_PREPARATION,
        *_PREVENTION_COUNTING,
        *_MESSAGING,
    ),
    Role.SUPERVISOR: (
        *_REFERENCE,
        "accounts.view_organisation",
        "accounts.view_user",
        *_CASEWORK,
        *_EVENT_PARTICIPATION,
        *_FOLLOW_UP,
        *_PROPOSAL_PREPARATION,
        # Dinsos kabupaten/kota recommends its people's proposals to the province.
        RECOMMEND_PROPOSAL,
        *_PREVENTION_COUNTING,
        *_MESSAGING,
        ISSUE_CERTIFICATE,
        "programs.change_certificate",
        # Supervisors check who is listed for assistance before finance pays.
        "assistance.view_*",
        UNMASK_ACCOUNT_NUMBERS,
        VERIFY_BANK_ACCOUNT,
        RESOLVE_DUPLICATES,
        APPROVE_CASE,
        REOPEN_CASE,
        OVERRIDE_CONSENT,
    ),
    # Program officers enrol people in events: they see who people are, never their identifiers.
    Role.PROGRAM_OFFICER: (
        *_REFERENCE,
        "accounts.view_organisation",
        "registry.view_person",
        "cases.view_case",
        *_EVENT_PLANNING,
        "assistance.view_*",
        "assistance.add_scheme",
        "assistance.change_scheme",
        # Proposals: verified with a grant over the province, decided with a national one (the Directorate).
        *_PROPOSAL_READING,
        VERIFY_PROPOSAL,
        APPROVE_PROPOSAL,
        # Head counts of prevention sessions, and how often the public checklist was used.
        *_PREVENTION_COUNTING,
        "prevention.view_*",
    ),
    # Finance officers pay to bank accounts: they see and verify account numbers, prepare and approve tranches
    # (never both on the same tranche: the services and a database constraint see to it).
    Role.FINANCE_OFFICER: (
        *_REFERENCE,
        "accounts.view_organisation",
        "registry.view_person",
        "registry.view_bankaccount",
        UNMASK_ACCOUNT_NUMBERS,
        VERIFY_BANK_ACCOUNT,
        "assistance.view_*",
        "assistance.add_tranche",
        "assistance.change_tranche",
        APPROVE_TRANCHE,
        SEND_TRANCHE,
        # Funding an approved proposal puts its entitlement in a tranche this officer prepares.
        *_PROPOSAL_READING,
        FUND_PROPOSAL,
    ),
    # Analysts work with aggregates only: no permission on people or cases at all, so no names.
    Role.ANALYST: (*_REFERENCE, "accounts.view_organisation", "prevention.view_*"),
    Role.AUDITOR: (
        "*.view_*",
        "audit.view_history",
        UNMASK_IDENTIFIERS,
        UNMASK_ACCOUNT_NUMBERS,
        READ_TRAFFICKING_ACCOUNT,
    ),
    Role.ADMINISTRATOR: (
        *_REFERENCE,
        "accounts.*",
        "audit.view_history",
        "registry.add_bank",
        "registry.change_bank",
        "livelihoods.view_riskweight",
        "livelihoods.change_riskweight",
        "livelihoods.view_riskthresholds",
        "livelihoods.change_riskthresholds",
        "livelihoods.view_rescorerun",
    ),
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
