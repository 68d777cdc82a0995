"""Duplicates: finding candidates for a person, recording them as pairs, merging two records or marking them distinct.

Detection lives in `bangkit/registry/matching.py` (the same matcher serves one registration and a 100,000-row
import). A pair is always stored with `first.pk < second.pk` and is placed (scoped) by the first person; resolving
it needs `registry.resolve_duplicatepair` over both people's regions.

A merge keeps both records: the duplicate stays, marked `merged_into` the survivor, with its own history; everything
it owned in the registry moves to the survivor, and `person_merged` lets the apps above move theirs (cases...).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.accounts.roles import RESOLVE_DUPLICATES
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import covers
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.matching import Candidate, DuplicateMatcher, IncomingPerson, match_batch
from bangkit.registry.models import (
    BankAccount,
    Consent,
    DuplicatePair,
    HouseholdMember,
    IdentityDocument,
    MigrationStay,
    Person,
    Phone,
    TraffickingIdentification,
)
from bangkit.registry.signals import person_merged

__all__ = [
    "MERGE_FIELDS",
    "Candidate",
    "IncomingPerson",
    "duplicate_pair_mark_distinct",
    "duplicate_pair_merge",
    "find_duplicate_candidates",
    "match_batch",
    "merge_conflicts",
    "record_duplicate_candidates",
]


def find_duplicate_candidates(*, person: Person) -> list[Candidate]:
    """Registered people who may be `person`, best first: never itself, a merged record, or anyone it was marked
    distinct from. Pure read; sees the whole registry (callers decide what a user may be told). A merged record has
    none: its survivor stands for it."""
    if person.merged_into_id is not None:
        return []
    return DuplicateMatcher().match_one(IncomingPerson.from_person(person))


@transaction.atomic
def record_duplicate_candidates(*, person: Person) -> list[DuplicatePair]:
    """Finds candidates for `person` and writes their open pairs (new, or with a fresh score and reasons); returns
    the open pairs, best first. Pairs already merged or marked distinct are left alone."""
    if person.merged_into_id is not None:
        return []
    pairs: list[DuplicatePair] = []
    for candidate in find_duplicate_candidates(person=person):
        first_id, second_id = sorted((person.pk, candidate.other.pk))
        reasons = [evidence.as_json() for evidence in candidate.evidence]
        pair = DuplicatePair.objects.select_for_update().filter(first_id=first_id, second_id=second_id).first()
        if pair is None:
            pair = DuplicatePair(first_id=first_id, second_id=second_id, score=candidate.score, reasons=reasons)
            pair.full_clean()
            try:
                with transaction.atomic():
                    pair.save()
            except IntegrityError:  # written meanwhile by another registration of the same pair
                pair = DuplicatePair.objects.select_for_update().get(first_id=first_id, second_id=second_id)
        if pair.status != DuplicateStatus.OPEN:
            continue
        if (pair.score, pair.reasons) != (candidate.score, reasons):
            pair.score, pair.reasons = candidate.score, reasons
            pair.full_clean()
            pair.save(update_fields=["score", "reasons", "updated_at"])
        pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.score, pair.pk))
    return pairs


# ---------------------------------------------------------------------------------------------------------------
# Resolution


@dataclass(frozen=True)
class MergeField:
    """A choice the reviewer makes in a merge: which record's value a field (or group of fields) keeps."""

    name: str
    label: str | Promise
    fields: tuple[str, ...]

    def value(self, person: Person) -> tuple[Any, ...]:
        return tuple(_comparable(getattr(person, field)) for field in self.fields)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("full_name", _l("nama lengkap"), ("full_name",)),
    MergeField("sex", _l("jenis kelamin"), ("sex",)),
    MergeField("birth_date", _l("tanggal lahir"), ("birth_date", "birth_date_estimated")),
    MergeField("nik", _l("NIK"), ("nik", "nik_conflict_confirmed")),
    MergeField("kk_number", _l("nomor KK"), ("kk_number",)),
    MergeField("region", _l("alamat (desa/kelurahan)"), ("region_id",)),
    MergeField("street", _l("alamat jalan, RT/RW"), ("street",)),
    MergeField("marital_status", _l("status perkawinan"), ("marital_status",)),
    MergeField("education", _l("pendidikan terakhir"), ("education",)),
    MergeField("photo", _l("foto"), ("photo",)),
    MergeField("deceased_on", _l("meninggal pada"), ("deceased_on",)),
)
_MERGE_FIELDS_BY_NAME = {merge_field.name: merge_field for merge_field in MERGE_FIELDS}
# Values that say nothing yet, which the other record's known value replaces without asking.
_UNKNOWN = {"marital_status": "unknown", "education": "unknown"}


def _known(merge_field: MergeField, person: Person) -> bool:
    first = merge_field.value(person)[0]
    return first not in (None, "", []) and _UNKNOWN.get(merge_field.name) != first


def merge_conflicts(first: Person, second: Person) -> list[MergeField]:
    """The fields the reviewer must choose between: known on both records, and different."""
    return [
        merge_field
        for merge_field in MERGE_FIELDS
        if _known(merge_field, first)
        and _known(merge_field, second)
        and merge_field.value(first) != merge_field.value(second)
    ]


