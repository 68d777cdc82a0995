"""Who in the registry may be the same person as a record: blocking, evidence and one score.

One matcher serves the registration of one person, the nightly re-check of the registry and the spreadsheet import
(100,000 incoming records against 1,000,000 registered). It never decrypts the table and never compares every record
with every other: each incoming record is first turned into **blocking keys**, and only registered people sharing a
key are compared.

- exact keys, looked up through indexes, a few hundred values per query: NIK (`nik_index`), KK (`kk_index`),
  phone (`Phone.number_index`), bank account (`BankAccount.account_number_index`, same bank), and the exact
  (name, birth date) pair (the `person_name_birth` index);
- the **regency block**: the people of the same regency (by the region codes under it, `region` index) born on the
  same day, in the same years when a date is estimated, or with a name that sounds the same when a date is missing.
  A block is read once per chunk of incoming records, whatever their order.

Every candidate pair then gets its **evidence**, each a probability that the two records are one person ("NIK
sama" 0.97, "Nomor telepon sama" 0.5...) combined as independent signals (1 − Π(1 − p)), lowered when the sexes or
exact birth dates differ. Names are compared accent-free with rapidfuzz, and by their sound: Indonesian spelling
variants (old and new spelling, Yohanes/Johanes, Sitti/Siti, Yusuf/Yusup, Nur Hayati/Nurhayati) are folded before
jellyfish's metaphone codes each name.

Scoping is the caller's job: the matcher sees the whole registry, the selectors decide what a user may be told.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any

import jellyfish
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from bangkit.regions.models import Region, search_key
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.models import Bank, BankAccount, DuplicatePair, Person, Phone, regency_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Below this a pair is not proposed (a shared phone alone is; a shared KK alone, a family, is not).
MIN_SCORE = 40
# Names at least this similar (0–100, rapidfuzz) count as "similar"; sounding the same also counts.
SIMILAR_NAME = 88
LOOSELY_SIMILAR_NAME = 80
# Two estimated birth dates (or one) match when their years are this close.
ESTIMATED_YEARS = 2
# Values per IN (...) query, at most: fewer round trips, still short enough for PostgreSQL's planner.
QUERY_BATCH = 2000


@dataclass(frozen=True, slots=True)
class IncomingPerson:
    """A record to check, as plain values: a spreadsheet row, a registration form, or a registered person.

    `accounts` are (bank code, account number) pairs. `person_id` names the registry record this is, when it is one:
    that record is never its own candidate, nor anyone it was marked distinct from.
    """

    full_name: str
    birth_date: date | None = None
    birth_date_estimated: bool = False
    sex: str = ""
    region_code: str = ""
    nik: str = ""
    kk: str = ""
    phones: Sequence[str] = ()
    accounts: Sequence[tuple[str, str]] = ()
    other_names: Sequence[str] = ()
    person_id: int | None = None
    # (index column, value) → its blind indexes, when the caller computed them already (the import stages them).
    blind_indexes: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_person(cls, person: Person) -> IncomingPerson:
        """The values of a registered person (two queries: phones, bank accounts)."""
        return cls(
            full_name=person.full_name,
            birth_date=person.birth_date,
            birth_date_estimated=person.birth_date_estimated,
            sex=person.sex,
            region_code=person.region_id,
            nik=person.nik or "",
            kk=person.kk_number or "",
            phones=[phone.number for phone in Phone.objects.filter(person=person) if phone.number],
            accounts=[
                (account.bank_id, account.account_number)
                for account in BankAccount.objects.filter(person=person)
                if account.account_number
            ],
            other_names=split_other_names(person.other_names),
            person_id=person.pk,
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to think two records are one person; `weight` is its probability, below 1."""

    code: str
    weight: float
    params: dict[str, Any] = field(default_factory=dict)

    def explain(self) -> str:
        return explain(self.code, self.params)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, **({"params": self.params} if self.params else {})}


@dataclass(slots=True)
class Candidate:
    """A registered person who may be the record checked, with a score 0–100 and the reasons, explained."""

    other: Person
    score: int
    reasons: list[tuple[str, str]]
    evidence: list[Evidence] = field(default_factory=list, repr=False)


