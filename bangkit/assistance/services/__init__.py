"""Writes of the assistance app, by what they act on: schemes and tranches up to approval (`tranches`), paying a
cash tranche through the banks (`payments`), handing over in-kind packages (`handover`)."""

from bangkit.assistance.services.handover import (
    handover_receipt_attach,
    handover_receipt_save,
    handover_record,
)
from bangkit.assistance.services.payments import (
    bank_result_import,
    entitlement_reissue,
    payment_record,
    reference_for,
    tranche_close,
    tranche_send,
)
from bangkit.assistance.services.tranches import (
    SCHEME_FIELDS,
    entitlement_cancel,
    entitlement_reinstate,
    scheme_item_add,
    scheme_save,
    tranche_approve,
    tranche_cancel,
    tranche_create,
    tranche_fill,
    tranche_return,
    tranche_submit,
)

__all__ = [
    "SCHEME_FIELDS",
    "bank_result_import",
    "entitlement_cancel",
    "entitlement_reinstate",
    "entitlement_reissue",
    "handover_receipt_attach",
    "handover_receipt_save",
    "handover_record",
    "payment_record",
    "reference_for",
    "scheme_item_add",
    "scheme_save",
    "tranche_approve",
    "tranche_cancel",
    "tranche_close",
    "tranche_create",
    "tranche_fill",
    "tranche_return",
    "tranche_send",
    "tranche_submit",
]
