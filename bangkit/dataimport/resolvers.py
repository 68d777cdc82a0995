"""Turning what a spreadsheet says into the registry's codes: regions, banks, countries and the choice lists.

Regions are looked up in batches, one chunk of rows at a time (`RegionResolver.want` then `fetch`), and
remembered for the rest of the file, so that a file of 100,000 rows across a regency costs a handful of queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from babel import Locale
from django.db import connection
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django_countries import countries

from bangkit.regions.codes import is_region_code
from bangkit.regions.models import Region, RegionLevel, search_key
from bangkit.regions.selectors import region_paths
from bangkit.registry import choices
from bangkit.registry.models import Bank

# Candidates named when a region name is ambiguous.
MAX_CANDIDATES = 5


def _batches(values: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _batch_size() -> int:
    limit = connection.features.max_query_params
    return min(2000, limit - 10) if limit else 2000


# --- regions ----------------------------------------------------------------------------------------------------

_VILLAGE_PREFIXES = ("desa ", "kelurahan ", "kel ", "ds ", "village ")
_DISTRICT_PREFIXES = ("kecamatan ", "kec ", "distrik ", "district ")
_REGENCY_KINDS = (
    ("kabupaten administrasi ", "kabupaten"),
    ("kota administrasi ", "kota"),
    ("kabupaten ", "kabupaten"),
    ("kab ", "kabupaten"),
    ("kota ", "kota"),
    ("regency ", "kabupaten"),
    ("city ", "kota"),
)


def _strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def regency_keys(text: str) -> frozenset[str]:
    """The search names a regency written as `text` may have: "Kupang" is Kabupaten Kupang or Kota Kupang."""
    key = search_key(text)
    for prefix, kind in _REGENCY_KINDS:
        if key.startswith(prefix) and len(key) > len(prefix):
            name = key[len(prefix) :]
            if kind == "kabupaten":
                return frozenset({f"kabupaten {name}", f"kabupaten administrasi {name}"})
            return frozenset({f"kota {name}", f"kota administrasi {name}"})
    return frozenset(
        {key, f"kabupaten {key}", f"kota {key}", f"kabupaten administrasi {key}", f"kota administrasi {key}"}
    )


def dotted_code(text: str) -> str | None:
    """`5301081007` → `53.01.08.1007`; a dotted code as it is; None when it cannot be a region code."""
    compact = re.sub(r"[\s]", "", text)
    if compact.isdigit() and len(compact) in (2, 4, 6, 10):
        parts = [compact[0:2], compact[2:4], compact[4:6], compact[6:10]]
        compact = ".".join(part for part in parts if part)
    return compact if is_region_code(compact) else None


@dataclass(frozen=True)
class RegionAnswer:
    code: str | None
    problem: str = ""  # "", "invalid_code", "unknown", "ambiguous", "too_coarse"
    message: str = ""
    warning: str = ""


@dataclass(frozen=True)
class RegionQuery:
    code: str = ""
    village: str = ""
    district: str = ""
    regency: str = ""

    @property
    def village_key(self) -> str:
        return _strip_prefix(search_key(self.village), _VILLAGE_PREFIXES) if self.village else ""

    @property
    def district_key(self) -> str:
        return _strip_prefix(search_key(self.district), _DISTRICT_PREFIXES) if self.district else ""


class RegionResolver:
    """Regions by code or by names (village, district, regency), with every lookup remembered."""

    def __init__(self) -> None:
        self._regions: dict[str, tuple[int, str] | None] = {}  # code → (level, search name), None: no such code
        self._by_name: dict[tuple[int, str], list[str]] = {}  # (level, search name) → codes
        self._wanted_codes: set[str] = set()
        self._wanted_names: set[tuple[int, str]] = set()
        self._answers: dict[RegionQuery, RegionAnswer] = {}

    # -- batch fetching ------------------------------------------------------------------------------------------

    def want(self, query: RegionQuery) -> None:
        """Notes what `resolve(query)` will need; `fetch()` then reads it all at once."""
        if query in self._answers:
            return
        if query.code:
            code = dotted_code(query.code)
            if code and code not in self._regions:
                self._wanted_codes.add(code)
            return
        if query.village_key:
            self._want_name(RegionLevel.VILLAGE, query.village_key)
        elif query.district_key:
            self._want_name(RegionLevel.DISTRICT, query.district_key)
        elif query.regency:
            for key in regency_keys(query.regency):
                self._want_name(RegionLevel.REGENCY, key)

    def _want_name(self, level: int, key: str) -> None:
        if (level, key) not in self._by_name:
            self._wanted_names.add((level, key))

    def fetch(self) -> None:
        """One query per batch of wanted codes and per level of wanted names, then the parents of what was found."""
        size = _batch_size()
        for batch in _batches(sorted(self._wanted_codes), size):
            found = {code: (level, name) for code, level, name in _region_rows(code__in=batch)}
            for code in batch:
                self._regions[code] = found.get(code)
        self._wanted_codes.clear()
        parents: set[str] = set()
        for level in (RegionLevel.VILLAGE, RegionLevel.DISTRICT, RegionLevel.REGENCY):
            keys = sorted(key for wanted_level, key in self._wanted_names if wanted_level == level)
            for key in keys:
                self._by_name[(level, key)] = []
            for batch in _batches(keys, size):
                for code, found_level, name in _region_rows(level=level, search_name__in=batch):
                    self._by_name[(level, name)].append(code)
                    self._regions[code] = (found_level, name)
                    parents.update(_ancestors(code))
        self._wanted_names.clear()
        missing = sorted(code for code in parents if code not in self._regions)
        for batch in _batches(missing, size):
            for code, found_level, name in _region_rows(code__in=batch):
                self._regions[code] = (found_level, name)

    # -- answers -------------------------------------------------------------------------------------------------

    def resolve(self, query: RegionQuery) -> RegionAnswer:
        answer = self._answers.get(query)
        if answer is None:
            answer = self._by_code(query) if query.code else self._by_names(query)
            if len(self._answers) < 200_000:
                self._answers[query] = answer
        return answer

    def _name_of(self, code: str) -> str:
        found = self._regions.get(code)
        return found[1] if found else ""

    def _ensure(self, query: RegionQuery) -> None:
        """Reads what `query` needs if `fetch()` was not called for it (a lone look-up)."""
        self.want(query)
        if self._wanted_codes or self._wanted_names:
            self.fetch()

    def _by_code(self, query: RegionQuery) -> RegionAnswer:
        code = dotted_code(query.code)
        if code is None:
            return RegionAnswer(None, "invalid_code", _("Kode wilayah tidak valid; tulis seperti 53.01.08.1007."))
        self._ensure(query)
        found = self._regions.get(code)
        if found is None:
            message = _("Kode wilayah %(code)s tidak ada dalam data wilayah.") % {"code": code}
            return RegionAnswer(None, "unknown", message)
        level, name = found
        if level < RegionLevel.REGENCY:
            message = _("Sebutkan wilayah sampai kabupaten/kota, sebaiknya desa/kelurahan.")
            return RegionAnswer(None, "too_coarse", message)
        warning = ""
        if query.village_key and level == RegionLevel.VILLAGE and query.village_key != name:
            warning = _("Nama desa/kelurahan di berkas berbeda dengan kode wilayah %(code)s; kode yang dipakai.") % {
                "code": code
            }
        return RegionAnswer(code, warning=warning)

    def _in_district(self, code: str, key: str) -> bool:
        return not key or self._name_of(".".join(code.split(".")[:3])) == key

    def _in_regency(self, code: str, keys: frozenset[str]) -> bool:
        return not keys or self._name_of(code[:5]) in keys

    def _by_names(self, query: RegionQuery) -> RegionAnswer:
        regencies = regency_keys(query.regency) if query.regency else frozenset()
        if not (query.village_key or query.district_key or regencies):
            message = _("Isi kode wilayah, atau nama desa/kelurahan, kecamatan dan kabupaten/kota.")
            return RegionAnswer(None, "missing", message)
        self._ensure(query)
        if query.village_key:
            named = self._by_name.get((RegionLevel.VILLAGE, query.village_key), [])
            candidates = [
                code
                for code in named
                if self._in_district(code, query.district_key) and self._in_regency(code, regencies)
            ]
        elif query.district_key:
            named = self._by_name.get((RegionLevel.DISTRICT, query.district_key), [])
            candidates = [code for code in named if self._in_regency(code, regencies)]
        else:
            named = sorted({code for key in regencies for code in self._by_name.get((RegionLevel.REGENCY, key), [])})
            candidates = named
        written = ", ".join(part for part in (query.village, query.district, query.regency) if part)
        if len(candidates) == 1:
            return RegionAnswer(candidates[0])
        if not candidates:
            if named:
                message = _("“%(name)s” ada, tetapi tidak di kecamatan/kabupaten yang disebut: %(places)s.") % {
                    "name": query.village or query.district,
                    "places": _labels(named),
                }
            else:
                message = _("Wilayah “%(written)s” tidak ditemukan dalam data wilayah.") % {"written": written}
            return RegionAnswer(None, "unknown", message)
        message = _(
            "“%(written)s” ada di beberapa tempat: %(places)s. Tambahkan kecamatan dan kabupaten/kota, atau pakai "
            "kode wilayah."
        ) % {"written": written, "places": _labels(candidates)}
        return RegionAnswer(None, "ambiguous", message)


def _region_rows(**conditions: object) -> list[tuple[str, int, str]]:
    return list(Region.objects.filter(**conditions).values_list("code", "level", "search_name"))


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:index]) for index in range(2, len(parts))]


def _labels(codes: list[str]) -> str:
    paths = region_paths(codes[:MAX_CANDIDATES])
    labels = [f"{paths[code].label} ({code})" for code in codes[:MAX_CANDIDATES] if code in paths]
    if len(codes) > MAX_CANDIDATES:
        labels.append(_("dan %(count)d lainnya") % {"count": len(codes) - MAX_CANDIDATES})
    return "; ".join(labels)


# --- banks -------------------------------------------------------------------------------------------------------

_BANK_NOISE = re.compile(r"\b(pt|persero|tbk|bank|bpd)\b")


def _bank_key(text: str) -> str:
    return " ".join(_BANK_NOISE.sub(" ", search_key(text)).split())


class BankResolver:
    """Banks by Bank Indonesia code (`002`, or `2` from a number cell), short name (`BRI`) or name."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._inactive: set[str] = set()
        for code, short_name, name, active in Bank.objects.values_list("code", "short_name", "name", "is_active"):
            self.names[code] = short_name
            if not active:
                self._inactive.add(code)
            for key in (_bank_key(short_name), _bank_key(name), search_key(short_name), search_key(name)):
                if key:
                    self._by_key.setdefault(key, code)

    def resolve(self, text: str) -> tuple[str | None, str]:
        """(bank code, "") or (None, why)."""
        written = text.strip()
        if written.isdigit() and len(written) <= 3:
            code = written.zfill(3)
            if code not in self.names:
                return None, _("Sandi bank %(code)s tidak dikenal.") % {"code": code}
        else:
            code = self._by_key.get(search_key(written)) or self._by_key.get(_bank_key(written)) or ""
            if not code:
                return None, _(
                    "Bank “%(bank)s” tidak dikenal; tulis sandi bank (mis. 002) atau nama singkat (mis. BRI)."
                ) % {"bank": written}
        if code in self._inactive:
            return None, _("Bank %(bank)s sudah tidak aktif.") % {"bank": self.names[code]}
        return code, ""


