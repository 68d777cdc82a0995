"""Paying a cash tranche: bank files, the banks' results, re-issue of failed payments, closing.

Every write here takes the tranche's row lock first, so that a result file, a re-issue and a sending of the same
tranche happen one after the other, and of fifty identical requests one has an effect and the others are told it
already happened. The last word on "paid once" is the database's: a partial unique index allows one paid payment
per entitlement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.assistance import bankfiles, selectors
from bangkit.assistance.choices import (
    EntitlementState,
    FailureReason,
    PaymentOutcome,
    ResultProblem,
    SchemeKind,
    TrancheState,
)
from bangkit.assistance.models import BankFile, BankResult, BankResultProblem, Entitlement, Payment, Tranche
from bangkit.assistance.services.base import change_entitlements, in_tranche, locked, record_timeline
from bangkit.audit.history import RowEntry, log_bulk_changed_rows, log_bulk_created, log_bulk_created_rows
from bangkit.core.bulk import insert_rows, update_rows
from bangkit.core.exceptions import ServiceError
from bangkit.core.expressions import Among
from bangkit.core.fields import digits_only
from bangkit.core.formatting import rupiah
from bangkit.registry.choices import BankAccountStatus
from bangkit.registry.models import BankAccount


def reference_for(entitlement_id: int, attempt: int) -> str:
    """The payment reference the bank echoes in its result file: the entitlement and the attempt."""
    return f"BKT{entitlement_id:09d}-{attempt}"


PAYMENT_COLUMNS = (
    "created_at",
    "updated_at",
    "entitlement",
    "attempt",
    "reference",
    "bank_file",
    "sequence",
    "bank_account",
    "account_number",
    "holder_name",
    "amount",
    "outcome",
    "bank_reference",
    "failure_code",
    "failure_reason",
)


@transaction.atomic
def tranche_send(*, actor: User, tranche: Tranche) -> list[BankFile]:
    """Makes the bank files of an approved cash tranche (one per bank) and marks its entitlements sent; on a tranche
    already sent, the same for the payments re-issued since, as a further round. Returns the files made."""
    first = Tranche.objects.filter(pk=tranche.pk, state=TrancheState.APPROVED).exists()  # the lock re-checks it
    tranche = locked(tranche, "send" if first else "resend", actor)
    if tranche.scheme.kind != SchemeKind.CASH:
        raise ServiceError(_("Bantuan barang diserahkan langsung, tidak dikirim ke bank."))
    recipients = in_tranche(tranche, EntitlementState.APPROVED)
    if not recipients:
        raise ServiceError(_("Tidak ada pembayaran yang menunggu dikirim dalam tahap ini."))
    accounts = {
        pk: (bank, status, digits_only(number), holder)
        for pk, bank, status, number, holder in BankAccount.objects.filter(
            Among("id", {row.bank_account_id for row in recipients})
        ).values_list("pk", "bank_id", "status", "account_number", "holder_name")
    }
    unverified = sum(1 for row in recipients if accounts[row.bank_account_id][1] != BankAccountStatus.VERIFIED)
    if unverified:
        raise ServiceError(
            _(
                "%(count)d rekening penerima tidak lagi terverifikasi; verifikasi ulang atau batalkan hak bantuannya "
                "sebelum mengirim."
            )
            % {"count": unverified}
        )
    round_number = (tranche.bank_files.order_by("-round").values_list("round", flat=True).first() or 0) + 1
    by_bank: dict[str, list[Any]] = defaultdict(list)
    for row in recipients:
        by_bank[accounts[row.bank_account_id][0]].append(row)
    files = BankFile.objects.bulk_create(
        [
            BankFile(
                tranche=tranche,
                bank_id=bank,
                round=round_number,
                lines=len(rows),
                control_total=sum(row.amount for row in rows),
                sha256="",
                created_by=actor,
            )
            for bank, rows in sorted(by_bank.items())
        ]
    )
    lines = _write_payments(files, by_bank, accounts, actor=actor)
    for bank_file in files:
        # The checksum of the bytes the download view will rebuild: the same function, from the same values.
        bank_file.sha256 = bankfiles.sha256(selectors.bank_file_bytes(bank_file, lines[bank_file.pk]))
    BankFile.objects.bulk_update(files, ["sha256"])
    log_bulk_created(files, actor=actor)
    change_entitlements(tranche, recipients, actor=actor, state=EntitlementState.SENT)
    if first:
        tranche.state = TrancheState.SENT
        tranche.save()
    record_timeline(tranche, recipients, _("dikirim ke bank"), actor=actor)
    return files


def _write_payments(
    files: Sequence[BankFile],
    by_bank: Mapping[str, Sequence[Any]],
    accounts: Mapping[int, tuple[str, str, str, str]],
    *,
    actor: Any,
) -> dict[int, list[bankfiles.PaymentLine]]:
    """The files' payments, one per recipient row, with their account as it is now, and their history; returns
    each file's lines as its bytes show them."""
    stamp = Payment._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    encrypted = Payment._meta.get_field("account_number")
    lines = [
        (bank_file, sequence, row)
        for bank_file in files
        for sequence, row in enumerate(by_bank[bank_file.bank_id], start=1)
    ]
    insert_rows(
        Payment,
        PAYMENT_COLUMNS,
        [
            (
                stamp,
                stamp,
                row.pk,
                row.attempt,
                reference_for(row.pk, row.attempt),
                bank_file.pk,
                sequence,
                row.bank_account_id,
                encrypted.get_db_prep_save(accounts[row.bank_account_id][2], connection),
                accounts[row.bank_account_id][3],
                row.amount,
                PaymentOutcome.PENDING,
                "",
                "",
                "",
            )
            for bank_file, sequence, row in lines
        ],
    )
    written = dict(Payment.objects.filter(bank_file__in=files).values_list("reference", "pk"))
    log_bulk_created_rows(
        Payment,
        (
            RowEntry(
                written[reference],
                reference,
                row.region,
                {
                    "entitlement_id": row.pk,
                    "attempt": row.attempt,
                    "reference": reference,
                    "bank_file_id": bank_file.pk,
                    "sequence": sequence,
                    "bank_account_id": row.bank_account_id,
                    "account_number": accounts[row.bank_account_id][2],
                    "holder_name": accounts[row.bank_account_id][3],
                    "amount": row.amount,
                    "outcome": PaymentOutcome.PENDING,
                },
            )
            for bank_file, sequence, row in lines
            for reference in (reference_for(row.pk, row.attempt),)
        ),
        actor=actor,
    )
    file_lines: dict[int, list[bankfiles.PaymentLine]] = defaultdict(list)
    for bank_file, sequence, row in lines:
        number, holder = accounts[row.bank_account_id][2:]
        file_lines[bank_file.pk].append((sequence, number, holder, row.amount, reference_for(row.pk, row.attempt)))
    return file_lines


