from __future__ import annotations

from django.db import models

from bangkit.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedQuerySetMixin,
    EncryptedTextField,
    digits_only,
)


class SecretRecordQuerySet(EncryptedQuerySetMixin["SecretRecord"]):
    pass


class SecretRecord(models.Model):
    nik = EncryptedCharField(max_length=16)
    nik_index = BlindIndexField(source="nik", normalise=digits_only, unique=True)
    narrative = EncryptedTextField(blank=True)
    phone = EncryptedCharField(max_length=20, null=True, blank=True)
    phone_index = BlindIndexField(source="phone", normalise=digits_only)

    objects = SecretRecordQuerySet.as_manager()

    def __str__(self) -> str:
        return f"SecretRecord {self.pk}"