# What each reason code says to the reviewer. Kept as codes with parameters in DuplicatePair.reasons, so that each
# reader gets them in their own language.
_EXPLANATIONS: dict[str, Callable[[dict[str, Any]], StrOrPromise]] = {
    "nik": lambda p: _("NIK sama"),
    "account": lambda p: _("Nomor rekening bank sama (%(bank)s)") % p if p.get("bank") else _("Nomor rekening sama"),
    "kk_name": lambda p: _("Nomor KK sama dan nama mirip (%(similarity)d%%)") % p,
    "kk": lambda p: _("Nomor KK sama (satu keluarga)"),
    "phone": lambda p: _("Nomor telepon sama"),
    "name_birth": lambda p: (
        _("Nama sama dan tanggal lahir sama")
        if p["similarity"] == 100
        else _("Nama mirip (%(similarity)d%%) dan tanggal lahir sama") % p
    ),
    "name_sound_birth": lambda p: _("Nama terdengar sama (%(similarity)d%%) dan tanggal lahir sama") % p,
    "name_birth_estimated": lambda p: _("Nama mirip (%(similarity)d%%) dan tahun lahir berdekatan (perkiraan)") % p,
    "name_no_birth": lambda p: _("Nama mirip (%(similarity)d%%), tanggal lahir tidak diketahui") % p,
    "name": lambda p: _("Nama mirip (%(similarity)d%%)") % p,
    "same_regency": lambda p: _("Tinggal di kabupaten/kota yang sama"),
    "sex_differs": lambda p: _("Jenis kelamin berbeda"),
    "birth_differs": lambda p: _("Tanggal lahir berbeda"),
}


def explain(code: str, params: dict[str, Any] | None = None) -> str:
    """The reviewer's explanation of a reason code, in the current language."""
    explanation = _EXPLANATIONS.get(code)
    if explanation is None:
        return code
    try:
        return str(explanation(params or {}))
    except (KeyError, TypeError, ValueError):
        return code


def explain_stored(reasons: Iterable[Any]) -> list[tuple[str, str]]:
    """(code, explanation) of the reasons stored in a DuplicatePair."""
    result = []
    for reason in reasons:
        if isinstance(reason, dict) and "code" in reason:
            result.append((reason["code"], explain(reason["code"], reason.get("params"))))
    return result


# ---------------------------------------------------------------------------------------------------------------
# Names


def split_other_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


# Spelling variants folded before the sound code: old spelling (oe, dj, tj, j for y), Dutch and Arabic digraphs,
# Sundanese p for f. Order matters: "dj" and "tj" before the lone "j".
_SPELLING = (
    ("oe", "u"),
    ("dj", "y"),
    ("tj", "c"),
    ("sj", "sy"),
    ("j", "y"),
    ("ch", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "p"),
    ("th", "t"),
    ("dh", "d"),
    ("f", "p"),
    ("v", "p"),
    ("q", "k"),
    ("z", "s"),
)
_DOUBLED = re.compile(r"(.)\1+")
_TRAILING_H = re.compile(r"(?<=[aeiou])h$")


@lru_cache(maxsize=65536)
def fold_spelling(token: str) -> str:
    """`johanes` → `yohanes`, `sitti` → `siti`, `fatimah` → `fatima`, `yusuf` → `yusup`: one form per sound."""
    for old, new in _SPELLING:
        token = token.replace(old, new)
    token = _DOUBLED.sub(r"\1", token)
    return _TRAILING_H.sub("", token)


