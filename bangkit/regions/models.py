from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.core.bulk import insert_rows

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def search_key(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a name, as typed in a search box."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub(" ", text.lower()).strip()


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class Region(models.Model):
    """One node of the Kemendagri hierarchy, keyed by its dotted code (53, 53.01, 53.01.08, 53.01.08.1007).

    The dotted code is the primary key so that a record's region column holds the code itself: a jurisdiction
    covers a record when the record's code equals the jurisdiction's or starts with it followed by a dot,
    which every scoped query can test without a join.
    """

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Lower-case, accent-free name, for exact look-ups by name; type-ahead goes through RegionToken.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = pgettext_lazy("plural", "wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name")]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="region_level_range"),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True) | models.Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves the region with its search name and search tokens in step with its name."""
        self.search_name = search_key(self.name)
        using = kwargs.get("using") or router.db_for_write(Region, instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            tokens = RegionToken.objects.db_manager(using)
            tokens.filter(region_id=self.code).delete()
            tokens.insert(region_tokens(self.code, self.name, self.level))

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of this node and every node above it, province first."""
        return ancestor_codes(self.code)

    def covers(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


def ancestor_codes(code: str) -> list[str]:
    """Codes of the node `code` and every node above it, province first: 53, 53.01, 53.01.08 for 53.01.08."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class TokenKind(models.IntegerChoices):
    """How a token matches its region; for names, the order is also the ranking order of a search."""

    CODE = 1, _("kode")
    NAME = 2, _("awal nama")
    WORD = 3, _("kata dalam nama")


TokenRow = tuple[bytes, int, int, str]


class RegionTokenManager(models.Manager["RegionToken"]):
    def insert(self, rows: list[TokenRow]) -> None:
        """Inserts (token, kind, level, region code) rows without building a model instance for each.

        A full load writes some 220,000 tokens: model instances would make it several times slower, and so would
        anything but COPY on PostgreSQL.
        """
        insert_rows(self.model, ("token", "kind", "level", "region"), rows, using=self.db)


class RegionToken(models.Model):
    """A search key of a region: its code, and its name from each word on ("kupang tengah", "tengah").

    Type-ahead is a prefix range scan (`token >= q AND token < q || 0xFF`) on the (kind, level, token) index.
    Tokens are bytes so that the range and the order are byte-wise on every database, whatever collation a
    PostgreSQL cluster was created with.
    """

    token = models.BinaryField(max_length=120)
    kind = models.PositiveSmallIntegerField(choices=TokenKind.choices)
    level = models.PositiveSmallIntegerField(choices=RegionLevel.choices)
    # No database constraint: tokens are derived rows that the loader and Region.save() keep in step, and checking
    # 220,000 foreign keys would add seconds to every full load.
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    objects = RegionTokenManager()

    class Meta:
        indexes = [models.Index(fields=["kind", "level", "token", "region"], name="region_token_lookup")]

    def __str__(self) -> str:
        return f"{bytes(self.token).decode()} → {self.region_id}"


# "Kabupaten Kupang" and "Kota Kupang" are looked for as "Kupang": the word after these starts the name too.
_REGENCY_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")
# Apostrophes split "Soka'an" into "soka an"; such a name is also indexed with them dropped ("sokaan").
_APOSTROPHES = re.compile("['\"`\u2018\u2019]")


def region_tokens(code: str, name: str, level: int) -> list[TokenRow]:
    """The (token, kind, level, code) rows that let a search find this region."""
    keys = {search_key(name)}
    if _APOSTROPHES.search(name):
        keys.add(search_key(_APOSTROPHES.sub("", name)))
    kinds: dict[str, int] = {}
    for key in keys:
        words = key.split()
        starts = {0}
        if level == RegionLevel.REGENCY:
            prefix = next((prefix for prefix in _REGENCY_PREFIXES if key.startswith(prefix)), "")
            starts.add(len(prefix.split()))
        for position in range(len(words)):
            token = " ".join(words[position:])
            kind = TokenKind.NAME if position in starts else TokenKind.WORD
            kinds[token] = min(kind, kinds.get(token, kind))
    return [(code.encode(), TokenKind.CODE, level, code)] + [
        (token.encode(), kind, level, code) for token, kind in kinds.items()
    ]
