from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


def search_key(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a name, as typed in a search box."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]+", " ", stripped.lower()).strip()


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
    # Lower-case, accent-free name used for type-ahead range scans on both SQLite and PostgreSQL.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
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
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of this node and every node above it, province first."""
        parts = self.code.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    def covers(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")
