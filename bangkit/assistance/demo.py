"""Demo assistance: what the two seed events gave their participants (DOMAIN.md, "The two events in the seeds").

- Kupang 2019: the Directorate's stimulus of Rp 900.000 to each of the 250 participants of the Bimsos of
  13 November 2019, paid into their own accounts (most at Bank NTT, the others at BRI): Rp 225.000.000 in all.
  The Kupang finance officer prepares the tranche, the second finance officer approves it under the decree (SK
  penerima), the banks' result files come back with four failed transfers (an account closed, a number mistyped, a
  holder name spelt otherwise than at the bank, a dormant account); the case worker and the finance officer correct
  and verify those accounts again, the four payments are re-issued, sent in a second round and paid, and the
  tranche is closed: 250 paid once each, the reconciliation balanced.
- Indramayu 2018: Dinas Sosial Kabupaten Indramayu's starter kit for baking *kue kering* (oven, stove, mixer, trays,
  scale, moulds, jars), handed to each of the 20 trainees at the close of the training on 10 April 2018 at RSBM
  Tunas Mandiri against a Berita Acara Serah Terima; the tranche is closed.

Everything goes through the services, acting as the demo user who would have done it, with the days of 2018 and
2019 the papers carry: decrees, bank results, handover. The participants' consents and accounts were recorded when
they were registered (`bangkit.programs.demo`). A scheme already there is left alone, whatever a demo user did to it
since, so loading again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from auditlog.context import set_actor
from django.db import transaction

from bangkit.accounts.demo import demo_approver_email
from bangkit.accounts.models import User
from bangkit.accounts.roles import APPROVE_TRANCHE, SEND_TRANCHE, VERIFY_BANK_ACCOUNT, Role
from bangkit.assistance import selectors, services
from bangkit.assistance.choices import EntitlementState, FailureReason, SchemeKind
from bangkit.assistance.models import BankFile, Entitlement, Scheme, Tranche
from bangkit.assistance.workflow import PREPARE_TRANCHE
from bangkit.core.formatting import rupiah
from bangkit.core.scoping import covers
from bangkit.programs.demo import INDRAMAYU_2018, KUPANG_2019, find_demo_event
from bangkit.programs.models import Event
from bangkit.regions.models import Region
from bangkit.registry.choices import VerificationMethod
from bangkit.registry.demo import demo_history, demo_organisation, demo_user_holding
from bangkit.registry.models import BankAccount
from bangkit.registry.services.bank_accounts import (
    bank_account_create,
    bank_account_mark_invalid,
    bank_account_update,
    bank_account_verify,
)

RESULT_HEADER = "reference,status,amount,bank_reference,date,reason_code,reason\r\n"


# --- Kupang 2019 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFailure:
    """A transfer the bank sent back, and how the account was put right before the second round."""

    bank: str  # Bank Indonesia code of the bank that reports it
    place: float  # where among that bank's payments of the first round (0-1): the same people on every machine
    code: str  # FailureReason, as the bank codes it
    reason: str  # the bank's words
    fix: str  # "new_account", "number", "holder" or "reactivated"


KUPANG_SCHEME = "Bantuan Stimulan Usaha WNI-M KPO 2019, Kabupaten Kupang"
KUPANG_LEGAL_BASIS = (
    "UU No. 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang, Pasal 51; Permensos No. 1 Tahun "
    "2019 tentang Penyaluran Belanja Bantuan Sosial di Lingkungan Kementerian Sosial"
)
# The Directorate's decree naming the 250, a few days after the Bimsos they had to complete.
KUPANG_DECREE = ("45/3.4/BS.01.02/11/2019", date(2019, 11, 18))
# When each bank's result file says the transfers were made: the first round, then the re-issued four.
KUPANG_FIRST_RESULTS = {"130": date(2019, 11, 21), "002": date(2019, 11, 22)}
KUPANG_SECOND_RESULTS = date(2019, 12, 10)
KUPANG_FAILURES = (
    DemoFailure("130", 0.2, FailureReason.ACCOUNT_CLOSED, "Rekening sudah ditutup", "new_account"),
    DemoFailure("130", 0.65, FailureReason.INVALID_ACCOUNT, "Nomor rekening tidak terdaftar", "number"),
    DemoFailure("002", 0.3, FailureReason.NAME_MISMATCH, "Nama penerima tidak sesuai dengan nama rekening", "holder"),
    DemoFailure("002", 0.8, FailureReason.ACCOUNT_DORMANT, "Rekening pasif 12 bulan", "reactivated"),
)
_BANK_PREFIX = {"130": "NTT", "002": "BRI"}


@dataclass(frozen=True)
class _KupangCast:
    planner: User  # the Directorate's program officer, who sets the scheme up
    maker: User  # Dinsos Kabupaten Kupang's finance officer: prepares, sends, imports, verifies accounts
    checker: User  # its second finance officer: approves
    worker: User  # the LKS case worker who registered the participants and corrects their accounts


def _approver(slug: str, region_code: str) -> User | None:
    """The organisation's second demo finance officer, if still active and approving in `region_code`."""
    user = User.objects.filter(email=demo_approver_email(slug), is_active=True).first()
    if user is None or not covers(user.jurisdiction_codes(APPROVE_TRANCHE), region_code):
        return None
    return user