@transaction.atomic
def entitlement_reissue(*, actor: User, entitlement: Entitlement) -> Entitlement:
    """Puts a failed payment back in line for the next sending, to the person's account as corrected and verified
    again since the failure: the same entitlement, its next attempt — never a second entitlement."""
    tranche = locked(entitlement.tranche, "resend", actor)
    rows = in_tranche(tranche, EntitlementState.FAILED, pks=[entitlement.pk])
    if not rows:
        raise ServiceError(_("Hanya pembayaran yang gagal yang dapat dikirim ulang."))
    row = rows[0]
    failed = Payment.objects.get(entitlement_id=row.pk, attempt=row.attempt)
    # Verified again since the failed payment went to the bank (a bank may phone before its result file arrives).
    account = (
        BankAccount.objects.filter(
            person_id=row.person_id, status=BankAccountStatus.VERIFIED, verified_at__gt=failed.created_at
        )
        .order_by("-is_primary", "-verified_at")
        .first()
    )
    if account is None:
        raise ServiceError(
            _(
                "Rekening penerima belum diperbaiki dan diverifikasi ulang sejak pembayaran gagal (%(reason)s). "
                "Perbaiki rekeningnya di data orang, verifikasi, lalu kirim ulang."
            )
            % {"reason": failed.get_failure_code_display()}
        )
    change_entitlements(
        tranche,
        rows,
        actor=actor,
        state=EntitlementState.APPROVED,
        attempt=row.attempt + 1,
        bank_account_id=account.pk,
        failure_reason="",
    )
    record_timeline(tranche, rows, _("dikirim ulang setelah rekening diperbaiki"), actor=actor)
    return Entitlement.objects.get(pk=row.pk)


# --- results ---------------------------------------------------------------------------------------------------

# A payment as matching a result line reads it.
PAYMENT_FIELDS = (
    "pk",
    "reference",
    "entitlement_id",
    "attempt",
    "amount",
    "outcome",
    "bank_reference",
    "settled_on",
    "failure_code",
    "failure_reason",
    "result_id",
    "tranche",
    "tranche_number",
    "current_attempt",
    "region",
)


def _payments(payments: QuerySet[Payment]) -> QuerySet[Any]:
    return payments.annotate(
        tranche=F("bank_file__tranche"),
        tranche_number=F("bank_file__tranche__number"),
        current_attempt=F("entitlement__attempt"),
        region=F("entitlement__person__region"),
    ).values_list(*PAYMENT_FIELDS, named=True)


class _Settlement(NamedTuple):
    """What one result line does to its payment and entitlement, checked before anything is written."""

    line: bankfiles.ResultLine
    payment: Any
    settled_on: date


