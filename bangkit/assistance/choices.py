from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    CASH = "cash", _("Uang tunai ke rekening")
    IN_KIND = "in_kind", _("Barang (paket peralatan)")


class TrancheState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    SENT = "sent", _("Dikirim ke bank")
    CLOSED = "closed", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class EntitlementState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    APPROVED = "approved", _("Disetujui")
    SENT = "sent", _("Dikirim ke bank")
    PAID = "paid", _("Dibayar")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


# Entitlements that still count against the scheme's budget ceiling.
COMMITTED = frozenset(
    {EntitlementState.APPROVED, EntitlementState.SENT, EntitlementState.PAID, EntitlementState.FAILED}
)


class PaymentOutcome(models.TextChoices):
    PENDING = "pending", _("Menunggu hasil bank")
    PAID = "paid", _("Dibayar")
    FAILED = "failed", _("Gagal")


class FailureReason(models.TextChoices):
    """The reasons a bank gives for a failed transfer, as coded in the result file (docs: bank files)."""

    ACCOUNT_CLOSED = "closed", _("Rekening ditutup")
    ACCOUNT_DORMANT = "dormant", _("Rekening pasif/dibekukan")
    INVALID_ACCOUNT = "invalid", _("Nomor rekening tidak valid")
    NAME_MISMATCH = "name", _("Nama tidak cocok dengan rekening")
    OTHER = "other", _("Lainnya")


class ResultProblem(models.TextChoices):
    """Why a line of a bank's result file changed nothing: each is listed on the reconciliation, never dropped."""

    UNREADABLE = "unreadable", _("Baris tidak terbaca")
    UNKNOWN_REFERENCE = "unknown", _("Referensi tidak dikenal")
    OTHER_TRANCHE = "other_tranche", _("Referensi milik tahap lain")
    AMOUNT_MISMATCH = "amount", _("Nilai berbeda dari yang dikirim")
    ALREADY_SETTLED = "settled", _("Sudah tercatat sebelumnya")
    SUPERSEDED = "superseded", _("Pengiriman ini sudah diganti pengiriman ulang")
    REPEATED = "repeated", _("Referensi muncul lebih dari sekali dalam berkas")
