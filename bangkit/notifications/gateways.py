"""The SMS/WhatsApp gateway: whatever hands an outbox message to a telecom provider.

`BANGKIT_MESSAGE_GATEWAY` (environment `MESSAGE_GATEWAY`) names a class by dotted path; it is made without
arguments for each run of the sender. A gateway implements

    def send(self, message: OutboxMessage) -> str

which delivers `message.body` to `message.phone` over `message.channel` and returns the provider's id for the
message, or raises `GatewayError`: `permanent=True` when trying again cannot help (a number the provider refuses),
otherwise the sender tries again later, at most MESSAGE_MAX_ATTEMPTS times in all. The error's text is stored and
shown to staff: it must not contain the number or the body. A gateway should not take longer than a few seconds:
set a timeout on its HTTP calls.

`ConsoleGateway` (development) only logs the message's id. Tests use `bangkit.notifications.testing.FakeGateway`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from bangkit.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """The gateway did not take the message. The text is stored: never put the number or the body in it."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class MessageGateway(Protocol):
    def send(self, message: OutboxMessage) -> str: ...


def configured() -> bool:
    """Whether an installation has a gateway at all (production has none until one is configured)."""
    return bool(settings.BANGKIT_MESSAGE_GATEWAY)


def get_gateway() -> MessageGateway:
    gateway: MessageGateway = import_string(settings.BANGKIT_MESSAGE_GATEWAY)()
    return gateway


class ConsoleGateway:
    """For development: sends nothing, logs that the message would have gone, by its id alone."""

    def send(self, message: OutboxMessage) -> str:
        logger.info("outbox message %s sent by the console gateway (%s)", message.pk, message.channel)
        return f"console-{message.pk}"
