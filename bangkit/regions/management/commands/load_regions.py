from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangkit.regions.loading import ATTRIBUTION, RegionDataError, load_regions
from bangkit.regions.models import RegionLevel

# Obsolete codes listed in full up to this many; beyond it only the first ones, the count says the rest.
_OBSOLETE_SHOWN = 20


class Command(BaseCommand):
    help = "Memuat atau memperbarui wilayah Kemendagri (provinsi sampai desa) dari data idn-area-data yang disertakan."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            report = load_regions()
        except RegionDataError as exc:
            raise CommandError(str(exc)) from exc
        for level in RegionLevel:
            self.stdout.write(
                _("%(level)s: %(created)d baru, %(updated)d diperbarui, %(unchanged)d tetap.")
                % {
                    "level": level.label,
                    "created": report.created[level],
                    "updated": report.updated[level],
                    "unchanged": report.unchanged[level],
                }
            )
        self.stdout.write(_("Token pencarian ditulis: %(count)d.") % {"count": report.tokens_written})
        if report.obsolete:
            shown = ", ".join(report.obsolete[:_OBSOLETE_SHOWN])
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)d kode wilayah di basis data tidak ada dalam data %(version)s dan dibiarkan "
                        "(mungkin masih dirujuk): %(codes)s"
                    )
                    % {"count": len(report.obsolete), "version": report.version, "codes": shown}
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Wilayah versi %(version)s dimuat dalam %(seconds).1f detik; jumlah sesuai.")
                % {"version": report.version, "seconds": time.monotonic() - started}
            )
        )
        self.stdout.write(_("Sumber data: %(attribution)s") % {"attribution": ATTRIBUTION})
