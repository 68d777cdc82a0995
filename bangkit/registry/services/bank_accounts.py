"""Bank accounts of registered people: recording, correcting, verifying and marking invalid.

Stimulus grants are paid to each person's own account, so an account is only as good as its last verification:

- the account number is stored as its digits (6–20 of them); a number a spreadsheet turned into scientific notation
  (`1,23457E+11`) or a float (`123456789.0`) is refused, because its digits are already lost;
- the holder name is compared with the person's full name and other names (`name_match_score`, 0–100); below
  `NAME_MATCH_THRESHOLD` the account is flagged `name_mismatch`, and verifying it then needs an explicit
  confirmation;
- any change of bank, number or holder sends the account back to "unverified" and forgets who verified it;
- a person has at most one primary account; making another one primary switches both in one transaction;
- verifying and marking invalid take `registry.verify_bankaccount` over the person's region (supervisors, finance
  officers). Every change is in the record's history, the number itself masked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from bangkit.accounts.models import User
from bangkit.accounts.roles import VERIFY_BANK_ACCOUNT
from bangkit.core.exceptions import ServiceError
from bangkit.core.fields import digits_only
from bangkit.registry.choices import BankAccountStatus, VerificationMethod
from bangkit.registry.models import Bank, BankAccount, Person
from bangkit.registry.selectors.details import holds_on_person, refuse_merged, require_on_person

ACCOUNT_MIN_DIGITS = 6
ACCOUNT_MAX_DIGITS = 20

# A holder name scoring below this against every name of the person is flagged. 85 tolerates word order, accents,
# titles, initials and one-letter typos ("Maria Goretti Bria"), and flags a different first or family name
# ("Maria Nahak", "Yohana Bria") or a single shared word ("Bria").
NAME_MATCH_THRESHOLD = 85
# Two words this similar (0–100) count as the same word spelt differently.
SIMILAR_WORD = 80

# --- account numbers ----------------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_FLOAT_TAIL = re.compile(r"^[0-9]+\.0+$")
_ALLOWED = re.compile(r"^[0-9 .\-/]+$")


def normalise_account_number(value: Any) -> str:
    """The digits of an account number as typed or imported, or a ServiceError on `account_number` saying why not.

    Spaces, dots, hyphens and slashes between digit groups are dropped. A value that a spreadsheet turned into a
    number has lost digits (scientific notation) or gained some (`.0`): refused, never guessed.
    """
    if isinstance(value, float):
        raise ServiceError(_scientific_message(), field="account_number")
    text = str(value if value is not None else "").strip()
    if not text:
        raise ServiceError(_("Isi nomor rekening."), field="account_number")
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        raise ServiceError(_scientific_message(), field="account_number")
    if _FLOAT_TAIL.fullmatch(text):
        raise ServiceError(
            _(
                "Nomor rekening berakhiran “.0”: tampaknya spreadsheet mengubahnya menjadi angka desimal. "
                "Ketik ulang nomornya persis seperti di buku tabungan."
            ),
            field="account_number",
        )
    if not _ALLOWED.fullmatch(text):
        raise ServiceError(
            _("Nomor rekening hanya boleh berisi angka (spasi, titik dan tanda hubung di antaranya diabaikan)."),
            field="account_number",
        )
    digits = digits_only(text)
    if not ACCOUNT_MIN_DIGITS <= len(digits) <= ACCOUNT_MAX_DIGITS:
        raise ServiceError(
            _("Nomor rekening harus %(min)d sampai %(max)d angka; yang diisi %(count)d angka.")
            % {"min": ACCOUNT_MIN_DIGITS, "max": ACCOUNT_MAX_DIGITS, "count": len(digits)},
            field="account_number",
        )
    return digits


def _scientific_message() -> str:
    return _(
        "Nomor rekening tertulis dalam notasi ilmiah (mis. 1,23457E+11): spreadsheet sudah menghilangkan "
        "sebagian angkanya. Ketik ulang nomornya sebagai teks, persis seperti di buku tabungan."
    )


# --- holder names -------------------------------------------------------------------------------------------

# Titles and honorifics written before a name: Ibu, Bapak, Saudara(i), Haji/Hajjah, academic and religious titles,
# and "a.n." (atas nama, "in the name of") that bank letters put before the holder.
_PREFIXES = (
    "a/n",
    "a.n",
    "an",
    "ibu",
    "bu",
    "bapak",
    "bpk",
    "bp",
    "pak",
    "sdr",
    "sdri",
    "sdra",
    "saudara",
    "saudari",
    "hj",
    "hajjah",
    "hajah",
    "haji",
    "drs",
    "dra",
    "dr",
    "ir",
    "prof",
    "ny",
    "nyonya",
    "tn",
    "tuan",
    "nn",
    "nona",
    "alm",
    "almh",
    "almarhum",
    "almarhumah",
    "kh",
    "ust",
    "ustadz",
    "ustazah",
    "pdt",
    "romo",
    "sr",
)
_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(prefix) for prefix in _PREFIXES) + r")\.?(?:\s+|(?<=\.))")
# "H." (Haji) only before at least two more words: "H. Ahmad Yani", while "H. Bria" may be Hendrik's initial.
_HAJI = re.compile(r"^h\.?\s+(?=\S+\s+\S)")
# Degrees written after a name: S.Pd, S.Sos, S.E., A.Md, M.Pd, Amd, SPd...
_DEGREE = re.compile(
    r"^(?:(?:s|m|a|d[1-4]?)\.?\s?(?:pd|pdi|sos|kom|kep|ked|kes|km|ag|ip|si|hum|ak|psi|farm|gz|keb|th|sy|hi|tr|ab|"
    r"pt|stp|ikom|md|e|h|t|p|sc|m)\.?|amd|ama|ners|se|sh|st|mm|mba|phd|bsc|ba)$"
)


def _fold(text: str) -> str:
    """Lower case without accents: `Conceição` → `conceicao`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _is_degree(part: str) -> bool:
    words = part.split()
    return bool(words) and all(_DEGREE.fullmatch(word) for word in words)