def _problem(line: bankfiles.ResultLine, payment: Any, tranche: Tranche) -> tuple[str, str] | None:
    """(kind, detail) when `line` may change nothing, else None."""
    if line.error:
        return ResultProblem.UNREADABLE, line.error
    if line.settled_on and line.settled_on > timezone.localdate():
        return ResultProblem.UNREADABLE, _("tanggal %(day)s di masa depan") % {"day": line.settled_on.isoformat()}
    if payment is None:
        return ResultProblem.UNKNOWN_REFERENCE, ""
    if payment.tranche != tranche.pk:
        return ResultProblem.OTHER_TRANCHE, _("tahap %(number)d") % {"number": payment.tranche_number}
    if line.amount is not None and line.amount != payment.amount:
        return ResultProblem.AMOUNT_MISMATCH, _("dikirim %(sent)s, bank menyebut %(said)s") % {
            "sent": rupiah(payment.amount),
            "said": rupiah(line.amount),
        }
    if payment.outcome != PaymentOutcome.PENDING:
        return ResultProblem.ALREADY_SETTLED, _("sudah tercatat %(outcome)s") % {
            "outcome": str(PaymentOutcome(payment.outcome).label).lower()
        }
    if payment.attempt != payment.current_attempt:
        return ResultProblem.SUPERSEDED, _("pengiriman ke-%(attempt)d diganti pengiriman ke-%(current)d") % {
            "attempt": payment.attempt,
            "current": payment.current_attempt,
        }
    return None


@transaction.atomic
def bank_result_import(*, actor: User, tranche: Tranche, filename: str, content: bytes) -> BankResult:
    """Records a bank's result file for a sent tranche. Each line is matched by its reference; a line that is
    unreadable, unknown, of another tranche, of a different amount, already settled or superseded by a re-issue
    changes nothing and is listed as a problem of this import. The same file twice is refused."""
    tranche = locked(tranche, "record_results", actor)
    digest = bankfiles.sha256(content)
    earlier = tranche.bank_results.filter(sha256=digest).first()
    if earlier is not None:
        raise ServiceError(
            _("Berkas ini sudah diimpor pada %(when)s (%(name)s).")
            % {"when": timezone.localtime(earlier.created_at).strftime("%d-%m-%Y %H:%M"), "name": earlier.filename},
            field="file",
        )
    try:
        lines = bankfiles.parse_result_file(content)
    except ValueError as exc:
        raise ServiceError(str(exc), field="file") from exc
    if not lines:
        raise ServiceError(_("Berkas hasil tidak berisi baris."), field="file")
    result = BankResult.objects.create(
        tranche=tranche, filename=filename[:200], sha256=digest, imported_by=actor, lines=len(lines)
    )
    references = {line.reference for line in lines if line.reference}
    payments = {
        payment.reference: payment for payment in _payments(Payment.objects.filter(Among("reference", references)))
    }
    today, seen = timezone.localdate(), set()
    problems, settlements = [], []
    for line in lines:
        payment = payments.get(line.reference)
        if line.reference and line.reference in seen:
            problem: tuple[str, str] | None = (ResultProblem.REPEATED, "")
        else:
            problem = _problem(line, payment, tranche)
        seen.add(line.reference)
        if problem is not None:
            kind, detail = problem
            problems.append(
                BankResultProblem(result=result, line=line.line, reference=line.reference, kind=kind, detail=detail)
            )
        else:
            settlements.append(_Settlement(line, payment, line.settled_on or today))
    _settle(tranche, settlements, result=result, actor=actor)
    created = BankResultProblem.objects.bulk_create(problems, batch_size=2000)
    log_bulk_created(created, actor=actor)
    result.paid = sum(1 for item in settlements if item.line.outcome == PaymentOutcome.PAID)
    result.failed = len(settlements) - result.paid
    result.problems = len(problems)
    result.save()
    return result