def _require_resolvable(actor: Any, *people: Person) -> None:
    """The actor holds `registry.resolve_duplicatepair` over every person's region; otherwise the pair does not
    exist for them."""
    if getattr(actor, "is_superuser", False):
        return
    codes = actor.jurisdiction_codes(RESOLVE_DUPLICATES) if getattr(actor, "is_authenticated", False) else frozenset()
    if not all(covers(codes, person.region_id) for person in people):
        raise OutOfJurisdiction(_("Pasangan data ini tidak ditemukan."))


def _lock_open_pair(*, actor: Any, pair: DuplicatePair) -> tuple[DuplicatePair, Person, Person]:
    """The pair and both people, locked in this order by every resolution, after the checks every one needs."""
    locked = DuplicatePair.objects.select_for_update().filter(pk=pair.pk).first()
    if locked is None:
        raise OutOfJurisdiction(_("Pasangan data ini tidak ditemukan."))
    people = Person.objects.select_for_update().in_bulk([locked.first_id, locked.second_id])
    first, second = people[locked.first_id], people[locked.second_id]
    _require_resolvable(actor, first, second)
    if locked.status != DuplicateStatus.OPEN:
        raise ServiceError(
            _("Pasangan ini sudah diputuskan (%(status)s); muat ulang halaman.")
            % {"status": locked.get_status_display()}
        )
    if first.merged_into_id is not None or second.merged_into_id is not None:
        raise ServiceError(_("Salah satu data sudah digabung ke data lain; pasangan ini tidak dapat digabung lagi."))
    return locked, first, second


def _resolve(pair: DuplicatePair, *, actor: Any, status: str) -> None:
    pair.status = status
    pair.resolved_by = actor
    pair.resolved_at = timezone.now()
    pair.full_clean()
    pair.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])


@transaction.atomic
def duplicate_pair_mark_distinct(*, actor: Any, pair: DuplicatePair) -> DuplicatePair:
    """Records that the two people are different: the pair is closed and never proposed again."""
    locked, _first, _second = _lock_open_pair(actor=actor, pair=pair)
    _resolve(locked, actor=actor, status=DuplicateStatus.DISTINCT)
    return locked


@transaction.atomic
def duplicate_pair_merge(
    *,
    actor: Any,
    pair: DuplicatePair,
    survivor: Person | int,
    values_from_duplicate: Collection[str] = (),
) -> Person:
    """Merges the pair's two records into `survivor` (one of them) and returns it.

    For each field in `values_from_duplicate` (names of MERGE_FIELDS) the survivor takes the duplicate's value;
    for the others it keeps its own, or takes the duplicate's when its own is unknown. Other names and
    disabilities are combined, and a full name given up becomes another name. Everything the duplicate owned moves
    to the survivor (exact copies of a phone or bank account are dropped), `person_merged` lets other apps move
    theirs, and the duplicate is kept, marked as merged into the survivor, with its history.
    """
    locked, first, second = _lock_open_pair(actor=actor, pair=pair)
    survivor_id = survivor if isinstance(survivor, int) else survivor.pk
    if survivor_id not in (first.pk, second.pk):
        raise ServiceError(_("Pilih salah satu dari kedua data sebagai data yang dipertahankan."), field="survivor")
    unknown = sorted(set(values_from_duplicate) - set(_MERGE_FIELDS_BY_NAME))
    if unknown:
        raise ServiceError(
            _("Isian tidak dapat dipilih: %(fields)s.") % {"fields": ", ".join(unknown)}, field="values_from_duplicate"
        )
    kept, duplicate = (first, second) if survivor_id == first.pk else (second, first)
    empty = [name for name in values_from_duplicate if not _known(_MERGE_FIELDS_BY_NAME[name], duplicate)]
    if empty:
        raise ServiceError(
            _("Data lainnya tidak berisi nilai untuk: %(fields)s.")
            % {"fields": ", ".join(str(_MERGE_FIELDS_BY_NAME[name].label) for name in empty)},
            field="values_from_duplicate",
        )

    _take_values(kept, duplicate, set(values_from_duplicate))
    _move_registry_records(survivor=kept, duplicate=duplicate)
    _repoint_pairs(survivor=kept, duplicate=duplicate, merged_pair=locked)
    for earlier in Person.objects.filter(merged_into=duplicate):  # merge chains stay one step long
        earlier.merged_into = kept
        earlier.save(update_fields=["merged_into", "updated_at"])

    # Written before the survivor: it may have given up its NIK to it (see _take_values). A NIK it keeps still
    # finds it in an exact search, and from it the survivor.
    duplicate.merged_into = kept
    duplicate.full_clean()
    duplicate.save()
    kept.full_clean()
    kept.save()

    person_merged.send(sender=Person, survivor=kept, duplicate=duplicate, actor=actor)
    _resolve(locked, actor=actor, status=DuplicateStatus.MERGED)
    # Now that the survivor holds both records' phones and accounts, it may resemble someone else.
    record_duplicate_candidates(person=kept)
    return kept


