from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from bangkit.accounts.testing import People
from bangkit.cases.models import Task
from bangkit.livelihoods.models import FollowUp
from bangkit.livelihoods.tests.test_services import paid_grant

pytestmark = pytest.mark.django_db


def test_the_daily_command_schedules_and_escalates_once(people: People) -> None:
    grant = paid_grant(people)
    out = StringIO()

    call_command("follow_up_visits", stdout=out)
    call_command("follow_up_visits", stdout=out)

    assert FollowUp.objects.filter(entitlement=grant).count() == 3
    assert "3 visits scheduled" in out.getvalue()
    # Every visit of a 2019 grant is long overdue by now: the case worker got a task for each, and has two weeks
    # before the supervisor hears of them.
    assert Task.objects.filter(case__person=grant.person, assigned_to=people.kupang_case_worker).count() == 3
    assert not Task.objects.filter(case__person=grant.person, assigned_to=people.kupang_supervisor).exists()
    assert FollowUp.objects.filter(escalation=1).count() == 3
    assert date(2020, 2, 20) in FollowUp.objects.values_list("due_on", flat=True)