def _settle(tranche: Tranche, settlements: Sequence[_Settlement], *, result: BankResult | None, actor: Any) -> None:
    """Writes the outcomes to payments and their entitlements, with history and timeline lines."""
    if not settlements:
        return
    result_id = result.pk if result else None
    stamp = Payment._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    try:
        with transaction.atomic():
            update_rows(
                Payment,
                ("outcome", "bank_reference", "settled_on", "failure_code", "failure_reason", "result", "updated_at"),
                [
                    (
                        item.payment.pk,
                        item.line.outcome,
                        item.line.bank_reference,
                        item.settled_on,
                        item.line.failure_code,
                        item.line.reason,
                        result_id,
                        stamp,
                    )
                    for item in settlements
                ],
            )
    except IntegrityError as exc:  # a "paid" raced past the checks: the partial unique index stopped it
        raise ServiceError(_("Sebagian pembayaran sudah tercatat dibayar; impor ulang berkasnya.")) from exc
    log_bulk_changed_rows(
        Payment,
        (
            RowEntry(
                item.payment.pk,
                item.payment.reference,
                item.payment.region,
                {
                    "outcome": (item.payment.outcome, item.line.outcome),
                    "bank_reference": (item.payment.bank_reference, item.line.bank_reference),
                    "settled_on": (item.payment.settled_on, item.settled_on),
                    "failure_code": (item.payment.failure_code, item.line.failure_code),
                    "failure_reason": (item.payment.failure_reason, item.line.reason),
                    "result_id": (item.payment.result_id, result_id),
                },
            )
            for item in settlements
        ),
        actor=actor,
    )
    recipients = {
        row.pk: row
        for row in in_tranche(tranche, EntitlementState.SENT, pks=[item.payment.entitlement_id for item in settlements])
    }
    paid: dict[date, list[Any]] = defaultdict(list)
    failed: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for item in settlements:
        row = recipients[item.payment.entitlement_id]
        if item.line.outcome == PaymentOutcome.PAID:
            paid[item.settled_on].append(row)
        else:
            failed[(item.line.failure_code, item.line.reason)].append(row)
    for day, rows in sorted(paid.items()):
        change_entitlements(tranche, rows, actor=actor, state=EntitlementState.PAID, paid_on=day)
        record_timeline(tranche, rows, _("dibayar"), actor=actor)
    for (code, reason), rows in failed.items():
        label = str(FailureReason(code).label)
        change_entitlements(tranche, rows, actor=actor, state=EntitlementState.FAILED, failure_reason=reason or label)
        record_timeline(tranche, rows, _("gagal dibayar (%(reason)s)") % {"reason": label}, actor=actor)


@transaction.atomic
def payment_record(
    *,
    actor: User,
    payment: Payment,
    outcome: str,
    settled_on: date,
    bank_reference: str = "",
    failure_code: str = "",
    reason: str = "",
) -> Payment:
    """Records one payment's outcome as the bank reported it outside a result file (a letter, a statement line):
    the same checks and effects as a line of a result file."""
    tranche = locked(payment.bank_file.tranche, "record_results", actor)
    line = bankfiles.ResultLine(
        line=0,
        reference=payment.reference,
        outcome=outcome,
        bank_reference=bank_reference.strip()[:60],
        settled_on=settled_on,
        failure_code=failure_code if outcome == PaymentOutcome.FAILED else "",
        reason=reason.strip()[:200],
    )
    if outcome == PaymentOutcome.PAID and not line.bank_reference:
        raise ServiceError(_("Isi referensi bank pembayaran ini."), field="bank_reference")
    if outcome == PaymentOutcome.FAILED and line.failure_code not in FailureReason.values:
        raise ServiceError(_("Pilih alasan gagal."), field="failure_code")
    if outcome not in (PaymentOutcome.PAID, PaymentOutcome.FAILED):
        raise ServiceError(_("Pilih dibayar atau gagal."), field="outcome")
    if settled_on > timezone.localdate():
        raise ServiceError(_("Tanggal hasil tidak boleh di masa depan."), field="settled_on")
    row = _payments(Payment.objects.filter(pk=payment.pk)).get()
    problem = _problem(line, row, tranche)
    if problem is not None:
        raise ServiceError(_("Tidak dicatat: %(problem)s.") % {"problem": ResultProblem(problem[0]).label.lower()})
    _settle(tranche, [_Settlement(line, row, settled_on)], result=None, actor=actor)
    return Payment.objects.get(pk=payment.pk)


@transaction.atomic
def tranche_close(*, actor: User, tranche: Tranche) -> Tranche:
    """Closes a tranche once nothing in it is waiting: every payment answered by the bank (cash) or every recipient
    handed their package (in kind). Failed payments not re-issued stay failed, on the record."""
    tranche = locked(tranche, "close", actor)
    cash = tranche.scheme.kind == SchemeKind.CASH
    if cash and tranche.state != TrancheState.SENT:
        raise ServiceError(_("Tahap bantuan uang ditutup setelah dikirim ke bank."))
    if not cash and tranche.state != TrancheState.APPROVED:
        raise ServiceError(_("Tahap ini tidak dapat ditutup sekarang."))
    waiting = tranche.entitlements.filter(
        state__in=[EntitlementState.APPROVED, EntitlementState.SENT]
        if cash
        else [EntitlementState.APPROVED, EntitlementState.DRAFT]
    ).count()
    if waiting:
        message = (
            _("%(count)d penerima masih menunggu hasil bank atau pengiriman ulang.")
            if cash
            else _("%(count)d penerima belum menerima paketnya; catat serah terimanya atau batalkan haknya.")
        )
        raise ServiceError(message % {"count": waiting})
    tranche.state = TrancheState.CLOSED
    tranche.save()
    return tranche