# --- countries ---------------------------------------------------------------------------------------------------

_COUNTRY_ALIASES = {
    "saudi": "SA",
    "arab": "SA",
    "ksa": "SA",
    "hongkong": "HK",
    "hk": "HK",
    "korea": "KR",
    "korsel": "KR",
    "uea": "AE",
    "uae": "AE",
    "emirat": "AE",
    "dubai": "AE",
    "abu dhabi": "AE",
    "brunei darussalam": "BN",
    "malaysia timur": "MY",
    "sabah": "MY",
    "sarawak": "MY",
    "singapore": "SG",
    "taiwan roc": "TW",
    "republic of china": "TW",
}


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    territories = {language: Locale.parse(language).territories for language in ("id", "en")}
    for code, name in countries:
        alpha3 = countries.alpha3(code) or ""
        for text in (code, alpha3, str(name), territories["id"].get(code, ""), territories["en"].get(code, "")):
            key = search_key(text)
            if key:
                keys.setdefault(key, code)
    for alias, code in _COUNTRY_ALIASES.items():
        keys.setdefault(alias, code)
    return keys


def country_code(text: str) -> str | None:
    """`Malaysia`, `Arab Saudi`, `Saudi Arabia`, `MY`, `MYS` → the ISO 3166 code; None when unknown."""
    key = search_key(text)
    found = _country_keys().get(key)
    if found is None and key.startswith("negara "):
        found = _country_keys().get(key[len("negara ") :])
    return found