def _kupang_cast() -> _KupangCast | None:
    planner = demo_user_holding("rsts", Role.PROGRAM_OFFICER, "assistance.add_scheme", "53.01")
    maker = demo_user_holding("dinsos-kupang", Role.FINANCE_OFFICER, PREPARE_TRANCHE, "53.01")
    checker = _approver("dinsos-kupang", "53.01")
    worker = demo_user_holding("lks-rpk", Role.CASE_WORKER, "registry.change_bankaccount", "53.01")
    if planner is None or maker is None or checker is None or worker is None:
        return None
    if not all(covers(maker.jurisdiction_codes(needed), "53.01") for needed in (SEND_TRANCHE, VERIFY_BANK_ACCOUNT)):
        return None
    return _KupangCast(planner=planner, maker=maker, checker=checker, worker=worker)


def _result_file(lines: Iterable[tuple[str, str, int, str, date, str, str]]) -> bytes:
    """A bank's result file (`bankfiles` layout): reference, status, amount, bank reference, date, reason."""
    rows = [
        f"{reference},{status},{amount},{bank_reference},{day.isoformat()},{code},{reason}\r\n"
        for reference, status, amount, bank_reference, day, code, reason in lines
    ]
    return (RESULT_HEADER + "".join(rows)).encode()


def _bank_reference(bank: str, day: date, sequence: int) -> str:
    return f"{_BANK_PREFIX.get(bank, 'TRF' + bank)}{day:%Y%m%d}{sequence:05d}"


def _import_results(
    maker: User, tranche: Tranche, files: list[BankFile], *, paid_on: dict[str, date], failures: tuple[DemoFailure, ...]
) -> dict[int, DemoFailure]:
    """One result file per bank file, as each bank sends it back: every payment paid on the bank's day, but those
    that `failures` place in it. Returns the failed entitlements (id → failure)."""
    failed: dict[int, DemoFailure] = {}
    for bank_file in files:
        payments = list(bank_file.payments.order_by("sequence").values_list("reference", "amount", "entitlement_id"))
        day = paid_on[bank_file.bank_id]
        failing = {
            int(failure.place * len(payments)): failure for failure in failures if failure.bank == bank_file.bank_id
        }
        lines = []
        for position, (reference, amount, entitlement_id) in enumerate(payments):
            failure = failing.get(position)
            if failure is None:
                bank_reference = _bank_reference(bank_file.bank_id, day, position + 1)
                lines.append((reference, "PAID", amount, bank_reference, day, "", ""))
            else:
                lines.append((reference, "FAILED", amount, "", day, failure.code, failure.reason))
                failed[entitlement_id] = failure
        prefix = _BANK_PREFIX.get(bank_file.bank_id, bank_file.bank_id)
        services.bank_result_import(
            actor=maker,
            tranche=tranche,
            filename=f"HASIL_{prefix}_TAHAP{tranche.number}_KIRIM{bank_file.round}_{day:%Y%m%d}.csv",
            content=_result_file(lines),
        )
    return failed


