from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangkit.core.fields import EncryptedQuerySetMixin, EncryptedTextField
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


class IdempotentRequest(models.Model):
    """An API write sent with an `Idempotency-Key`, and the answer it got, for replaying to a retry
    (bangkit/core/idempotency.py). No answer yet (`response_status` NULL) means the write is still running."""

    # Indexed by the unique constraint on (user, key), which starts with it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=6)
    path = models.TextField()
    # SHA-256 of the method, path and body: a retry must be the same request.
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    # The answer's JSON as sent; encrypted because it may hold whatever the write returned (names, NIK, notes).
    response_body = EncryptedTextField(blank=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("permintaan API idempoten")
        verbose_name_plural = _("permintaan API idempoten")
        constraints = [
            # Settles concurrent requests with the same key: exactly one insert wins.
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotentrequest_user_key"),
            # A failure (5xx) is never kept, so that the client may retry it.
            models.CheckConstraint(
                condition=Q(response_status__isnull=True) | Q(response_status__gte=100, response_status__lt=500),
                name="core_idempotentrequest_kept_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
