"""One exception hierarchy for services: views and the API turn these into field-level messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ServiceError(Exception):
    """A business rule refused the action. `field` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_validation_error(self) -> ValidationError:
        if self.field:
            return ValidationError({self.field: [self.message]})
        return ValidationError(self.message)


class NotPermitted(ServiceError):
    """The actor may see the record but not do this to it: a page shows the message, the API answers 403."""


class OutOfJurisdiction(ServiceError):
    """The record would end up, or already is, outside the acting user's jurisdictions."""
