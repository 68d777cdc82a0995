"""Handing over an in-kind tranche: the Berita Acara Serah Terima (number, place, day), each recipient's items as
handed, and the scan of the receipt signed on paper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.assistance.choices import EntitlementState, SchemeKind
from bangkit.assistance.models import Entitlement, Handover, HandoverLine, HandoverReceipt, Tranche
from bangkit.assistance.services.base import change_entitlements, in_tranche, locked, record_timeline
from bangkit.audit.history import log_bulk_created
from bangkit.core.exceptions import ServiceError
from bangkit.core.uploads import checked_scan

# A receipt for 250 recipients runs to a dozen scanned pages.
RECEIPT_SCAN_MAX_BYTES = 20 * 1024 * 1024


def _in_kind(tranche: Tranche) -> None:
    if tranche.scheme.kind != SchemeKind.IN_KIND:
        raise ServiceError(_("Bantuan uang dibayar melalui bank, bukan diserahkan."))


def _checked_day(tranche: Tranche, day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(_("Tanggal serah terima tidak boleh di masa depan."), field=field)
    if tranche.decree_date and day < tranche.decree_date:
        raise ServiceError(_("Tanggal serah terima tidak boleh sebelum tanggal SK penerima."), field=field)


@transaction.atomic
def handover_receipt_save(
    *, actor: User, tranche: Tranche, number: str, place: str, handed_on: date
) -> HandoverReceipt:
    """Records (or corrects, also after closing) the handover's Berita Acara: its number, place and day, as printed
    on it."""
    tranche = locked(tranche, "attach_receipt", actor)
    _in_kind(tranche)
    if not number.strip():
        raise ServiceError(_("Isi nomor berita acara."), field="number")
    if not place.strip():
        raise ServiceError(_("Isi tempat serah terima."), field="place")
    _checked_day(tranche, handed_on, "handed_on")
    receipt = HandoverReceipt.objects.filter(tranche=tranche).first() or HandoverReceipt(tranche=tranche)
    receipt.number, receipt.place, receipt.handed_on = number.strip(), place.strip(), handed_on
    receipt.save()
    return receipt


@transaction.atomic
def handover_record(
    *,
    actor: User,
    tranche: Tranche,
    entitlements: Sequence[Entitlement],
    handed_on: date,
    quantities: Mapping[int, int] | None = None,
    note: str = "",
) -> int:
    """Records that each of `entitlements` was handed their package on `handed_on` by `actor`: the whole package,
    or `quantities` (item id → how many) when less was handed. Returns how many recipients were recorded."""
    tranche = locked(tranche, "hand_over", actor)
    _in_kind(tranche)
    _checked_day(tranche, handed_on, "handed_on")
    wanted = {entry.pk for entry in entitlements}
    if not wanted:
        raise ServiceError(_("Pilih penerima yang menerima paketnya."))
    waiting = in_tranche(tranche, EntitlementState.APPROVED, pks=wanted)
    if len(waiting) != len(wanted):
        raise ServiceError(
            _("%(count)d penerima yang dipilih bukan penerima tahap ini atau sudah menerima paketnya.")
            % {"count": len(wanted) - len(waiting)}
        )
    items = list(tranche.scheme.items.all())
    given = {item.pk: item.quantity for item in items}
    for item_id, quantity in (quantities or {}).items():
        if item_id not in given:
            raise ServiceError(_("Barang ini tidak ada dalam paket."), field="quantities")
        if not 0 <= quantity <= given[item_id]:
            raise ServiceError(
                _("Jumlah diserahkan harus antara 0 dan jumlah dalam paket (%(most)d).") % {"most": given[item_id]},
                field="quantities",
            )
        given[item_id] = quantity
    if not any(given.values()):
        raise ServiceError(_("Tidak ada barang yang diserahkan."), field="quantities")
    handovers = Handover.objects.bulk_create(
        [
            Handover(entitlement_id=row.pk, handed_on=handed_on, officer=actor, note=note.strip()[:300])
            for row in waiting
        ]
    )
    lines = HandoverLine.objects.bulk_create(
        [
            HandoverLine(handover=handover, item_id=item_id, quantity=quantity)
            for handover in handovers
            for item_id, quantity in given.items()
            if quantity
        ],
        batch_size=2000,
    )
    log_bulk_created(handovers, actor=actor)
    log_bulk_created(lines, actor=actor)
    change_entitlements(tranche, waiting, actor=actor, state=EntitlementState.PAID, paid_on=handed_on)
    record_timeline(tranche, waiting, _("paket diserahkan"), actor=actor)
    return len(waiting)


@transaction.atomic
def handover_receipt_attach(*, actor: User, tranche: Tranche, scan: UploadedFile) -> HandoverReceipt:
    """Attaches the scan of the Berita Acara as signed at the handover (PDF, JPEG or PNG)."""
    tranche = locked(tranche, "attach_receipt", actor)
    receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
    if receipt is None:
        raise ServiceError(_("Catat dulu nomor, tempat dan tanggal berita acaranya."), field="scan")
    receipt.signed_copy = checked_scan(scan, max_bytes=RECEIPT_SCAN_MAX_BYTES)
    receipt.signed_copy_by = actor
    receipt.save()
    return receipt