@lru_cache(maxsize=65536)
def _sound(token: str) -> str:
    return jellyfish.metaphone(token) if token else ""


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as compared: the search key, the same without spaces, and two sound keys."""

    key: str
    joined: str
    sound: str  # metaphone of the folded name without spaces: "nur hayati" and "nurhayati" agree
    sorted_sound: str  # metaphone of each folded word, sorted: "bria maria" and "maria bria" agree

    @classmethod
    def of(cls, name: str) -> NameForm:
        key = search_key(name)
        folded = [fold_spelling(token) for token in key.split()]
        return cls(
            key=key,
            joined=key.replace(" ", ""),
            sound=_sound("".join(folded)),
            sorted_sound=" ".join(sorted(_sound(token) for token in folded)),
        )


@lru_cache(maxsize=65536)
def name_form(name: str) -> NameForm:
    return NameForm.of(name)


def name_similarity(a: NameForm, b: NameForm) -> tuple[int, bool]:
    """(similarity 0–100, sounds alike) of two names. 100 only for identical search keys."""
    if not a.key or not b.key:
        return 0, False
    if a.key == b.key:
        return 100, True
    similarity = max(fuzz.token_sort_ratio(a.key, b.key), fuzz.ratio(a.joined, b.joined))
    sounds = bool(a.sound) and (a.sound == b.sound or a.sorted_sound == b.sorted_sound)
    return min(99, round(similarity)), sounds


def best_name_match(ours: Sequence[NameForm], theirs: Sequence[NameForm]) -> tuple[int, bool]:
    """The closest pair among both records' names (full name and other names)."""
    best, any_sounds = 0, False
    for a in ours:
        for b in theirs:
            similarity, sounds = name_similarity(a, b)
            best, any_sounds = max(best, similarity), any_sounds or sounds
    return best, any_sounds


# ---------------------------------------------------------------------------------------------------------------
# Matching


# What is read of a registered person: plain values, never model instances. Merged records are dropped in Python,
# not by `merged_into IS NULL` in SQL: without statistics SQLite would pick that column's index over the blocking
# key's and read the whole table.
_REGISTERED_COLUMNS = (
    "id",
    "full_name",
    "other_names",
    "birth_date",
    "birth_date_estimated",
    "sex",
    "region_id",
    "merged_into_id",
)
_WIDTH = len(_REGISTERED_COLUMNS)


def _alive(row: Sequence[Any]) -> bool:
    return row[7] is None


def _row_names(row: Sequence[Any]) -> tuple[NameForm, ...]:
    return (name_form(row[1]), *(name_form(name) for name in split_other_names(row[2] or "")))


@dataclass(slots=True)
class _Registered:
    id: int
    names: tuple[NameForm, ...]
    birth_date: date | None
    estimated: bool
    sex: str
    regency: str

    @classmethod
    def of(cls, row: Sequence[Any]) -> _Registered:
        return cls(row[0], _row_names(row), row[3], bool(row[4]), row[5], regency_of(row[6]))


@dataclass(slots=True)
class _Prepared:
    index: int
    record: IncomingPerson
    names: tuple[NameForm, ...]
    regency: str
    found: dict[int, list[Evidence]] = field(default_factory=dict)  # registered id → evidence from exact keys
    exclude: set[int] = field(default_factory=set)


def _index_values(record: IncomingPerson, model: type[Any], name: str, value: str) -> Sequence[str]:
    """The blind-index values a column may hold for `value` (current key, and the old one during a rotation)."""
    if not value:
        return []
    known = record.blind_indexes.get((name, value))
    return known if known is not None else model._meta.get_field(name).candidates_for(value)


def _query_batch() -> int:
    """Values per IN (...) list: as many as the database takes (SQLite: 999 variables), at most QUERY_BATCH."""
    limit = connection.features.max_query_params
    return min(QUERY_BATCH, limit - 10) if limit else QUERY_BATCH


def _batched(values: Collection[Any], size: int | None = None) -> Iterator[list[Any]]:
    size = size or _query_batch()
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _birth_relation(a_date: date | None, a_est: bool, b_date: date | None, b_est: bool) -> str:
    """ "same", "near" (estimated, years close), "unknown" (a date is missing) or "differs"."""
    if a_date is None or b_date is None:
        return "unknown"
    if a_date == b_date:
        return "same"
    if (a_est or b_est) and abs(a_date.year - b_date.year) <= ESTIMATED_YEARS:
        return "near"
    return "differs"


