"""Community prevention: head counts of prevention sessions, and the daily tally of the public safe-migration
checklist.

Neither holds anyone's name. A prevention session (`programs.Event` of kind `prevention`) is counted, not
attended by registered people: how many women and men came, and of them how many were under 18 or had worked
abroad. The public checklist keeps only how many times it was completed per day and province.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.accounts.models import ConstraintErrorsOnFields
from bangkit.core.models import ScopedModel
from bangkit.core.scoping import ScopedQuerySet

# More people than any village hall holds: a larger number is a typing error, and the sums stay within integers.
MAX_HEADCOUNT = 100_000


# PositiveIntegerField also makes the database refuse a negative count (a column check constraint).
_PLAUSIBLE = [MaxValueValidator(MAX_HEADCOUNT)]


class Headcount(ConstraintErrorsOnFields, ScopedModel):
    """The people who came to one day of a prevention session, counted and never named."""

    scope_region_path = "event__region"

    event = models.ForeignKey(
        "programs.Event",
        verbose_name=pgettext_lazy("event", "kegiatan"),
        on_delete=models.PROTECT,
        related_name="headcounts",
    )
    date = models.DateField(_("tanggal sesi"))
    women = models.PositiveIntegerField(_("perempuan"), validators=_PLAUSIBLE)
    men = models.PositiveIntegerField(_("laki-laki"), validators=_PLAUSIBLE)
    youths = models.PositiveIntegerField(
        _("di antaranya berusia di bawah 18 tahun"),
        default=0,
        validators=_PLAUSIBLE,
        help_text=_("Perempuan dan laki-laki bersama."),
    )
    former_migrants = models.PositiveIntegerField(
        _("di antaranya pernah bekerja di luar negeri"),
        default=0,
        validators=_PLAUSIBLE,
        help_text=_("Mantan pekerja migran yang hadir, sejauh diketahui."),
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    constraint_fields = {
        "headcount_once_per_event_day": "date",
        "headcount_someone_came": "women",
        "headcount_youths_within_total": "youths",
        "headcount_former_migrants_within_total": "former_migrants",
    }

    class Meta:
        verbose_name = _("jumlah hadir sosialisasi")
        verbose_name_plural = pgettext_lazy("plural", "jumlah hadir sosialisasi")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "date"],
                name="headcount_once_per_event_day",
                violation_error_message=_("Jumlah hadir kegiatan ini pada tanggal itu sudah dicatat; ubah catatannya."),
            ),
            models.CheckConstraint(
                condition=Q(women__gt=0) | Q(men__gt=0),
                name="headcount_someone_came",
                violation_error_message=_("Isi jumlah perempuan dan laki-laki yang hadir."),
            ),
            models.CheckConstraint(
                condition=Q(youths__lte=F("women") + F("men")),
                name="headcount_youths_within_total",
                violation_error_message=_("Yang berusia di bawah 18 tahun tidak boleh lebih dari jumlah yang hadir."),
            ),
            models.CheckConstraint(
                condition=Q(former_migrants__lte=F("women") + F("men")),
                name="headcount_former_migrants_within_total",
                violation_error_message=_("Mantan pekerja migran tidak boleh lebih dari jumlah yang hadir."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.date:%d-%m-%Y}"

    def get_absolute_url(self) -> str:
        return reverse("prevention:headcount_detail", args=[self.pk])

    @property
    def total(self) -> int:
        return self.women + self.men


class ChecklistUse(models.Model):
    """How many times the public safe-migration checklist was completed on one day by visitors who chose this
    province (none: they did not say). Nothing else about a visitor is kept: no answers, no address, no time.

    Rows are incremented in the database (`services.checklist_use_record`), so simultaneous visitors never lose a
    count. Read from below: a regency's officers see their province's tally, the finest level there is.
    """

    scope_region_path = "province"
    scope_read_from_below = True

    day = models.DateField(_("tanggal"))
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("provinsi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed = models.PositiveIntegerField(_("jumlah pengisian selesai"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("penggunaan daftar periksa migrasi aman")
        verbose_name_plural = pgettext_lazy("plural", "penggunaan daftar periksa migrasi aman")
        ordering = ["day", "province"]
        constraints = [
            models.UniqueConstraint(fields=["day", "province"], name="checklistuse_once_per_day_province"),
            # NULLs are distinct in the constraint above: the day's "province not said" row needs its own.
            models.UniqueConstraint(
                fields=["day"], condition=Q(province__isnull=True), name="checklistuse_once_per_day_unsaid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.province_id or '-'}: {self.completed}"