def name_tokens(name: str) -> list[str]:
    """The words of a name that identify a person: accent-free, lower case, without titles, honorifics or degrees.

    `Ibu Hj. Maria G. Bria, S.Pd` → `["maria", "g", "bria"]`. A comma before words that are not degrees is
    kept as a separator (`Bria, Maria Goreti`).
    """
    text = _fold(name).strip()
    parts = [part.strip() for part in text.split(",")]
    kept = [parts[0]] + [part for part in parts[1:] if not _is_degree(part)]
    text = " ".join(part for part in kept if part)
    words = text.split()
    while len(words) > 1 and _is_degree(words[-1]):
        words.pop()
    text = " ".join(words)
    while True:
        stripped = _HAJI.sub("", _PREFIX.sub("", text, count=1), count=1).strip()
        if stripped == text or not stripped:
            break
        text = stripped
    return [token for token in re.split(r"[^a-z0-9]+", text) if token]


def _abbreviates(short: str, word: str) -> bool:
    """`g` for `goreti`, `mhd` for `muhammad`: same first letter, and the letters in order within the word."""
    if len(short) >= len(word) or len(short) > 3 or short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(letter in rest for letter in short[1:])


def _expand(tokens: Sequence[str], other: Sequence[str]) -> list[str]:
    """`tokens` with each initial or short abbreviation replaced by the word of `other` it abbreviates."""
    unused = [word for word in other if word not in tokens]
    expanded = []
    for token in tokens:
        match = next((word for word in unused if token not in other and _abbreviates(token, word)), None)
        if match is not None:
            unused.remove(match)
            token = match
        expanded.append(token)
    return expanded


def _similar(word: str, words: Sequence[str]) -> bool:
    """One word spelt like another (Goreti/Goretti/Gorety, Yohanes/Johanes)."""
    return any(fuzz.ratio(word, other) >= SIMILAR_WORD for other in words)


def _pair_score(holder: list[str], name: list[str]) -> int:
    # Words written together or apart ("Nurhayati", "Nur Hayati"), compared before the expansion below, which would
    # take "nur" for an abbreviation of "nurhayati".
    as_written = fuzz.ratio("".join(holder), "".join(name))
    holder, name = _expand(holder, name), _expand(name, holder)
    joined_holder, joined_name = " ".join(holder), " ".join(name)
    # Word order and words missing on one side are tolerated (token_set_ratio: "Maria Goreti" for "Maria Goreti
    # Bria", "Sumiati binti Karta" for "Sumiati") provided the names share two words, or all of a one-word name.
    # A word of one name replaced by another word ("Maria Goreti Seran"), or too little in common, is judged on
    # the whole names (token_sort_ratio).
    holder_only = [word for word in holder if not _similar(word, name)]
    name_only = [word for word in name if not _similar(word, holder)]
    shared = len(holder) - len(holder_only)
    if shared >= min(2, len(name)) and not (holder_only and name_only):
        score = fuzz.token_set_ratio(joined_holder, joined_name)
    else:
        score = fuzz.token_sort_ratio(joined_holder, joined_name)
    # Words written together or apart: "Nurhaliza" and "Nur Haliza".
    compact = fuzz.ratio("".join(sorted(holder)), "".join(sorted(name)))
    spaced = fuzz.ratio(joined_holder.replace(" ", ""), joined_name.replace(" ", ""))
    return round(max(score, compact, spaced, as_written))


