"""Where each history entry belongs, so that a regional auditor reads the entries about records of their region.

auditlog's `LogEntry` has no region. An entry is placed by the record it is about, not by who made it: a national
officer's change to a Kupang record is Kupang's business, and a Kupang user's change to an Indramayu record is not.
A record that moved is placed in both regions, so each side sees it leave or arrive.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkit.regions.models import Region


class EntryScope(models.Model):
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="scopes")
    # No database constraint: an entry must outlive a region merged away in a later Kemendagri release.
    region = models.ForeignKey(Region, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        verbose_name = _("wilayah entri riwayat")
        verbose_name_plural = _("wilayah entri riwayat")
        constraints = [models.UniqueConstraint(fields=["region", "entry"], name="audit_entryscope_region_entry")]

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.region_id}"