def _corrected_number(number: str) -> str:
    """The number as on the passbook, of which the recorded one had two neighbouring digits swapped."""
    digits = list(number)
    for position in range(len(digits) - 2, 0, -1):
        if digits[position] != digits[position + 1]:
            digits[position], digits[position + 1] = digits[position + 1], digits[position]
            return "".join(digits)
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _passbook_name(holder: str) -> str:
    """The holder as the bank has it: without the middle names typed at registration, or with the initial of a
    baptismal name the registration left out."""
    words = holder.split()
    if len(words) >= 3:
        return f"{words[0]} {words[-1]}"
    return f"{words[0]} M. {' '.join(words[1:])}".strip()


def _new_account_number(seed: str) -> str:
    rng = random.Random(f"kupang-2019-new-account-{seed}")
    return f"2031 {rng.randint(100, 9999):04d} {rng.randint(0, 9999):04d} {rng.randint(10, 99)}"


def _correct_accounts(cast: _KupangCast, failed: dict[int, DemoFailure]) -> None:
    """What the office does with each failure before the second round: the finance officer marks closed and
    dormant accounts invalid, the case worker records the new account or the passbook's number or spelling, and the
    finance officer verifies the account again from the passbook or the bank's letter."""
    entitlements = list(
        Entitlement.objects.filter(pk__in=failed).select_related("person", "bank_account__bank").order_by("pk")
    )
    to_verify: list[tuple[BankAccount, str]] = []
    with set_actor(cast.maker):
        for entry in entitlements:
            failure = failed[entry.pk]
            assert entry.bank_account is not None  # a cash entitlement is paid to an account
            if failure.fix in ("new_account", "reactivated"):
                bank_account_mark_invalid(
                    actor=cast.maker, account=entry.bank_account, reason=f"{failure.reason} (hasil transfer tahap 1)"
                )
    with set_actor(cast.worker):
        for entry in entitlements:
            failure, account = failed[entry.pk], entry.bank_account
            assert account is not None  # a cash entitlement is paid to an account
            if failure.fix == "new_account":
                new = bank_account_create(
                    actor=cast.worker,
                    person=entry.person,
                    bank=account.bank,
                    account_number=_new_account_number(entry.person.full_name),
                    holder_name=account.holder_name,
                    is_primary=True,
                )
                to_verify.append((new, VerificationMethod.PASSBOOK))
            elif failure.fix == "number":
                fixed = bank_account_update(
                    actor=cast.worker, account=account, account_number=_corrected_number(account.account_number)
                )
                to_verify.append((fixed, VerificationMethod.PASSBOOK))
            elif failure.fix == "holder":
                fixed = bank_account_update(
                    actor=cast.worker, account=account, holder_name=_passbook_name(account.holder_name)
                )
                to_verify.append((fixed, VerificationMethod.PASSBOOK))
            else:  # reactivated at the branch: the same account, confirmed by the bank's letter
                to_verify.append((account, VerificationMethod.BANK_LETTER))
    with set_actor(cast.maker):
        for account, method in to_verify:
            account.refresh_from_db()
            bank_account_verify(
                actor=cast.maker, account=account, method=method, confirm_name_mismatch=account.name_mismatch
            )


