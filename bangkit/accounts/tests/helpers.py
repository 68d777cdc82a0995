from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse

from bangkit.accounts.models import User
from bangkit.accounts.testing import TEST_PASSWORD


def sign_in(client: Any, user: User) -> None:
    """Signs in through the login form, as a person does, so that allauth records the password as just entered.

    `force_login` records nothing: such a session counts as one whose password was entered long ago.
    """
    cache.clear()  # the login rate limits count per address, and every test client shares 127.0.0.1
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
