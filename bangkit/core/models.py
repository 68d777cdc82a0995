from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangkit.core.fields import EncryptedQuerySetMixin
from bangkit.core.scoping import ScopedQuerySet

_M = TypeVar("_M", bound=models.Model)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


# django-stubs types each queryset's as_manager() as its own class, which it then calls an incompatible override.
class ScopedModelQuerySet(EncryptedQuerySetMixin[_M], ScopedQuerySet[_M]):  # type: ignore[override]
    """Scoping plus exact search by encrypted fields' blind indexes (a no-op for models without them)."""


class ScopedModel(TimeStampedModel):
    """A record that lives in a region: users see and touch it only inside their jurisdictions.

    Subclasses set `scope_region_path` to the lookup path of the Region foreign key that places them, and
    `scope_read_from_below` when users of the regions inside the record's may read it too (core.scoping.sees).
    """

    scope_region_path = "region"
    scope_read_from_below = False

    objects = ScopedModelQuerySet.as_manager()

    class Meta:
        abstract = True
