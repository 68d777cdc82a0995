"""Loads the vendored Kemendagri regions (idn-area-data) into the Region table: an idempotent upsert.

Only rows that are new or differ from the database are written, so a second run writes nothing. Codes present in
the database but not in the data are reported, never deleted: records may still point at them.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from bangkit.regions.models import Region, RegionLevel, RegionToken, TokenKind, region_tokens, search_key

REGION_DATA_VERSION = "4.0.1"
REGION_DATA_DIR = Path(__file__).resolve().parent / "data" / f"idn-area-data-{REGION_DATA_VERSION}"
EXPECTED_COUNTS: Mapping[int, int] = {
    RegionLevel.PROVINCE: 38,
    RegionLevel.REGENCY: 514,
    RegionLevel.DISTRICT: 7_285,
    RegionLevel.VILLAGE: 83_762,
}
ATTRIBUTION = (
    f"idn-area-data {REGION_DATA_VERSION} © idn-area-data contributors "
    "(https://github.com/fityannugroho/idn-area-data), Open Database License (ODbL) v1.0"
)

# File and parent-code column of each level, province first so that every parent is written before its children.
_FILES: dict[int, tuple[str, str | None]] = {
    RegionLevel.PROVINCE: ("provinces.csv.gz", None),
    RegionLevel.REGENCY: ("regencies.csv.gz", "province_code"),
    RegionLevel.DISTRICT: ("districts.csv.gz", "regency_code"),
    RegionLevel.VILLAGE: ("villages.csv.gz", "district_code"),
}
_BATCH_SIZE = 2_000
_DELETE_CHUNK = 500


class RegionDataError(Exception):
    """The data files or the database do not hold what they should; nothing was changed."""


@dataclass
class LoadReport:
    version: str
    created: dict[int, int] = field(default_factory=dict)
    updated: dict[int, int] = field(default_factory=dict)
    unchanged: dict[int, int] = field(default_factory=dict)
    tokens_written: int = 0
    # Codes in the database that the data no longer holds, left in place because records may refer to them.
    obsolete: list[str] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent_id: str | None


# Every level's part of a code has a fixed width (53, 53.01, 53.01.08, 53.01.08.1007): a jurisdiction's records
# are then exactly those whose code starts with its own, which `core.scoping.region_q` asks the database as one
# index range.
CODE_SHAPES: dict[int, re.Pattern[str]] = {
    RegionLevel.PROVINCE: re.compile(r"\d{2}"),
    RegionLevel.REGENCY: re.compile(r"\d{2}\.\d{2}"),
    RegionLevel.DISTRICT: re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    RegionLevel.VILLAGE: re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}


def _read_level(data_dir: Path, level: int) -> Iterator[RegionRow]:
    filename, parent_column = _FILES[level]
    with gzip.open(data_dir / filename, "rt", encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            code, name = (record.get("code") or "").strip(), (record.get("name") or "").strip()
            parent = (record.get(parent_column) or "").strip() if parent_column else None
            if not code or not name or (parent_column and not parent):
                raise RegionDataError(_("%(file)s baris %(line)d tidak lengkap.") % {"file": filename, "line": line})
            if not CODE_SHAPES[level].fullmatch(code) or (parent and not code.startswith(f"{parent}.")):
                raise RegionDataError(
                    _("%(file)s baris %(line)d: kode %(code)s tidak sesuai format Kemendagri.")
                    % {"file": filename, "line": line, "code": code}
                )
            yield RegionRow(code, name, level, parent)


def read_region_data(data_dir: Path = REGION_DATA_DIR) -> dict[int, list[RegionRow]]:
    return {level: list(_read_level(data_dir, level)) for level in _FILES}


def _check_counts(counts: Mapping[int, int], expected: Mapping[int, int], where: str) -> None:
    wrong = [
        _("%(level)s: %(found)d, seharusnya %(expected)d")
        % {"level": RegionLevel(level).label, "found": counts.get(level, 0), "expected": number}
        for level, number in expected.items()
        if counts.get(level, 0) != number
    ]
    if wrong:
        raise RegionDataError(
            _("Jumlah wilayah %(where)s tidak sesuai: %(wrong)s.") % {"where": where, "wrong": "; ".join(wrong)}
        )


def load_regions(
    *,
    data_dir: Path = REGION_DATA_DIR,
    expected: Mapping[int, int] = EXPECTED_COUNTS,
) -> LoadReport:
    """Upserts every region of `data_dir`, level by level, and checks the counts before and after writing."""
    data = read_region_data(data_dir)
    _check_counts({level: len(rows) for level, rows in data.items()}, expected, _("dalam berkas data"))
    report = LoadReport(version=REGION_DATA_VERSION)
    with transaction.atomic():
        existing = {row[0]: row[1:] for row in Region.objects.values_list("code", "name", "level", "parent_id")}
        with_tokens = set(RegionToken.objects.filter(kind=TokenKind.CODE).values_list("region_id", flat=True))
        retokenise: list[RegionRow] = []
        for level, rows in data.items():
            changed = [row for row in rows if existing.get(row.code) != (row.name, row.level, row.parent_id)]
            report.created[level] = sum(1 for row in changed if row.code not in existing)
            report.updated[level] = len(changed) - report.created[level]
            report.unchanged[level] = len(rows) - len(changed)
            Region.objects.bulk_create(
                [
                    Region(
                        code=row.code,
                        name=row.name,
                        level=row.level,
                        parent_id=row.parent_id,
                        search_name=search_key(row.name),
                    )
                    for row in changed
                ],
                batch_size=_BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent", "search_name"],
            )
            # A region also needs tokens when it has none, e.g. when it was loaded before the token table existed.
            changed_codes = {row.code for row in changed}
            retokenise += [row for row in rows if row.code in changed_codes or row.code not in with_tokens]
        report.tokens_written = _write_tokens(retokenise, with_tokens)
        known = {row.code for rows in data.values() for row in rows}
        report.obsolete = sorted(code for code in existing if code not in known)
        counts = dict(Region.objects.order_by().values_list("level").annotate(number=Count("code")))
        for code in report.obsolete:
            counts[existing[code][1]] -= 1
        _check_counts(counts, expected, _("di basis data"))
    return report


def _write_tokens(rows: list[RegionRow], with_tokens: set[str]) -> int:
    stale = [row.code for row in rows if row.code in with_tokens]
    for start in range(0, len(stale), _DELETE_CHUNK):
        RegionToken.objects.filter(region_id__in=stale[start : start + _DELETE_CHUNK]).delete()
    tokens = [token for row in rows for token in region_tokens(row.code, row.name, row.level)]
    RegionToken.objects.insert(tokens)
    return len(tokens)