def person_names(person: Person) -> list[str]:
    """The full name and each of the other names (aliases, other spellings) recorded for the person."""
    others = [name.strip() for name in re.split(r"[,;/]", person.other_names or "") if name.strip()]
    return [person.full_name, *others]


def name_match_score(holder_name: str, names: Iterable[str]) -> int:
    """0–100: how well `holder_name` matches the best of `names`, tolerating accents, punctuation, titles and
    honorifics, initials and short abbreviations, word order and extra or missing middle names."""
    holder = name_tokens(holder_name)
    if not holder:
        return 0
    scores = [_pair_score(holder, tokens) for tokens in (name_tokens(name) for name in names) if tokens]
    return max(scores, default=0)


# --- writes -------------------------------------------------------------------------------------------------


def clean_record(
    obj: models.Model, *, exclude: list[str] | None = None, constraint_fields: dict[str, str] | None = None
) -> None:
    """`full_clean`, with the message of each record-wide constraint named in `constraint_fields` (constraint name
    → form field) put on the field the user can correct. Shared by the services of a person's details."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        errors: dict[str, list[Any]] = {field: list(items) for field, items in exc.error_dict.items()}
        field_for_message = {
            str(constraint.get_violation_error_message()): field
            for constraint in obj._meta.constraints
            for name, field in (constraint_fields or {}).items()
            if constraint.name == name
        }
        leftover = []
        for error in errors.pop(NON_FIELD_ERRORS, []):
            for message in error.messages:
                field = field_for_message.get(str(message))
                if field:
                    errors.setdefault(field, []).append(ValidationError(message))
                else:
                    leftover.append(ValidationError(message))
        if leftover:
            errors[NON_FIELD_ERRORS] = leftover
        raise ValidationError(errors) from exc


_ACCOUNT_CONSTRAINTS = {
    "bank_account_unique_per_person": "account_number",
    "bank_account_one_primary_per_person": "is_primary",
    "bank_account_invalid_has_reason": "reason",
    "bank_account_verified_says_how_and_by_whom": "method",
}


def _clean(account: BankAccount) -> None:
    clean_record(account, constraint_fields=_ACCOUNT_CONSTRAINTS)


def _lock_person(person: Person) -> Person:
    """Serialises the writes on one person's accounts (the one-primary rule is decided here)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _check_bank(bank: Bank) -> None:
    if not bank.is_active:
        raise ServiceError(_("Bank ini sudah tidak aktif; pilih bank lain."), field="bank")


def _match(account: BankAccount, person: Person) -> None:
    account.name_match_score = name_match_score(account.holder_name, person_names(person))
    account.name_mismatch = account.name_match_score < NAME_MATCH_THRESHOLD


def _reset_verification(account: BankAccount) -> None:
    account.status = BankAccountStatus.UNVERIFIED
    account.verification_method = ""
    account.verified_by = None
    account.verified_at = None
    account.invalid_reason = ""


def _make_only_primary(account: BankAccount) -> None:
    """Unsets the person's other primary account, saving it (history) before `account` becomes primary."""
    others = BankAccount.objects.select_for_update().filter(person_id=account.person_id, is_primary=True)
    if account.pk:
        others = others.exclude(pk=account.pk)
    for other in others:
        other.is_primary = False
        other.save(update_fields=["is_primary", "updated_at"])


def _holder(value: str) -> str:
    holder = " ".join((value or "").split())
    if not holder:
        raise ServiceError(_("Isi nama pemilik rekening seperti tertulis di buku tabungan."), field="holder_name")
    return holder


@transaction.atomic
def bank_account_create(
    *,
    actor: User,
    person: Person,
    bank: Bank,
    account_number: str,
    holder_name: str,
    is_primary: bool | None = None,
) -> BankAccount:
    """Records an account, unverified. The person's first account is primary unless `is_primary=False`; a later
    one becomes primary only when asked, and the previous primary then stops being it."""
    require_on_person(actor, BankAccount, "add", person)
    refuse_merged(person)
    person = _lock_person(person)
    _check_bank(bank)
    account = BankAccount(
        person=person,
        bank=bank,
        account_number=normalise_account_number(account_number),
        holder_name=_holder(holder_name),
    )
    has_primary = BankAccount.objects.filter(person=person, is_primary=True).exists()
    account.is_primary = (not has_primary) if is_primary is None else is_primary
    _match(account, person)
    _reset_verification(account)
    if account.is_primary:
        _clean_without_primary(account)
        _make_only_primary(account)
    _clean(account)
    account.save()
    return account


def _clean_without_primary(account: BankAccount) -> None:
    """Checks everything but the one-primary rule, before the other primary is unset: an invalid account must not
    take the primary mark away from a good one."""
    was_primary = account.is_primary
    account.is_primary = False
    try:
        _clean(account)
    finally:
        account.is_primary = was_primary


