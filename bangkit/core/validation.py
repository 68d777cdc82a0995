"""Model validation for services: the same messages whether a form, the API or an import made the record."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from bangkit.core.exceptions import ServiceError


def clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """`full_clean`, with a record-wide message (a violated constraint) raised as a ServiceError carrying it."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        if set(errors) == {NON_FIELD_ERRORS}:
            raise ServiceError(str(errors[NON_FIELD_ERRORS][0].messages[0])) from exc
        raise