def combine(evidence: Iterable[Evidence]) -> int:
    """Independent signals: 1 − Π(1 − p) for the positive ones, times each negative factor; 0–100."""
    missing = 1.0
    factor = 1.0
    for item in evidence:
        if item.weight >= 0:
            missing *= 1 - item.weight
        else:
            factor *= 1 + item.weight  # negative weight: -0.5 halves the score
    return max(0, min(100, round(100 * (1 - missing) * factor)))


def _near_years(year: int) -> range:
    return range(year - ESTIMATED_YEARS, year + ESTIMATED_YEARS + 1)


def _year_ranges(years: Collection[int]) -> list[tuple[int, int]]:
    """Consecutive years as (first, last) ranges: {1980, 1981, 1982, 1990} → [(1980, 1982), (1990, 1990)]."""
    ranges: list[tuple[int, int]] = []
    for year in sorted(years):
        if ranges and year == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def _sound_keys(names: Iterable[NameForm]) -> set[str]:
    return {key for name in names for key in (name.sound, name.sorted_sound)} - {""}


@dataclass(slots=True)
class _RegencyNeeds:
    """What the incoming records of one regency need from its registered people."""

    items: list[_Prepared] = field(default_factory=list)
    dates: set[date] = field(default_factory=set)  # exact dates of incoming records
    iso_dates: set[str] = field(default_factory=set)  # the same as text, for the raw scan on SQLite
    years: set[int] = field(default_factory=set)  # years near any incoming date (for estimated registered dates)
    estimated_years: set[int] = field(default_factory=set)  # years near an incoming estimated date
    undated: bool = False
    sounds: set[str] = field(default_factory=set)  # sound keys of every incoming name

    def add(self, item: _Prepared) -> None:
        self.items.append(item)
        self.sounds |= _sound_keys(item.names)
        birth = item.record.birth_date
        if birth is None:
            self.undated = True
            return
        self.dates.add(birth)
        self.iso_dates.add(birth.isoformat())
        self.years.update(_near_years(birth.year))
        if item.record.birth_date_estimated:
            self.estimated_years.update(_near_years(birth.year))

    def wants_birth(self, birth: date | str | None, estimated: Any) -> bool | None:
        """Whether a registered person born on `birth` may match one of the records; None: only by name sound
        (no date), to be decided once the name is read."""
        if birth is None:
            return None
        if self.undated:
            return True
        if isinstance(birth, str):  # SQLite's raw value
            if birth in self.iso_dates:
                return True
            year = int(birth[:4])
        else:
            if birth in self.dates:
                return True
            year = birth.year
        return year in (self.years if estimated else self.estimated_years)

    def wants(self, row: Sequence[Any]) -> bool:
        """Whether a registered row (of _REGISTERED_COLUMNS) may be compared with one of the records."""
        wanted = self.wants_birth(row[3], row[4])
        return wanted if wanted is not None else bool(_sound_keys(_row_names(row)) & self.sounds)


class _Block:
    """The kept rows of one regency, indexed for the pools of its incoming records."""

    def __init__(self, rows: Iterable[Sequence[Any]], *, open_by_sound: bool) -> None:
        self.by_date: dict[date, list[Sequence[Any]]] = defaultdict(list)
        self.by_year: dict[int, list[Sequence[Any]]] = defaultdict(list)
        self.estimated_by_year: dict[int, list[Sequence[Any]]] = defaultdict(list)
        self.undated_by_sound: dict[str, list[Sequence[Any]]] = defaultdict(list)
        self.by_sound: dict[str, list[Sequence[Any]]] = defaultdict(list)
        for row in rows:
            birth, estimated = row[3], row[4]
            if birth is None:
                for key in _sound_keys(_row_names(row)):
                    self.undated_by_sound[key].append(row)
                    self.by_sound[key].append(row)
                continue
            self.by_date[birth].append(row)
            self.by_year[birth.year].append(row)
            if estimated:
                self.estimated_by_year[birth.year].append(row)
            if open_by_sound:
                for key in _sound_keys(_row_names(row)):
                    self.by_sound[key].append(row)

    def pool(self, item: _Prepared) -> Iterator[Sequence[Any]]:
        sounds = _sound_keys(item.names)
        birth = item.record.birth_date
        if birth is None:
            for key in sounds:
                yield from self.by_sound.get(key, ())
            return
        yield from self.by_date.get(birth, ())
        by_year = self.by_year if item.record.birth_date_estimated else self.estimated_by_year
        for year in _near_years(birth.year):
            yield from by_year.get(year, ())
        for key in sounds:
            yield from self.undated_by_sound.get(key, ())