@transaction.atomic
def bank_account_update(
    *,
    actor: User,
    account: BankAccount,
    bank: Bank | None = None,
    account_number: str | None = None,
    holder_name: str | None = None,
    is_primary: bool | None = None,
) -> BankAccount:
    """Corrects an account; arguments left None stay as they are. A change of bank, number or holder sends the
    account back to "unverified". Unsetting the only primary account is allowed (the person then has none)."""
    person = account.person
    require_on_person(actor, BankAccount, "change", person)
    person = _lock_person(person)
    account = BankAccount.objects.select_for_update().select_related("bank").get(pk=account.pk)
    changed = False
    if bank is not None and bank.pk != account.bank_id:
        _check_bank(bank)
        account.bank = bank
        changed = True
    if account_number is not None:
        digits = normalise_account_number(account_number)
        if digits != account.account_number:
            account.account_number = digits
            changed = True
    if holder_name is not None:
        holder = _holder(holder_name)
        if holder != account.holder_name:
            account.holder_name = holder
            changed = True
    _match(account, person)
    if changed:
        _reset_verification(account)
    becomes_primary = is_primary is True and not account.is_primary
    if is_primary is not None:
        account.is_primary = is_primary
    if becomes_primary:
        _clean_without_primary(account)
        _make_only_primary(account)
    _clean(account)
    account.save()
    return account


@transaction.atomic
def bank_account_make_primary(*, actor: User, account: BankAccount) -> BankAccount:
    """Makes `account` the person's primary account; the previous one stops being it, in the same transaction."""
    return bank_account_update(actor=actor, account=account, is_primary=True)


def _require_verifier(actor: User, account: BankAccount) -> None:
    require_on_person(
        actor, BankAccount, "view", account.person, _("Anda tidak berwenang memverifikasi rekening orang ini.")
    )
    if not holds_on_person(actor, VERIFY_BANK_ACCOUNT, account.person):
        raise ServiceError(_("Anda tidak berwenang memverifikasi rekening orang ini."))


@transaction.atomic
def bank_account_verify(
    *,
    actor: User,
    account: BankAccount,
    method: str,
    confirm_name_mismatch: bool = False,
) -> BankAccount:
    """Marks the account verified by `actor`, now, by `method`. An account whose holder name does not match the
    person's needs `confirm_name_mismatch=True`: the verifier has seen that the account is the person's anyway
    (e.g. a name from before marriage)."""
    _require_verifier(actor, account)
    account = BankAccount.objects.select_for_update().select_related("person").get(pk=account.pk)
    if method not in VerificationMethod.values:
        raise ServiceError(_("Pilih cara verifikasi."), field="method")
    if account.status == BankAccountStatus.VERIFIED:
        raise ServiceError(_("Rekening ini sudah terverifikasi."))
    _match(account, account.person)
    if account.name_mismatch and not confirm_name_mismatch:
        raise ServiceError(
            _(
                "Nama pemilik rekening tidak cocok dengan nama orang ini (kecocokan %(score)d%%). Centang konfirmasi "
                "bila Anda sudah memastikan rekening ini miliknya."
            )
            % {"score": account.name_match_score},
            field="confirm_name_mismatch",
        )
    account.status = BankAccountStatus.VERIFIED
    account.verification_method = method
    account.verified_by = actor
    account.verified_at = timezone.now()
    account.invalid_reason = ""
    _clean(account)
    account.save()
    return account


@transaction.atomic
def bank_account_mark_invalid(*, actor: User, account: BankAccount, reason: str) -> BankAccount:
    """Marks the account invalid (closed, dormant, another person's...), with the reason; it is kept, never
    deleted. Correcting its bank, number or holder makes it unverified again."""
    _require_verifier(actor, account)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Sebutkan alasan rekening tidak valid."), field="reason")
    if len(reason) > 300:
        raise ServiceError(_("Alasan paling panjang 300 karakter."), field="reason")
    account.status = BankAccountStatus.INVALID
    account.invalid_reason = reason
    account.verification_method = ""
    account.verified_by = None
    account.verified_at = None
    _clean(account)
    account.save()
    return account


def bank_accounts_rematch(*, person: Person) -> int:
    """Scores every account of `person` again, e.g. after their name was corrected; returns how many changed.

    The scores are derived data: saved with their own history line, the accounts' status untouched.
    """
    names = person_names(person)
    changed = 0
    for account in BankAccount.objects.filter(person=person):
        score = name_match_score(account.holder_name, names)
        if score != account.name_match_score:
            account.name_match_score = score
            account.name_mismatch = score < NAME_MATCH_THRESHOLD
            account.save(update_fields=["name_match_score", "name_mismatch", "updated_at"])
            changed += 1
    return changed
