from __future__ import annotations

from typing import Any

import pytest

from bangkit.accounts.testing import People
from bangkit.assistance.testing import finance_officer


@pytest.fixture
def officers(people: People) -> tuple[Any, Any, Any]:
    """Three finance officers of Kabupaten Kupang: a maker, a checker and a second approver."""
    return finance_officer(people, "maker"), finance_officer(people, "checker"), finance_officer(people, "second")
