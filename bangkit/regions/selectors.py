"""Reads of the region hierarchy: children of a node, a node with the names above it, and type-ahead search."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bangkit.regions.models import Region, RegionLevel, RegionToken, TokenKind, ancestor_codes, search_key

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 60
MAX_SEARCH_LIMIT = 50
_CODE_QUERY = re.compile(r"^[0-9][0-9.]*$")


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    level: int


@dataclass(frozen=True)
class RegionPath:
    """A region with the regions above it (province first), enough to show where it lies."""

    code: str
    name: str
    level: int
    ancestors: tuple[RegionRef, ...]

    @property
    def parent_code(self) -> str | None:
        return self.ancestors[-1].code if self.ancestors else None

    @property
    def level_label(self) -> str:
        return str(RegionLevel(self.level).label)

    @property
    def context(self) -> str:
        """The names above this region, nearest first: "Kupang Tengah, Kabupaten Kupang, Nusa Tenggara Timur"."""
        return ", ".join(ancestor.name for ancestor in reversed(self.ancestors))

    @property
    def label(self) -> str:
        return f"{self.name} — {self.context}" if self.ancestors else self.name


def region_children(parent_code: str | None) -> QuerySet[Region]:
    """The regions directly under `parent_code` (the provinces for None), by name."""
    regions = Region.objects.filter(parent_id=parent_code) if parent_code else Region.objects.filter(level=1)
    return regions.order_by("name", "code")


def regions_within(codes: Iterable[str]) -> QuerySet[Region]:
    """The regions `codes` and every region under them."""
    condition = Q(pk__in=[])
    for code in sorted(set(codes)):
        condition |= Q(code=code) | Q(code__startswith=f"{code}.")
    return Region.objects.filter(condition)


def region_paths(codes: Iterable[str]) -> dict[str, RegionPath]:
    """The regions `codes` with their ancestors' names, in one query; unknown codes are left out."""
    wanted = list(dict.fromkeys(codes))
    every = {ancestor for code in wanted for ancestor in ancestor_codes(code)}
    refs = {
        code: RegionRef(code, name, level)
        for code, name, level in Region.objects.filter(code__in=every).values_list("code", "name", "level")
    }
    return {
        code: RegionPath(
            code,
            refs[code].name,
            refs[code].level,
            tuple(refs[ancestor] for ancestor in ancestor_codes(code)[:-1] if ancestor in refs),
        )
        for code in wanted
        if code in refs
    }


def region_path(code: str) -> RegionPath | None:
    return region_paths([code]).get(code)


def search_query_error(query: str) -> str | None:
    """Why `query` cannot be searched for, or None when it can."""
    if len(query.strip()) > MAX_QUERY_LENGTH:
        return _("Paling banyak %(max)d karakter.") % {"max": MAX_QUERY_LENGTH}
    if len(_search_token(query)) < MIN_QUERY_LENGTH:
        return _("Ketik minimal %(min)d huruf atau angka dari nama atau kode wilayah.") % {"min": MIN_QUERY_LENGTH}
    return None


def _search_token(query: str) -> str:
    """Codes are searched as typed ("53.01"), names as their search key ("Kupang  teng" → "kupang teng")."""
    query = query.strip()
    return query if _CODE_QUERY.match(query) else search_key(query)


def region_search(
    query: str, *, level: int | Collection[int] | None = None, within: Collection[str] | None = None, limit: int = 20
) -> list[RegionPath]:
    """Type-ahead: regions whose name has a word starting with `query`, or whose code starts with it.

    Ranked exact name first, then names starting with the query, then names with a later word starting with it;
    provinces before regencies before districts before villages; then alphabetically. `level` keeps one or
    several levels, `within` the regions under the given codes (an empty collection of either finds nothing).
    Two queries whatever the number of matches: the token index scan and the names.
    """
    token = _search_token(query)
    no_levels = level is not None and not isinstance(level, int) and not level
    if search_query_error(query) or no_levels or (within is not None and not within):
        return []
    sql, params = search_sql(token, level=level, within=within, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[str, int, int, bytes]] = cursor.fetchall()
    encoded = token.encode()
    ranked = sorted(
        (0 if kind != TokenKind.WORD and bytes(found) == encoded else kind, found_level, bytes(found), code)
        for code, kind, found_level, found in rows
    )
    codes = list(dict.fromkeys(match[-1] for match in ranked))[:limit]
    paths = region_paths(codes)
    return [paths[code] for code in codes if code in paths]


def search_sql(
    token: str, *, level: int | Collection[int] | None, within: Collection[str] | None, limit: int
) -> tuple[str, list[Any]]:
    """One UNION ALL of index range scans, one per (kind, level), each in token order and cut at the limit.

    Ranking is by kind and level first, so the best `limit` matches overall are among the first of each scan:
    no database has to sort every village matching "su". A region can match by two tokens of one scan
    ("Kabupaten Kupang" and "Kupang"), so each scan keeps twice the limit. Written out rather than built with
    the ORM, which took longer to compile the eight scans than the database takes to run them.
    """
    kinds = [TokenKind.CODE] if _CODE_QUERY.match(token) else [TokenKind.NAME, TokenKind.WORD]
    levels: list[int] = list(RegionLevel) if level is None else [level] if isinstance(level, int) else sorted(level)
    low = token.encode()
    region_filter = ""
    region_params: list[str] = []
    if within is not None:
        codes = sorted(set(within))
        region_filter = " AND (" + " OR ".join(["region_id = %s OR region_id LIKE %s ESCAPE '\\'"] * len(codes)) + ")"
        for code in codes:
            region_params += [code, _escape_like(code) + ".%"]
    table = connection.ops.quote_name(RegionToken._meta.db_table)
    scan = (
        f"SELECT * FROM (SELECT region_id, kind, level, token FROM {table}"  # noqa: S608 - no user input in the text
        f" WHERE kind = %s AND level = %s AND token >= %s AND token < %s{region_filter}"
        " ORDER BY token LIMIT %s) AS scan_"
    )
    parts: list[str] = []
    params: list[Any] = []
    for kind in kinds:
        for each_level in levels:
            parts.append(f"{scan}{len(parts)}")
            params += [int(kind), each_level, low, low + b"\xff", *region_params, limit * 2]
    return " UNION ALL ".join(parts), params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
