"""`manage.py load_demo` fills the prevention pages: sessions in Kabupaten Kupang and Kabupaten Indramayu with their
head counts (no names), and the public checklist's daily tallies per province; loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.demo import demo_email, load_demo_accounts
from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.core.testing.regions import create_seed_regions
from bangkit.prevention import services
from bangkit.prevention.demo import CHECKLIST_DAYS, DEMO_SESSIONS, INDRAMAYU, KUPANG, load_demo_prevention
from bangkit.prevention.models import ChecklistUse, Headcount
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event
from bangkit.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> list[str]:
    create_seed_regions()
    load_demo_accounts()
    return load_demo_prevention()


def _user(slug: str, role: str) -> User:
    return User.objects.get(email=demo_email(slug, role))


def _snapshot() -> tuple[Any, ...]:
    return (
        Event.objects.count(),
        Headcount.objects.count(),
        list(ChecklistUse.objects.order_by("day", "province").values_list("day", "province", "completed")),
    )


def test_it_records_the_sessions_of_both_regencies_with_their_head_counts(loaded: list[str]) -> None:
    events = Event.objects.filter(kind=EventKind.PREVENTION)

    assert "Kabupaten Kupang prevention sessions: 4 new (0 already there), 423 people counted" in loaded
    assert events.filter(region__code__startswith="53.01.").count() == 4
    assert events.filter(region__code__startswith="32.12.").count() == 3
    assert Headcount.objects.count() == sum(session.days for session in DEMO_SESSIONS)
    kupang = Headcount.objects.filter(event__region__code__startswith="53.01.")
    assert set(kupang.values_list("counted_by__email", flat=True)) == {demo_email("lks-rpk", Role.CASE_WORKER)}
    assert {event.program.organisation.short_name for event in events.select_related("program__organisation")} == {
        "Dinsos Kabupaten Kupang",
        "Dinsos Kabupaten Indramayu",
    }
    # The latest session of each regency lies in this year, so that the overview's default year shows it.
    this_year = timezone.localdate().year
    for place in (KUPANG, INDRAMAYU):
        assert events.filter(region__code__startswith=f"{place.regency}.", start_date__year=this_year).exists()


def test_it_tallies_the_checklist_per_province_before_today(loaded: list[str]) -> None:
    provinces = set(ChecklistUse.objects.values_list("province", flat=True))

    # The test regions have three of the demo provinces; the visitors who named none are counted too.
    assert provinces == {"53", "32", "35", None}
    assert ChecklistUse.objects.aggregate(total=Sum("completed"))["total"] > 1000
    for province in Region.objects.filter(code__in=("53", "32")):
        today = services.checklist_day(province)
        days = ChecklistUse.objects.filter(province=province).values_list("day", flat=True)
        assert max(days) < today  # today is the real visitors'
        assert min(days) >= today - timedelta(days=CHECKLIST_DAYS)


def test_loading_again_adds_nothing(loaded: list[str]) -> None:
    before = _snapshot()

    again = load_demo_prevention()

    assert _snapshot() == before
    assert "Kabupaten Kupang prevention sessions: already there" in again
    assert "Kabupaten Indramayu prevention sessions: already there" in again
    assert any("(0 new daily tallies)" in line for line in again)


def test_a_days_tally_already_there_is_never_added_to(loaded: list[str]) -> None:
    latest, earlier = ChecklistUse.objects.filter(province="53").order_by("-day")[:2]
    ChecklistUse.objects.filter(pk=earlier.pk).update(completed=3)
    latest.delete()
    services.checklist_use_record(province=None)  # a real visitor today

    load_demo_prevention()

    assert ChecklistUse.objects.get(day=latest.day, province="53").completed == latest.completed  # filled again
    assert ChecklistUse.objects.get(pk=earlier.pk).completed == 3
    assert ChecklistUse.objects.get(province=None, day=services.checklist_day(None)).completed == 1


def test_the_overview_and_the_head_count_list_are_not_empty(loaded: list[str], client: Any) -> None:
    client.force_login(_user("rsts", Role.ANALYST))

    overview = client.get(reverse("prevention:overview")).context

    assert {total.region_code for total in overview["totals"]} == {"53", "32"}
    assert overview["uses"].total > 0
    client.force_login(_user("lks-rpk", Role.CASE_WORKER))
    listed = client.get(reverse("prevention:headcount_list"))
    assert listed.status_code == 200
    assert "Sosialisasi Migrasi Aman bagi Calon Pekerja Migran, Kelurahan Tarus" in listed.content.decode()
    assert "Mundakjaya" not in listed.content.decode()  # Indramayu's are not the Kupang LKS's to see


def test_the_load_demo_command_runs_it_after_the_accounts(db: None) -> None:
    create_seed_regions()
    output = StringIO()

    call_command("load_demo", stdout=output)

    assert "[prevention] Kabupaten Kupang prevention sessions: 4 new" in output.getvalue()
    assert "[prevention] Kabupaten Indramayu prevention sessions: 3 new" in output.getvalue()
