"""Schemes, tranches and their entitlements, up to approval. Every step of a tranche goes through
`workflow.STEPS`; the row is locked first, so that of fifty officers pressing "approve" at once one approves and the
others are told it already happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.assistance import selectors
from bangkit.assistance.choices import EntitlementState, SchemeKind, TrancheState
from bangkit.assistance.models import Entitlement, Scheme, SchemeItem, Tranche
from bangkit.assistance.services.base import change_entitlements, in_tranche, locked, record_timeline, require_on_scheme
from bangkit.assistance.workflow import APPROVE_TRANCHE, PREPARE_TRANCHE
from bangkit.audit.history import RowEntry, log_bulk_created_rows
from bangkit.core.bulk import insert_rows
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.expressions import Among
from bangkit.core.scoping import holds_over
from bangkit.core.validation import clean
from bangkit.registry.choices import BankAccountStatus

SCHEME_FIELDS = (
    "name",
    "legal_basis",
    "organisation",
    "region",
    "year",
    "kind",
    "amount_per_person",
    "budget_ceiling",
    "second_approval_above",
    "completed_event",
    "require_verified_account",
    "require_consent",
    "require_open_case",
    "follow_up_months",
)


# --- schemes --------------------------------------------------------------------------------------------------


@transaction.atomic
def scheme_save(*, actor: User, scheme: Scheme | None = None, **values: Any) -> Scheme:
    """Creates a scheme (no `scheme`) or changes one that has no approved tranche yet."""
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"scheme_save: unknown fields {sorted(unknown)}")
    if scheme is not None:
        require_on_scheme(actor, "assistance.change_scheme", scheme)
        if scheme.tranches.exclude(state__in=[TrancheState.DRAFT, TrancheState.CANCELLED]).exists():
            raise ServiceError(_("Skema ini sudah punya tahap yang diajukan atau disetujui; buat skema baru."))
    scheme = scheme or Scheme()
    for name, value in values.items():
        setattr(scheme, name, value)
    permission = "assistance.add_scheme" if scheme.pk is None else "assistance.change_scheme"
    if not holds_over(actor, permission, scheme.region_id):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field="region")
    if scheme.kind == SchemeKind.IN_KIND:
        scheme.amount_per_person = None
    elif not scheme.amount_per_person:
        raise ServiceError(_("Isi nilai bantuan per orang, dalam rupiah utuh."), field="amount_per_person")
    clean(scheme)
    scheme.save()
    return scheme


@transaction.atomic
def scheme_item_add(
    *, actor: User, scheme: Scheme, name: str, quantity: int, unit_value: int, unit: str = "buah"
) -> SchemeItem:
    require_on_scheme(actor, "assistance.change_scheme", scheme)
    if scheme.kind != SchemeKind.IN_KIND:
        raise ServiceError(_("Hanya bantuan barang yang punya isi paket."))
    item = SchemeItem(scheme=scheme, name=name.strip(), quantity=quantity, unit=unit.strip(), unit_value=unit_value)
    clean(item)
    item.save()
    return item


# --- tranches -------------------------------------------------------------------------------------------------


@transaction.atomic
def tranche_create(*, actor: User, scheme: Scheme) -> Tranche:
    """A new draft tranche, numbered after the scheme's last."""
    require_on_scheme(actor, "assistance.add_tranche", scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    last = scheme.tranches.order_by("-number").values_list("number", flat=True).first() or 0
    tranche = Tranche(scheme=scheme, number=last + 1, prepared_by=actor)
    clean(tranche)
    tranche.save()
    return tranche


@transaction.atomic
def tranche_fill(*, actor: User, tranche: Tranche, on: date | None = None) -> int:
    """Adds to a draft tranche everyone eligible under its scheme who has no entitlement yet; returns how many.
    Filling again adds only who became eligible since: never a second entitlement (a database constraint)."""
    require_on_scheme(actor, PREPARE_TRANCHE, tranche.scheme)
    # The scheme's lock serialises fills of its tranches: two at once cannot pick the same person.
    scheme = Scheme.objects.select_for_update().select_related("region").get(pk=tranche.scheme_id)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.state != TrancheState.DRAFT:
        raise ServiceError(_("Hanya tahap berstatus konsep yang dapat diisi."))
    amount = selectors.package_value(scheme)
    if amount <= 0:
        raise ServiceError(_("Paket bantuan ini belum berisi barang; isi paketnya dulu."))
    day = on or timezone.localdate()
    eligible: list[tuple[int, int | None, str, str]] = list(
        selectors.eligible_people(actor=actor, scheme=scheme, on=day).values_list(  # type: ignore[misc]
            "pk", "paid_to", "full_name", "region"
        )
    )
    if not eligible:
        return 0
    account = scheme.kind == SchemeKind.CASH
    now = timezone.now()
    stamp = Entitlement._meta.get_field("created_at").get_db_prep_save(now, connection)
    insert_rows(
        Entitlement,
        (
            "created_at",
            "updated_at",
            "scheme",
            "tranche",
            "person",
            "amount",
            "state",
            "bank_account",
            "attempt",
            "failure_reason",
            "cancelled_reason",
        ),
        (
            (
                stamp,
                stamp,
                scheme.pk,
                tranche.pk,
                person_id,
                amount,
                EntitlementState.DRAFT,
                paid_to if account else None,
                1,
                "",
                "",
            )
            for person_id, paid_to, _name, _region in eligible
        ),
    )
    added = {person_id: (paid_to if account else None, name, region) for person_id, paid_to, name, region in eligible}
    written = tranche.entitlements.filter(Among("person_id", added)).values_list("pk", "person_id")
    log_bulk_created_rows(
        Entitlement,
        (
            RowEntry(
                pk,
                f"{added[person_id][1]} — {scheme.name}",
                added[person_id][2],
                {
                    "scheme_id": scheme.pk,
                    "tranche_id": tranche.pk,
                    "person_id": person_id,
                    "amount": amount,
                    "state": EntitlementState.DRAFT,
                    "bank_account_id": added[person_id][0],
                    "attempt": 1,
                },
            )
            for pk, person_id in written
        ),
        actor=actor,
    )
    return len(added)


@transaction.atomic
def tranche_submit(*, actor: User, tranche: Tranche) -> Tranche:
    tranche = locked(tranche, "submit", actor)
    if not tranche.entitlements.exclude(state=EntitlementState.CANCELLED).exists():
        raise ServiceError(_("Tahap ini belum berisi penerima."))
    tranche.state, tranche.submitted_at = TrancheState.SUBMITTED, timezone.now()
    tranche.save()
    return tranche


@transaction.atomic
def tranche_return(*, actor: User, tranche: Tranche) -> Tranche:
    """The approver sends the list back to its preparer; any first approval is withdrawn with it."""
    tranche = locked(tranche, "return", actor)
    tranche.state = TrancheState.DRAFT
    tranche.approved_by, tranche.approved_at, tranche.decree_number, tranche.decree_date = None, None, "", None
    tranche.save()
    return tranche


def _unpayable(tranche: Tranche) -> int:
    """Entitlements that may not be approved as they stand: the person died or was merged into another record, or
    the account a cash payment goes to is no longer verified."""
    entitlements = tranche.entitlements.filter(state=EntitlementState.DRAFT)
    unpayable = entitlements.filter(person__deceased_on__isnull=False) | entitlements.filter(
        person__merged_into__isnull=False
    )
    if tranche.scheme.kind == SchemeKind.CASH:
        unpayable = (
            unpayable
            | entitlements.filter(bank_account__isnull=True)
            | entitlements.exclude(bank_account__status=BankAccountStatus.VERIFIED)
        )
    return unpayable.distinct().count()


@transaction.atomic
def tranche_approve(
    *, actor: User, tranche: Tranche, decree_number: str = "", decree_date: date | None = None
) -> Tranche:
    """Approves a submitted tranche: the list and amounts are frozen under the decree (SK penerima). Above the
    scheme's threshold this is the first of two approvals, by two people, neither of them the preparer."""
    require_on_scheme(actor, APPROVE_TRANCHE, tranche.scheme)
    # Approvals of one scheme's tranches are taken one at a time, so that together they never pass the ceiling.
    scheme = Scheme.objects.select_for_update().get(pk=tranche.scheme_id)
    tranche = locked(tranche, "approve", actor)
    if actor.pk == tranche.prepared_by_id:
        raise NotPermitted(_("Penyiap tahap tidak boleh menyetujuinya."))
    now = timezone.now()
    if tranche.approved_by_id is not None:  # the first approval is in: this is the second
        if actor.pk == tranche.approved_by_id:
            raise NotPermitted(_("Anda sudah menyetujui tahap ini; persetujuan kedua harus oleh orang lain."))
        tranche.second_approved_by, tranche.second_approved_at = actor, now
        return _approved(tranche, actor)
    if not decree_number.strip() or decree_date is None:
        raise ServiceError(_("Isi nomor dan tanggal SK penerima."), field="decree_number")
    if decree_date > timezone.localdate():
        raise ServiceError(_("Tanggal SK penerima tidak boleh di masa depan."), field="decree_date")
    unpayable = _unpayable(tranche)
    if unpayable:
        raise ServiceError(
            _(
                "%(count)d penerima tidak dapat dibayar (meninggal, datanya digabung, atau rekeningnya tidak lagi "
                "terverifikasi); keluarkan atau perbaiki dulu."
            )
            % {"count": unpayable}
        )
    _people, total = selectors.tranche_total(tranche)
    committed = selectors.committed_elsewhere(tranche)
    if committed + total > scheme.budget_ceiling:
        raise ServiceError(
            _("Tahap ini (Rp %(total)s) melampaui sisa pagu skema (Rp %(left)s).")
            % {
                "total": f"{total:,}".replace(",", "."),
                "left": f"{scheme.budget_ceiling - committed:,}".replace(",", "."),
            }
        )
    tranche.approved_by, tranche.approved_at = actor, now
    tranche.decree_number, tranche.decree_date = decree_number.strip(), decree_date
    if scheme.second_approval_above is not None and total > scheme.second_approval_above:
        tranche.save()  # stays submitted, awaiting the second approver
        return tranche
    return _approved(tranche, actor)


def _approved(tranche: Tranche, actor: User) -> Tranche:
    approved = in_tranche(tranche, EntitlementState.DRAFT)
    tranche.state = TrancheState.APPROVED
    tranche.approved_people, tranche.approved_total = len(approved), sum(row.amount for row in approved)
    tranche.save()
    change_entitlements(tranche, approved, actor=actor, state=EntitlementState.APPROVED)
    what = _("disetujui dengan SK %(decree)s") % {"decree": tranche.decree_number}
    record_timeline(tranche, approved, what, actor=actor)
    return tranche


@transaction.atomic
def tranche_cancel(*, actor: User, tranche: Tranche, reason: str) -> Tranche:
    """Cancels a tranche not yet sent to the bank; its entitlements are cancelled with it (kept, for the record)."""
    tranche = locked(tranche, "cancel", actor)
    if not reason.strip():
        raise ServiceError(_("Sebutkan alasan pembatalan."), field="reason")
    tranche.state, tranche.cancelled_reason = TrancheState.CANCELLED, reason.strip()
    tranche.save()
    cancelled = in_tranche(tranche, EntitlementState.DRAFT, EntitlementState.APPROVED)
    change_entitlements(
        tranche,
        cancelled,
        actor=actor,
        state=EntitlementState.CANCELLED,
        cancelled_reason=_("Tahap dibatalkan: %(reason)s") % {"reason": reason.strip()},
        cancelled_at=timezone.now(),
    )
    approved = [row for row in cancelled if row.state == EntitlementState.APPROVED]
    record_timeline(tranche, approved, _("dibatalkan"), actor=actor)
    return tranche


@transaction.atomic
def entitlement_cancel(*, actor: User, entitlement: Entitlement, reason: str) -> Entitlement:
    """Takes one person out of a tranche, with the reason: from a draft by its preparer; once approved and not yet
    sent, or failed at the bank (giving up its re-issue), by an approver. Kept for the record: filling the tranche
    again does not bring the person back (`entitlement_reinstate` does, while the tranche is a draft)."""
    if not reason.strip():
        raise ServiceError(_("Sebutkan alasan pembatalan."), field="reason")
    draft = Tranche.objects.filter(pk=entitlement.tranche_id, state=TrancheState.DRAFT).exists()  # re-checked locked
    tranche = locked(entitlement.tranche, "prepare" if draft else "cancel_entitlement", actor)
    cancellable = [EntitlementState.DRAFT] if draft else [EntitlementState.APPROVED, EntitlementState.FAILED]
    rows = in_tranche(tranche, *cancellable, pks=[entitlement.pk])
    if not rows:
        state = Entitlement.objects.get(pk=entitlement.pk).get_state_display()
        raise ServiceError(_("Hak bantuan berstatus %(state)s tidak dapat dibatalkan.") % {"state": state})
    change_entitlements(
        tranche,
        rows,
        actor=actor,
        state=EntitlementState.CANCELLED,
        cancelled_reason=reason.strip(),
        cancelled_at=timezone.now(),
    )
    if not draft:
        record_timeline(tranche, rows, _("dibatalkan"), actor=actor)
    return Entitlement.objects.get(pk=entitlement.pk)


@transaction.atomic
def entitlement_reinstate(*, actor: User, entitlement: Entitlement) -> Entitlement:
    """Puts a person taken out of a draft tranche back in it."""
    tranche = locked(entitlement.tranche, "prepare", actor)
    rows = in_tranche(tranche, EntitlementState.CANCELLED, pks=[entitlement.pk])
    if not rows:
        raise ServiceError(_("Hak bantuan ini tidak dibatalkan."))
    if (
        Entitlement.objects.filter(scheme_id=tranche.scheme_id, person_id=rows[0].person_id)
        .exclude(state=EntitlementState.CANCELLED)
        .exists()
    ):
        raise ServiceError(_("Orang ini sudah punya hak bantuan dalam skema ini."))
    change_entitlements(
        tranche, rows, actor=actor, state=EntitlementState.DRAFT, cancelled_reason="", cancelled_at=None
    )
    return Entitlement.objects.get(pk=entitlement.pk)