# --- choice lists ------------------------------------------------------------------------------------------------

SEX = {
    "l": "M", "lk": "M", "laki": "M", "laki laki": "M", "lelaki": "M", "pria": "M", "m": "M", "male": "M",
    "p": "F", "pr": "F", "perempuan": "F", "wanita": "F", "w": "F", "f": "F", "female": "F",
}  # fmt: skip

_EXTRA: dict[type[TextChoices], dict[str, str]] = {
    choices.DepartureRoute: {
        "resmi": "procedural", "legal": "procedural", "prosedural": "procedural", "ya": "procedural",
        "tidak resmi": "non_procedural", "ilegal": "non_procedural", "illegal": "non_procedural",
        "non prosedural": "non_procedural", "nonprosedural": "non_procedural", "non procedural": "non_procedural",
        "unprocedural": "non_procedural", "tidak": "non_procedural",
    },
    choices.ReturnMode: {
        "deportasi": "deported", "deportan": "deported", "dideportasi": "deported", "deport": "deported",
        "repatriasi": "repatriated", "dipulangkan": "repatriated", "pemulangan": "repatriated",
        "mandiri": "self_returned", "sendiri": "self_returned", "pulang sendiri": "self_returned",
    },
    choices.WorkSector: {
        "prt": "domestic_work", "art": "domestic_work", "pekerja rumah tangga": "domestic_work",
        "pembantu rumah tangga": "domestic_work", "domestic worker": "domestic_work", "domestic": "domestic_work",
        "perkebunan": "plantation", "kebun": "plantation", "sawit": "plantation", "pertanian": "plantation",
        "ladang": "plantation", "petani": "plantation", "buruh kebun": "plantation",
        "konstruksi": "construction", "bangunan": "construction", "buruh bangunan": "construction",
        "pabrik": "manufacturing", "buruh pabrik": "manufacturing", "operator pabrik": "manufacturing",
        "abk": "fishing", "nelayan": "fishing", "kapal": "fishing", "perikanan": "fishing",
        "restoran": "hospitality", "hotel": "hospitality", "rumah makan": "hospitality",
        "perawat lansia": "care", "caregiver": "care", "pengasuh": "care", "perawat": "care", "care": "care",
        "hiburan": "entertainment",
    },
    choices.ReferredBy: {
        "kjri": "kjri_kbri", "kbri": "kjri_kbri", "perwakilan ri": "kjri_kbri",
        "bp3mi": "bp3mi", "bp2mi": "bp3mi", "bnp2tki": "bp3mi", "bp3tki": "bp3mi", "p4tki": "bp3mi",
        "polisi": "police", "polres": "police", "polda": "police", "kepolisian": "police",
        "lks": "lks", "dinsos": "dinsos", "dinas sosial": "dinsos",
        "keluarga": "family", "sendiri": "self", "datang sendiri": "self",
    },
}  # fmt: skip


@lru_cache(maxsize=16)
def _choice_keys(choices_class: type[TextChoices]) -> dict[str, str]:
    from django.utils import translation

    keys: dict[str, str] = {}
    for value, label in choices_class.choices:
        for language in ("id", "en"):
            with translation.override(language):
                keys.setdefault(search_key(str(label)), value)
        keys.setdefault(search_key(value), value)
    for text, value in _EXTRA.get(choices_class, {}).items():
        keys.setdefault(search_key(text), value)
    return keys


def choice_value(choices_class: type[TextChoices], text: str) -> str | None:
    """The code of a choice written by its label (Indonesian or English), its code or a usual synonym."""
    return _choice_keys(choices_class).get(search_key(text))
