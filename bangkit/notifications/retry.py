"""Bounded retries with growing waits, shared by the outbox's messages to people and the notifications' e-mails.

A failed attempt is tried again after `first_delay`, then twice as long, and so on (5, 10, 20, 40 minutes... for
messages), until the attempts reach the bound read from the setting `setting` (`default` when the installation does
not set it); then the item fails for good and stays failed, for staff to see. A permanent failure (the provider says
trying again cannot help) is not retried at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta
    setting: str  # the name of the setting bounding the attempts
    default: int  # the bound when the setting is not there

    def max_attempts(self) -> int:
        return max(1, int(getattr(settings, self.setting, self.default)))

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: first_delay × 2^(attempts - 1)."""
        return self.first_delay * 2 ** max(attempts - 1, 0)

    def next_attempt(self, now: datetime, attempts: int, *, permanent: bool = False) -> datetime | None:
        """When to try again after `attempts` attempts, the last of which failed at `now`; None when that was the
        last attempt allowed (or the failure is permanent)."""
        if permanent or attempts >= self.max_attempts():
            return None
        return now + self.delay(attempts)


# Messages to people: MESSAGE_MAX_ATTEMPTS (5) tries, 5, 10, 20, 40 minutes apart.
MESSAGE_RETRY = RetryPolicy(timedelta(minutes=5), "BANGKIT_MESSAGE_MAX_ATTEMPTS", 5)
# E-mails of notifications: BANGKIT_EMAIL_MAX_ATTEMPTS (3) tries, 10 and 20 minutes apart; a mail server down for
# longer than half an hour is an outage for an administrator, who sees the failed e-mails on their page.
EMAIL_RETRY = RetryPolicy(timedelta(minutes=10), "BANGKIT_EMAIL_MAX_ATTEMPTS", 3)