class DuplicateMatcher:
    """Finds registered people who may be the incoming records; see the module's docstring.

    `chunk_size` incoming records are prepared together, so that every exact key is looked up in batches and the
    registry is read at most once per chunk for the regency blocks. Memory holds one chunk and the rows it needs.
    A chunk touching at most `regency_queries` regencies reads each through the region index (one registration:
    a few milliseconds); a larger one reads the registry's dates in one pass, then the rows it keeps by id.
    """

    def __init__(self, *, chunk_size: int = 50_000, min_score: int = MIN_SCORE, regency_queries: int = 20) -> None:
        self.chunk_size = chunk_size
        self.min_score = min_score
        self.regency_queries = regency_queries
        self._regency_codes: dict[str, list[str]] = {}
        self._bank_names: dict[str, str] | None = None

    # -- public -----------------------------------------------------------------------------------------------

    def match_batch(self, records: Iterable[IncomingPerson]) -> Iterator[tuple[int, Candidate]]:
        """(index of the incoming record, candidate) for every candidate scoring at least `min_score` (or sharing
        the NIK), best first within each record; records in their order."""
        iterator = iter(records)
        start = 0
        while chunk := list(islice(iterator, self.chunk_size)):
            yield from self._match_chunk(chunk, start)
            start += len(chunk)

    def match_one(self, record: IncomingPerson) -> list[Candidate]:
        return [candidate for _index, candidate in self.match_batch([record])]

    # -- one chunk --------------------------------------------------------------------------------------------

    def _match_chunk(self, chunk: list[IncomingPerson], start: int) -> Iterator[tuple[int, Candidate]]:
        prepared = [
            _Prepared(
                index=start + offset,
                record=record,
                names=tuple(name_form(name) for name in (record.full_name, *record.other_names) if name.strip()),
                regency=regency_of(record.region_code),
            )
            for offset, record in enumerate(chunk)
        ]
        registered: dict[int, _Registered] = {}
        self._exclusions(prepared)
        self._by_nik(prepared, registered)
        self._by_kk(prepared, registered)
        self._by_phone(prepared, registered)
        self._by_account(prepared, registered)
        self._by_exact_name_and_birth(prepared, registered)
        blocks = self._by_regency(prepared, registered)

        scored: list[tuple[_Prepared, int, int, list[Evidence]]] = []
        for item in prepared:
            for pk in (set(item.found) | blocks.get(item.index, set())) - item.exclude:
                evidence = self._evidence(item, registered[pk], item.found.get(pk, []))
                if not evidence:
                    continue
                score = combine(evidence)
                if score >= self.min_score or any(e.code == "nik" for e in evidence):
                    scored.append((item, pk, score, evidence))
        if not scored:
            return
        people = Person.objects.select_related("region").in_bulk({pk for _item, pk, _score, _ev in scored})
        scored.sort(key=lambda entry: (entry[0].index, -entry[2], entry[1]))
        for item, pk, score, evidence in scored:
            person = people.get(pk)
            if person is None or person.merged_into_id is not None:  # merged meanwhile
                continue
            reasons = [(e.code, e.explain()) for e in evidence]
            yield item.index, Candidate(other=person, score=score, reasons=reasons, evidence=evidence)

    def _exclusions(self, prepared: list[_Prepared]) -> None:
        """A registered record is never its own candidate, nor that of anyone it was marked distinct from."""
        own = {item.record.person_id: item for item in prepared if item.record.person_id is not None}
        for pk, item in own.items():
            item.exclude.add(pk)
        for batch in _batched(list(own), _query_batch() // 2):
            pairs = DuplicatePair.objects.filter(
                Q(first_id__in=batch) | Q(second_id__in=batch), status=DuplicateStatus.DISTINCT
            ).values_list("first_id", "second_id")
            for first, second in pairs:
                if first in own:
                    own[first].exclude.add(second)
                if second in own:
                    own[second].exclude.add(first)

    def _remember(self, registered: dict[int, _Registered], row: Sequence[Any]) -> int:
        pk = int(row[0])
        if pk not in registered:
            registered[pk] = _Registered.of(row)
        return pk

    def _add(self, item: _Prepared, pk: int, evidence: Evidence | None) -> None:
        found = item.found.setdefault(pk, [])
        if evidence is not None and all(existing.code != evidence.code for existing in found):
            found.append(evidence)

    # -- exact keys -------------------------------------------------------------------------------------------

    def _lookup(
        self,
        prepared: list[_Prepared],
        registered: dict[int, _Registered],
        keys_of: Callable[[_Prepared], Iterable[Any]],
        rows_for: Callable[[list[Any]], Iterable[Sequence[Any]]],
        evidence_of: Callable[[_Prepared, Any, Sequence[Any]], Evidence | None],
    ) -> None:
        """Looks keys up in batches; `rows_for` returns rows of (key, *_REGISTERED_COLUMNS, *extra)."""
        wanted: dict[Any, list[_Prepared]] = defaultdict(list)
        for item in prepared:
            for key in set(keys_of(item)):
                wanted[key].append(item)
        for batch in _batched(list(wanted)):
            for row in rows_for(batch):
                key, person_row, extra = row[0], row[1 : 1 + _WIDTH], row[1 + _WIDTH :]
                if not _alive(person_row):
                    continue
                pk = self._remember(registered, person_row)
                for item in wanted[key]:
                    evidence = evidence_of(item, key, extra)
                    if evidence is not None:
                        self._add(item, pk, evidence)

    def _person_rows(self, key_column: str, batch: list[Any]) -> Iterable[Sequence[Any]]:
        return Person.objects.filter(**{f"{key_column}__in": batch}).values_list(key_column, *_REGISTERED_COLUMNS)

    def _related_rows(self, model: type[Any], key_column: str, batch: list[Any], *extra: str) -> Any:
        columns = ["person_id", *(f"person__{column}" for column in _REGISTERED_COLUMNS[1:])]
        return model.objects.filter(**{f"{key_column}__in": batch}).values_list(key_column, *columns, *extra)

    def _by_nik(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> None:
        self._lookup(
            prepared,
            registered,
            lambda item: _index_values(item.record, Person, "nik_index", item.record.nik),
            lambda batch: self._person_rows("nik_index", batch),
            lambda item, key, extra: Evidence("nik", 0.97),
        )

    def _by_kk(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> None:
        self._lookup(
            prepared,
            registered,
            lambda item: _index_values(item.record, Person, "kk_index", item.record.kk),
            lambda batch: self._person_rows("kk_index", batch),
            lambda item, key, extra: Evidence("kk", 0.15),  # becomes kk_name when the names agree
        )

    def _by_phone(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> None:
        self._lookup(
            prepared,
            registered,
            lambda item: [
                key for phone in item.record.phones for key in _index_values(item.record, Phone, "number_index", phone)
            ],
            lambda batch: self._related_rows(Phone, "number_index", batch),
            lambda item, key, extra: Evidence("phone", 0.5),
        )

    def _by_account(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> None:
        """The same account number at the same bank."""
        banks: dict[tuple[int, str], set[str]] = defaultdict(set)  # (incoming index, index value) → bank codes
        keys_of: dict[int, list[str]] = defaultdict(list)  # incoming index → its index values, looked up per item
        for item in prepared:
            for bank, number in item.record.accounts:
                for key in _index_values(item.record, BankAccount, "account_number_index", number):
                    if (item.index, key) not in banks:
                        keys_of[item.index].append(key)
                    banks[(item.index, key)].add(str(bank))

        def evidence_of(item: _Prepared, key: str, extra: Sequence[Any]) -> Evidence | None:
            bank = extra[0]
            if bank not in banks[(item.index, key)]:
                return None
            return Evidence("account", 0.75, {"bank": self._bank_name(bank)})

        self._lookup(
            prepared,
            registered,
            lambda item: keys_of.get(item.index, []),
            lambda batch: self._related_rows(BankAccount, "account_number_index", batch, "bank_id"),
            evidence_of,
        )

    def _bank_name(self, code: str) -> str:
        if self._bank_names is None:
            self._bank_names = dict(Bank.objects.values_list("code", "short_name"))
        return self._bank_names.get(code, code)

    def _by_exact_name_and_birth(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> None:
        """The same name and birth date anywhere in the country, for people who moved: one probe of the
        (search_name, birth_date) index per pair."""
        wanted: dict[tuple[str, date], list[_Prepared]] = defaultdict(list)
        for item in prepared:
            if item.record.birth_date is not None and item.names and item.names[0].key:
                wanted[(item.names[0].key, item.record.birth_date)].append(item)
        name_column = connection.ops.quote_name(Person._meta.get_field("search_name").column)
        birth_column = connection.ops.quote_name(Person._meta.get_field("birth_date").column)
        for batch in _batched(list(wanted), _query_batch() // 2):
            # Built as SQL: Django's own Q tree for thousands of (a AND b) terms costs more than the query.
            sql = " OR ".join([f"({name_column} = %s AND {birth_column} = %s)"] * len(batch))
            params = [value for name, birth in batch for value in (name, birth.isoformat())]
            condition = RawSQL(f"({sql})", params, output_field=BooleanField())  # noqa: S611 - only placeholders
            for row in Person.objects.filter(condition).values_list("search_name", *_REGISTERED_COLUMNS):
                items = wanted.get((row[0], row[4]), [])
                if items and _alive(row[1:]):
                    pk = self._remember(registered, row[1:])
                    for item in items:
                        self._add(item, pk, None)

    # -- regency blocks ---------------------------------------------------------------------------------------

    def regency_codes(self, regency: str) -> list[str]:
        """The regency's code and those of its districts and villages (a person's region may be any of them)."""
        if regency not in self._regency_codes:
            districts = list(Region.objects.filter(parent_id=regency).values_list("code", flat=True))
            villages = list(Region.objects.filter(parent_id__in=districts).values_list("code", flat=True))
            self._regency_codes[regency] = [regency, *districts, *villages]
        return self._regency_codes[regency]

    def _by_regency(self, prepared: list[_Prepared], registered: dict[int, _Registered]) -> dict[int, set[int]]:
        """Incoming index → registered ids of the same regency worth comparing: born the same day, in nearby years
        when a date is estimated, or with a name that sounds the same when a date is missing."""
        groups: dict[str, _RegencyNeeds] = {}
        for item in prepared:
            if item.regency and item.names:
                groups.setdefault(item.regency, _RegencyNeeds()).add(item)
        if not groups:
            return {}
        if len(groups) <= self.regency_queries:
            rows = {regency: self._regency_rows(regency, needs) for regency, needs in groups.items()}
        else:
            rows = self._scan(groups)
        found: dict[int, set[int]] = defaultdict(set)
        for regency, needs in groups.items():
            block = _Block(rows.get(regency, ()), open_by_sound=needs.undated)
            for item in needs.items:
                for row in block.pool(item):
                    found[item.index].add(self._remember(registered, row))
        return found

    def _regency_rows(self, regency: str, needs: _RegencyNeeds) -> list[Sequence[Any]]:
        """The regency's people who may match one of its incoming records, through the region index."""
        rows: list[Sequence[Any]] = []
        # Region codes, dates and years share the query's variables.
        for code_batch in _batched(self.regency_codes(regency), _query_batch() // 2):
            queryset = Person.objects.filter(region_id__in=code_batch)
            if not needs.undated and len(needs.dates) + 2 * len(needs.years) <= _query_batch() // 2:
                condition = Q(birth_date__isnull=True) | Q(birth_date__in=needs.dates)
                for low, high in _year_ranges(needs.years):
                    condition |= Q(birth_date__gte=date(low, 1, 1), birth_date__lte=date(high, 12, 31))
                queryset = queryset.filter(condition)
            rows.extend(row for row in queryset.values_list(*_REGISTERED_COLUMNS) if _alive(row) and needs.wants(row))
        return rows

    def _scan(self, groups: dict[str, _RegencyNeeds]) -> dict[str, list[Sequence[Any]]]:
        """For a chunk touching many regencies: one pass over four narrow columns of the registry, then the rows
        kept, by id. Costs about a second per million registered people, whatever the chunk's size."""
        table = connection.ops.quote_name(Person._meta.db_table)
        fields = {field.name: field for field in Person._meta.concrete_fields}
        columns = ", ".join(
            connection.ops.quote_name(fields[name].column)
            for name in ("id", "region", "birth_date", "birth_date_estimated", "merged_into")
        )
        kept: list[int] = []
        undated: list[int] = []
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - names from the model
            while rows := cursor.fetchmany(10_000):
                for pk, code, birth, estimated, merged in rows:
                    if merged is not None:
                        continue
                    needs = groups.get(code[:5])
                    if needs is None or code[5:6] not in ("", "."):
                        continue
                    wanted = needs.wants_birth(birth, estimated)
                    if wanted:
                        kept.append(pk)
                    elif wanted is None:
                        undated.append(pk)
        by_regency: dict[str, list[Sequence[Any]]] = defaultdict(list)
        for ids in (kept, undated):
            for batch in _batched(ids):
                for row in Person.objects.filter(pk__in=batch).values_list(*_REGISTERED_COLUMNS):
                    needs = groups[regency_of(row[6])]
                    if _alive(row) and (ids is kept or needs.wants(row)):
                        by_regency[regency_of(row[6])].append(row)
        return by_regency

    # -- evidence ---------------------------------------------------------------------------------------------

    def _evidence(self, item: _Prepared, person: _Registered, found: list[Evidence]) -> list[Evidence]:
        record = item.record
        similarity, sounds = best_name_match(item.names, person.names)
        strong_name = similarity >= SIMILAR_NAME or (sounds and similarity >= 70)
        loose_name = strong_name or similarity >= LOOSELY_SIMILAR_NAME
        birth = _birth_relation(record.birth_date, record.birth_date_estimated, person.birth_date, person.estimated)
        same_regency = bool(item.regency) and item.regency == person.regency
        codes = {e.code for e in found}
        evidence: list[Evidence] = []
        for e in found:
            if e.code == "kk":
                evidence.append(Evidence("kk_name", 0.85, {"similarity": similarity}) if loose_name else e)
            else:
                evidence.append(e)
        params = {"similarity": similarity}
        name_evidence: Evidence | None = None
        if strong_name and birth == "same":
            if similarity >= SIMILAR_NAME:
                name_evidence = Evidence("name_birth", 0.85 if same_regency else 0.75, params)
            else:
                name_evidence = Evidence("name_sound_birth", 0.8 if same_regency else 0.7, params)
        elif strong_name and birth == "near":
            name_evidence = Evidence("name_birth_estimated", 0.6 if same_regency else 0.45, params)
        elif strong_name and birth == "unknown" and same_regency:
            name_evidence = Evidence("name_no_birth", 0.45 if similarity == 100 else 0.35, params)
        elif loose_name and codes - {"kk"}:
            name_evidence = Evidence("name", 0.4, params)
        if name_evidence is not None and not ("kk" in codes and loose_name and name_evidence.code == "name"):
            evidence.append(name_evidence)  # (a similar name alone is already said by kk_name)
        if all(e.code == "kk" for e in evidence):
            return []  # nothing, or only a shared family card: a relative
        if same_regency and name_evidence is not None and name_evidence.code != "name_no_birth":
            evidence.append(Evidence("same_regency", 0.0))
        if record.sex and person.sex and record.sex != person.sex:
            evidence.append(Evidence("sex_differs", -0.5))
        if birth == "differs":
            evidence.append(Evidence("birth_differs", -0.3))
        return evidence


def match_batch(records: Iterable[IncomingPerson], **options: Any) -> Iterator[tuple[int, Candidate]]:
    """(incoming index, candidate) for each registered person who may be one of `records`; see DuplicateMatcher."""
    return DuplicateMatcher(**options).match_batch(records)
