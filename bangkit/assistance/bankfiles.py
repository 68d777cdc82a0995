"""The bank file layouts: the payment file Bangkit writes for a bank, and the result file it reads back.
Both are documented for banks and finance officers in docs/user-guide (Berkas bank / Bank files).

Payment file — CSV, UTF-8 (ASCII in practice), comma-separated, CRLF line ends, no header row of titles:

    H,<bank code>,<file id>,<date YYYY-MM-DD>,<lines>,<control total>
    D,<sequence>,<account number>,<holder name>,<amount>,<reference>
    ...
    T,<lines>,<control total>

Amounts are whole rupiah with no separators. Holder names are upper case ASCII. The same payments give the same
bytes: the file is rebuilt from what was recorded when it was made, never from the accounts as they are now.

Result file — CSV with a header row naming at least `reference` and `status` (PAID or FAILED; BERHASIL or GAGAL are
read too), and `amount`, `bank_reference`, `date` (YYYY-MM-DD or DD/MM/YYYY), `reason_code` (closed, dormant,
invalid, name, other) and `reason` where known. Column names are matched without regard to case or spaces.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from bangkit.assistance.choices import FailureReason, PaymentOutcome

PAID_WORDS = {"PAID", "BERHASIL", "SUKSES", "SUCCESS"}
FAILED_WORDS = {"FAILED", "GAGAL", "FAIL", "REJECTED", "DITOLAK"}


def bank_name(text: str) -> str:
    """A holder name as banks' bulk-transfer systems take it: upper case ASCII, single spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.upper().split())


# (sequence, account number, holder name, amount, reference)
PaymentLine = tuple[int, str, str, int, str]


def render_payment_file(*, bank_code: str, file_id: str, made_on: date, lines: Iterable[PaymentLine]) -> bytes:
    """The payment file's bytes; `lines` are (sequence, account number, holder name, amount, reference)."""
    details = [
        ("D", sequence, account, bank_name(holder), amount, reference)
        for sequence, account, holder, amount, reference in lines
    ]
    total = sum(line[4] for line in details)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("H", bank_code, file_id, made_on.isoformat(), len(details), total))
    writer.writerows(details)
    writer.writerow(("T", len(details), total))
    return out.getvalue().encode("utf-8")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class ResultLine:
    """One line of a bank's result file as read; `error` says why it could not be read."""

    line: int
    reference: str = ""
    outcome: str = ""
    amount: int | None = None
    bank_reference: str = ""
    settled_on: date | None = None
    failure_code: str = ""
    reason: str = ""
    error: str = ""


_COLUMNS = {"reference", "status", "amount", "bank_reference", "date", "reason_code", "reason"}


def _column(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


@lru_cache(maxsize=256)
def _day(text: str) -> date | None:
    """A result date in any of the layouts banks use; cached, since a file's lines share a few dates."""
    for layout in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def parse_result_file(content: bytes) -> list[ResultLine]:
    """Every data line of a result file, read or with the reason it could not be. Raises ValueError when the file
    as a whole is not a result file (no header with `reference` and `status`)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    names = [_column(name) for name in header or []]
    if "reference" not in names or "status" not in names:
        raise ValueError(_("Baris pertama berkas hasil harus menamai kolom, sekurang-kurangnya reference dan status."))
    position = {name: index for index, name in enumerate(names) if name in _COLUMNS}
    parsed = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[index].strip() if index < len(row) else "") for name, index in position.items()}
        parsed.append(_read_line(number, cells))
    return parsed


def _read_line(number: int, cells: dict[str, str]) -> ResultLine:
    line = ResultLine(line=number, reference=cells.get("reference", "")[:60])
    status = cells.get("status", "").upper()
    if not line.reference:
        line.error = _("referensi kosong")
        return line
    if status in PAID_WORDS:
        line.outcome = PaymentOutcome.PAID
    elif status in FAILED_WORDS:
        line.outcome = PaymentOutcome.FAILED
    else:
        line.error = _("status %(status)r bukan PAID atau FAILED") % {"status": cells.get("status", "")}
        return line
    amount = cells.get("amount", "").replace(".", "").replace(",", "")
    if amount:
        if not amount.isdigit():
            line.error = _("nilai %(amount)r bukan rupiah utuh") % {"amount": cells.get("amount", "")}
            return line
        line.amount = int(amount)
    line.bank_reference = cells.get("bank_reference", "")[:60]
    day = cells.get("date", "")
    line.settled_on = _day(day) if day else None
    if day and line.settled_on is None:
        line.error = _("tanggal %(day)r tidak terbaca") % {"day": day}
        return line
    line.reason = cells.get("reason", "")[:200]
    code = cells.get("reason_code", "").lower()
    if line.outcome == PaymentOutcome.FAILED:
        line.failure_code = code if code in FailureReason.values else FailureReason.OTHER
    elif not line.bank_reference:
        line.error = _("pembayaran berhasil tanpa referensi bank")
    return line
