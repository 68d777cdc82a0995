from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkit.core.scoping import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class ScopedModel(TimeStampedModel):
    """A record that lives in a region: users see and touch it only inside their jurisdictions.

    Subclasses set `scope_region_path` to the lookup path of the Region foreign key that places them.
    """

    scope_region_path = "region"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