def _kupang_scheme(cast: _KupangCast, event: Event) -> Scheme:
    organisation = demo_organisation("rsts")
    with set_actor(cast.planner):
        return services.scheme_save(
            actor=cast.planner,
            name=KUPANG_SCHEME,
            legal_basis=KUPANG_LEGAL_BASIS,
            organisation=organisation,
            region=Region.objects.get(pk="53.01"),
            year=2019,
            kind=SchemeKind.CASH,
            amount_per_person=900_000,
            budget_ceiling=225_000_000,
            completed_event=event,
            require_verified_account=True,
            require_consent=True,
        )


def load_kupang() -> str:
    label = KUPANG_2019.label
    if Scheme.objects.filter(name=KUPANG_SCHEME, year=2019).exists():
        return f"{label}: already there"
    event = find_demo_event(KUPANG_2019)
    if event is None:
        return f"{label}: left out (its event is not loaded)"
    cast = _kupang_cast()
    if cast is None or demo_organisation("rsts") is None:
        return f"{label}: left out (a demo user who works it is missing, inactive or without a grant there)"
    number, decree_date = KUPANG_DECREE
    with transaction.atomic():
        scheme = _kupang_scheme(cast, event)
        with set_actor(cast.maker):
            tranche = services.tranche_create(actor=cast.maker, scheme=scheme)
            listed = services.tranche_fill(actor=cast.maker, tranche=tranche, on=decree_date)
            if not listed:  # participants registered before their accounts and consents were part of the demo
                transaction.set_rollback(True)
                return f"{label}: left out (none of its participants has a verified account and a consent)"
            services.tranche_submit(actor=cast.maker, tranche=tranche)
    with set_actor(cast.checker):
        services.tranche_approve(actor=cast.checker, tranche=tranche, decree_number=number, decree_date=decree_date)
    with set_actor(cast.maker):
        files = services.tranche_send(actor=cast.maker, tranche=tranche)
        failed = _import_results(cast.maker, tranche, files, paid_on=KUPANG_FIRST_RESULTS, failures=KUPANG_FAILURES)
    _correct_accounts(cast, failed)
    with set_actor(cast.maker):
        for entry in Entitlement.objects.filter(pk__in=failed).select_related("tranche").order_by("pk"):
            services.entitlement_reissue(actor=cast.maker, entitlement=entry)
        again = services.tranche_send(actor=cast.maker, tranche=tranche)
        second_round = {bank_file.bank_id: KUPANG_SECOND_RESULTS for bank_file in again}
        _import_results(cast.maker, tranche, again, paid_on=second_round, failures=())
        services.tranche_close(actor=cast.maker, tranche=tranche)
    figures = selectors.reconciliation(Tranche.objects.get(pk=tranche.pk))
    return (
        f"{label}: {scheme.name}, tranche of {listed} under SK {number}: {figures.paid.people} paid, "
        f"{rupiah(figures.paid.rupiah)} ({len(failed)} after a failed transfer was re-issued), reconciliation "
        f"{'balanced' if figures.balanced else 'NOT balanced'}, tranche closed"
    )


# --- Indramayu 2018 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoItem:
    name: str
    quantity: int
    unit: str
    unit_value: int


INDRAMAYU_SCHEME = "Bantuan Peralatan Usaha Kue Kering Korban Trafficking 2018, Kabupaten Indramayu"
INDRAMAYU_LEGAL_BASIS = (
    "UU No. 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang, Pasal 51; Permendagri No. 32 "
    "Tahun 2011 jo. Permendagri No. 14 Tahun 2016 tentang Pedoman Pemberian Hibah dan Bantuan Sosial yang "
    "Bersumber dari APBD"
)
# A kit to bake and sell kue kering from home before Ramadan, at 2018 prices in Indramayu.
INDRAMAYU_KIT = (
    DemoItem("Oven gas 2 rak", 1, "unit", 1_350_000),
    DemoItem("Kompor gas 1 tungku, selang dan regulator", 1, "set", 375_000),
    DemoItem("Mixer tangan", 1, "unit", 425_000),
    DemoItem("Loyang kue kering 40 x 40 cm", 4, "buah", 45_000),
    DemoItem("Timbangan kue digital 5 kg", 1, "unit", 125_000),
    DemoItem("Cetakan kue kering, 12 motif", 1, "set", 85_000),
    DemoItem("Toples plastik 500 gram", 50, "buah", 4_500),
)
# The decree of the Kepala Dinas naming the 20, signed when the training closed and the kits were handed over.
INDRAMAYU_DECREE = ("460/412/Rehsos/2018", date(2018, 4, 10))
INDRAMAYU_HANDOVER = ("460/413/BAST-Rehsos/IV/2018", "RSBM Tunas Mandiri, Desa Mundakjaya", date(2018, 4, 10))


