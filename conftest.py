import pytest

from bangkit.accounts.testing import People, create_people


@pytest.fixture
def people(db: None) -> People:
    """The fixed cast of test users (see bangkit/accounts/testing.py)."""
    return create_people()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