def _take_values(kept: Person, duplicate: Person, chosen: set[str]) -> None:
    given_up_names: list[str] = []
    for merge_field in MERGE_FIELDS:
        take = merge_field.name in chosen or (not _known(merge_field, kept) and _known(merge_field, duplicate))
        if merge_field.name == "full_name" and kept.full_name != duplicate.full_name:
            given_up_names.append(kept.full_name if take else duplicate.full_name)
        if take:
            for name in merge_field.fields:
                setattr(kept, name, getattr(duplicate, name))
    if kept.nik and duplicate.nik == kept.nik:
        # One NIK per person: the duplicate frees it for the survivor (and is saved first).
        duplicate.nik = None
        duplicate.nik_conflict_confirmed = False
    other_names: list[str] = []
    for name in (*_split(kept.other_names), *given_up_names, *_split(duplicate.other_names)):
        if name.casefold() != kept.full_name.casefold() and name.casefold() not in map(str.casefold, other_names):
            candidate = ", ".join([*other_names, name])
            if len(candidate) <= Person._meta.get_field("other_names").max_length:  # type: ignore[operator]
                other_names.append(name)
    kept.other_names = ", ".join(other_names)
    kept.disabilities = sorted(set(kept.disabilities) | set(duplicate.disabilities))
    if duplicate.registered_on < kept.registered_on:
        kept.registered_on = duplicate.registered_on


def _split(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _move(rows: Iterable[Any], survivor: Person, **changes: Any) -> None:
    for row in rows:
        row.person = survivor
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=["person", "updated_at", *changes])


def _move_registry_records(*, survivor: Person, duplicate: Person) -> None:
    """Every registry record of the duplicate now belongs to the survivor; saved one by one, so history shows each
    move. Exact copies (the same phone number, the same account at the same bank) are deleted instead."""
    survivor_phones = set(Phone.objects.filter(person=survivor).values_list("number_index", flat=True))
    for phone in Phone.objects.filter(person=duplicate):
        if phone.number_index in survivor_phones:
            phone.delete()
        else:
            _move([phone], survivor)
            survivor_phones.add(phone.number_index)

    survivor_accounts = set(BankAccount.objects.filter(person=survivor).values_list("bank_id", "account_number_index"))
    has_primary = BankAccount.objects.filter(person=survivor, is_primary=True).exists()
    for account in BankAccount.objects.filter(person=duplicate).order_by("-is_primary", "pk"):
        if (account.bank_id, account.account_number_index) in survivor_accounts:
            try:
                with transaction.atomic():
                    account.delete()
            except ProtectedError as exc:
                raise ServiceError(
                    _("Rekening ganda pada data duplikat masih dipakai oleh data lain; selesaikan dulu di sana.")
                ) from exc
            continue
        _move([account], survivor, is_primary=account.is_primary and not has_primary)
        has_primary = has_primary or account.is_primary
        survivor_accounts.add((account.bank_id, account.account_number_index))

    for model in (IdentityDocument, Consent, MigrationStay, TraffickingIdentification):
        _move(model.objects.filter(person=duplicate), survivor)

    # A household member recorded as the duplicate is now the survivor; on the survivor's own card, nobody.
    for member in HouseholdMember.objects.filter(person=duplicate):
        member.person = survivor
        if member.registered_person_id == survivor.pk:
            member.registered_person = None
        member.save(update_fields=["person", "registered_person", "updated_at"])
    for member in HouseholdMember.objects.filter(registered_person=duplicate):
        member.registered_person = None if member.person_id == survivor.pk else survivor
        member.save(update_fields=["registered_person", "updated_at"])


def _repoint_pairs(*, survivor: Person, duplicate: Person, merged_pair: DuplicatePair) -> None:
    """The duplicate's other open or distinct pairs now concern the survivor. Where the survivor already has a pair
    with the same person, one pair is kept: distinct wins (the decision stands), else the higher score."""
    pairs = (
        DuplicatePair.objects.select_for_update()
        .filter(Q(first=duplicate) | Q(second=duplicate), status__in=[DuplicateStatus.OPEN, DuplicateStatus.DISTINCT])
        .exclude(pk=merged_pair.pk)
        .order_by("pk")
    )
    for pair in pairs:
        other_id = pair.second_id if pair.first_id == duplicate.pk else pair.first_id
        if other_id == survivor.pk:
            continue
        first_id, second_id = sorted((survivor.pk, other_id))
        existing = DuplicatePair.objects.select_for_update().filter(first_id=first_id, second_id=second_id).first()
        if existing is None:
            pair.first_id, pair.second_id = first_id, second_id
            pair.full_clean()
            pair.save(update_fields=["first", "second", "updated_at"])
            continue
        if existing.status == DuplicateStatus.OPEN:
            if pair.status == DuplicateStatus.DISTINCT:
                existing.status, existing.resolved_by_id, existing.resolved_at = (
                    pair.status,
                    pair.resolved_by_id,
                    pair.resolved_at,
                )
            existing.score = max(existing.score, pair.score)
            existing.full_clean()
            existing.save()
        pair.delete()