def _indramayu_scheme(planner: User, event: Event) -> Scheme:
    with set_actor(planner):
        scheme = services.scheme_save(
            actor=planner,
            name=INDRAMAYU_SCHEME,
            legal_basis=INDRAMAYU_LEGAL_BASIS,
            organisation=demo_organisation("dinsos-indramayu"),
            region=Region.objects.get(pk="32.12"),
            year=2018,
            kind=SchemeKind.IN_KIND,
            budget_ceiling=60_000_000,
            completed_event=event,
            require_consent=True,
        )
        for item in INDRAMAYU_KIT:
            services.scheme_item_add(
                actor=planner,
                scheme=scheme,
                name=item.name,
                quantity=item.quantity,
                unit=item.unit,
                unit_value=item.unit_value,
            )
    return scheme


def load_indramayu() -> str:
    label = INDRAMAYU_2018.label
    if Scheme.objects.filter(name=INDRAMAYU_SCHEME, year=2018).exists():
        return f"{label}: already there"
    event = find_demo_event(INDRAMAYU_2018)
    if event is None:
        return f"{label}: left out (its event is not loaded)"
    planner = demo_user_holding("dinsos-indramayu", Role.PROGRAM_OFFICER, "assistance.add_scheme", "32.12")
    maker = demo_user_holding("dinsos-indramayu", Role.FINANCE_OFFICER, PREPARE_TRANCHE, "32.12")
    checker = _approver("dinsos-indramayu", "32.12")
    if planner is None or maker is None or checker is None or demo_organisation("dinsos-indramayu") is None:
        return f"{label}: left out (a demo user who works it is missing, inactive or without a grant there)"
    number, decree_date = INDRAMAYU_DECREE
    receipt_number, place, handed_on = INDRAMAYU_HANDOVER
    with transaction.atomic():
        scheme = _indramayu_scheme(planner, event)
        with set_actor(maker):
            tranche = services.tranche_create(actor=maker, scheme=scheme)
            listed = services.tranche_fill(actor=maker, tranche=tranche, on=decree_date)
            if not listed:
                transaction.set_rollback(True)
                return f"{label}: left out (none of its trainees has a consent to assistance)"
            services.tranche_submit(actor=maker, tranche=tranche)
    with set_actor(checker):
        services.tranche_approve(actor=checker, tranche=tranche, decree_number=number, decree_date=decree_date)
    with set_actor(maker):
        services.handover_receipt_save(
            actor=maker, tranche=tranche, number=receipt_number, place=place, handed_on=handed_on
        )
        waiting = list(tranche.entitlements.filter(state=EntitlementState.APPROVED))
        handed = services.handover_record(actor=maker, tranche=tranche, entitlements=waiting, handed_on=handed_on)
        services.tranche_close(actor=maker, tranche=tranche)
    value = selectors.package_value(scheme)
    return (
        f"{label}: {scheme.name}: {handed} starter kits of {rupiah(value)} handed over on {handed_on:%d-%m-%Y} at "
        f"{place} (BAST {receipt_number}), tranche closed"
    )


def load_demo_assistance() -> list[str]:
    """Adds the two demo schemes that are not there yet, each taken through its whole course. Returns the lines
    `load_demo` prints."""
    with demo_history():
        return [load_indramayu(), load_kupang()]
