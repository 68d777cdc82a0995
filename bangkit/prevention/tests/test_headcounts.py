"""Head counts of community prevention sessions: who may record and read them, the rules they obey (one per event
and day, sub-counts within the total, a prevention session, a day that has happened), their pages, API and
history, and the sums per province or regency and year."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.prevention import selectors, services
from bangkit.prevention.models import Headcount
from bangkit.prevention.testing import make_headcount, prevention_event, venue_today
from bangkit.programs.choices import EventKind
from bangkit.programs.models import Event
from bangkit.programs.testing import planner
from bangkit.regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


class TestHeadcountPages(ScopedModelTests):
    model = Headcount
    permitted_user = "kupang_case_worker"
    reader_user = "national_analyst"  # reads every head count, records none
    list_url = "prevention:headcount_list"
    detail_url = "prevention:headcount_detail"
    edit_url = "prevention:headcount_edit"
    api_list_url = "headcount-list"
    api_detail_url = "headcount-detail"
    api_writes = {"patch"}
    list_queries = 7

    def make(self, people: Any, place: str) -> Headcount:
        return make_headcount(people, place)

    def change_payload(self, obj: Any) -> dict[str, Any]:
        return {"women": obj.women + 1}


# --- the rules -------------------------------------------------------------------------------------------------


def test_it_records_who_counted_and_the_numbers(people):
    headcount = make_headcount(people, women=30, men=12, youths=9, former_migrants=5)

    assert headcount.counted_by == people.kupang_case_worker
    assert (headcount.women, headcount.men, headcount.total) == (30, 12, 42)
    assert headcount.created_at is not None


def test_a_program_officer_records_a_head_count_too(people):
    event = prevention_event(people)

    headcount = services.headcount_create(
        actor=people.kupang_program_officer, event=event, date=event.start_date, women=5, men=5
    )

    assert (headcount.youths, headcount.former_migrants) == (0, 0)


def test_it_keeps_no_name_of_anyone_who_came():
    text_fields = [
        field.name
        for field in Headcount._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]

    assert text_fields == []


def test_it_counts_only_prevention_sessions(people):
    bimsos = prevention_event(people, kind=EventKind.SOCIAL_GUIDANCE, title="Bimsos Kupang")

    with pytest.raises(ServiceError) as refused:
        make_headcount(people, event=bimsos)

    assert refused.value.field == "event"
    assert not Headcount.objects.exists()


def test_it_counts_a_day_of_the_event_that_has_come(people):
    event = prevention_event(people, start=venue_today("kupang") - timedelta(days=1), days=2)

    with pytest.raises(ServiceError, match="di antara") as before:
        make_headcount(people, event=event, date=event.start_date - timedelta(days=1))
    tomorrow = prevention_event(people, start=venue_today("kupang") + timedelta(days=1), title="Besok")
    with pytest.raises(ServiceError, match="setelah sesi") as ahead:
        make_headcount(people, event=tomorrow)

    assert before.value.field == ahead.value.field == "date"
    assert make_headcount(people, event=event, date=event.end_date).date == venue_today("kupang")


def test_it_counts_each_day_once(people):
    first = make_headcount(people)

    with pytest.raises(ValidationError) as refused:
        make_headcount(people, event=first.event)

    assert "sudah dicatat" in str(refused.value.message_dict["date"])
    assert Headcount.objects.count() == 1


def test_it_refuses_more_youths_or_former_migrants_than_came(people):
    with pytest.raises(ValidationError) as youths:
        make_headcount(people, women=3, men=2, youths=6)
    with pytest.raises(ValidationError) as migrants:
        make_headcount(people, women=3, men=2, youths=0, former_migrants=6)
    with pytest.raises(ValidationError) as nobody:
        make_headcount(people, women=0, men=0, youths=0, former_migrants=0)

    assert "di bawah 18 tahun" in str(youths.value.message_dict["youths"])
    assert "Mantan pekerja migran" in str(migrants.value.message_dict["former_migrants"])
    assert "Isi jumlah" in str(nobody.value.message_dict["women"])
    assert not Headcount.objects.exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [("women", -1), ("youths", 41), ("former_migrants", 41), ("women", 0)],
    ids=["negative", "youths-over-total", "migrants-over-total", "nobody"],
)
def test_the_database_refuses_impossible_counts(people, column, value):
    headcount = make_headcount(people, women=23, men=17, youths=6, former_migrants=4)
    if column == "women" and value == 0:
        Headcount.objects.filter(pk=headcount.pk).update(men=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.filter(pk=headcount.pk).update(**{column: value})


def test_the_database_refuses_a_second_count_of_the_same_day(people):
    headcount = make_headcount(people)

    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.create(
            event=headcount.event, date=headcount.date, women=1, men=1, counted_by=people.kupang_case_worker
        )


def test_it_refuses_a_case_worker_of_another_regency_and_an_analyst(people):
    event = prevention_event(people)

    with pytest.raises(OutOfJurisdiction):
        services.headcount_create(
            actor=people.indramayu_case_worker, event=event, date=event.start_date, women=1, men=1
        )
    with pytest.raises(OutOfJurisdiction):
        services.headcount_create(actor=people.national_analyst, event=event, date=event.start_date, women=1, men=1)
    with pytest.raises(NotPermitted):
        services.headcount_create(actor=people.national_auditor, event=event, date=event.start_date, women=1, men=1)
    assert not Headcount.objects.exists()


def test_a_correction_changes_the_numbers_not_the_event(people):
    headcount = make_headcount(people)

    services.headcount_change(actor=people.kupang_program_officer, headcount=headcount, women=25)
    with pytest.raises(TypeError):
        services.headcount_change(actor=people.kupang_case_worker, headcount=headcount, event=headcount.event)

    headcount.refresh_from_db()
    assert headcount.women == 25
    assert headcount.counted_by == people.kupang_case_worker


def test_its_changes_are_in_the_history(people):
    headcount = make_headcount(people)
    services.headcount_change(actor=people.kupang_case_worker, headcount=headcount, men=20)

    entries = LogEntry.objects.get_for_object(headcount).order_by("id")

    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes_dict["men"] == ["17", "20"]


# --- pages -----------------------------------------------------------------------------------------------------


def _form(event: Event, **changes: Any) -> dict[str, Any]:
    return {
        "event": event.pk,
        "date": event.start_date.isoformat(),
        "women": "12",
        "men": "9",
        "youths": "4",
        "former_migrants": "2",
        **changes,
    }


def test_a_case_worker_records_a_head_count_from_the_event_link(client, people):
    event = prevention_event(people)
    client.force_login(people.kupang_case_worker)

    shown = client.get(reverse("prevention:headcount_add"), {"event": event.pk})
    response = client.post(reverse("prevention:headcount_add"), _form(event))

    assert shown.status_code == 200
    assert shown.context["form"].initial["event"] == event.pk
    headcount = Headcount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == headcount.get_absolute_url()
    assert (headcount.event, headcount.women, headcount.men, headcount.counted_by) == (
        event,
        12,
        9,
        people.kupang_case_worker,
    )
    page = client.get(headcount.get_absolute_url()).content.decode()
    assert "Sosialisasi migrasi aman Kupang" in page
    assert "21" in page


def test_the_form_offers_only_prevention_sessions_the_user_may_count(client, people):
    ours = prevention_event(people)
    prevention_event(people, kind=EventKind.SOCIAL_GUIDANCE, title="Bimsos Kupang")
    prevention_event(people, "indramayu")
    prevention_event(people, start=venue_today("kupang") + timedelta(days=3), title="Belum mulai")
    client.force_login(people.kupang_case_worker)

    offered = client.get(reverse("prevention:headcount_add")).context["form"].fields["event"].queryset

    assert list(offered) == [ours]


def test_a_sub_count_larger_than_the_total_is_shown_on_its_field_and_nothing_is_saved(client, people):
    event = prevention_event(people)
    client.force_login(people.kupang_case_worker)

    response = client.post(reverse("prevention:headcount_add"), _form(event, youths="40"))

    assert response.status_code == 200
    assert "di bawah 18 tahun" in str(response.context["form"].errors["youths"])
    assert not Headcount.objects.exists()


def test_a_second_count_of_the_day_is_refused_on_the_date(client, people):
    first = make_headcount(people)
    client.force_login(people.kupang_case_worker)

    response = client.post(reverse("prevention:headcount_add"), _form(first.event))

    assert "sudah dicatat" in str(response.context["form"].errors["date"])
    assert Headcount.objects.count() == 1


def test_a_day_outside_the_event_is_refused_on_the_date(client, people):
    event = prevention_event(people)
    client.force_login(people.kupang_case_worker)

    response = client.post(
        reverse("prevention:headcount_add"), _form(event, date=(event.start_date - timedelta(days=3)).isoformat())
    )

    assert "di antara" in str(response.context["form"].errors["date"])
    assert not Headcount.objects.exists()


def test_the_list_filters_by_year_region_and_event(client, people):
    kupang = make_headcount(people)
    indramayu = make_headcount(people, "indramayu")
    client.force_login(people.national_analyst)

    def listed(**query: Any) -> set[int]:
        return {item.pk for item in client.get(reverse("prevention:headcount_list"), query).context["object_list"]}

    assert listed() == {kupang.pk, indramayu.pk}
    assert listed(region="32") == {indramayu.pk}
    assert listed(event=kupang.event_id) == {kupang.pk}
    assert listed(year=kupang.date.year - 1) == set()
    assert listed(region="53.0x") == set()  # malformed: the filter says so and lists nothing


# --- API -------------------------------------------------------------------------------------------------------


def test_a_case_worker_records_and_corrects_a_head_count_through_the_api(api_client, people):
    event = prevention_event(people)
    api_client.force_authenticate(people.kupang_case_worker)
    body = {"event": event.pk, "date": event.start_date.isoformat(), "women": 10, "men": 4, "youths": 2}

    created = api_client.post(reverse("headcount-list"), body, format="json")
    corrected = api_client.patch(
        reverse("headcount-detail", args=[created.json()["id"]]), {"former_migrants": 3}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert created.json()["total"] == 14
    assert created.json()["region"] == "53.01.08.1007"
    assert created.json()["counted_by"] == people.kupang_case_worker.pk
    assert corrected.status_code == 200
    assert corrected.json()["former_migrants"] == 3


def test_the_api_names_the_field_at_fault_and_saves_nothing(api_client, people):
    event = prevention_event(people)
    other = prevention_event(people, "indramayu")
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("headcount-list")
    day = event.start_date.isoformat()

    too_many = api_client.post(url, {"event": event.pk, "date": day, "women": 1, "men": 1, "youths": 3}, format="json")
    negative = api_client.post(url, {"event": event.pk, "date": day, "women": -1, "men": 1}, format="json")
    huge = api_client.post(url, {"event": event.pk, "date": day, "women": 10**12, "men": 1}, format="json")
    elsewhere = api_client.post(url, {"event": other.pk, "date": day, "women": 1, "men": 1}, format="json")

    assert too_many.status_code == 400
    assert too_many.json()["errors"]["youths"]
    assert negative.json()["errors"]["women"]
    assert huge.json()["errors"]["women"]
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"]["event"]
    assert not Headcount.objects.exists()


def test_the_api_sums_head_counts_per_province_and_regency(api_client, people):
    make_headcount(people, women=10, men=5, youths=2, former_migrants=1)
    make_headcount(people, "indramayu", women=7, men=3, youths=0, former_migrants=2)
    api_client.force_authenticate(people.national_analyst)
    url = reverse("headcount-totals")

    provinces = api_client.get(url).json()
    regencies = api_client.get(url, {"by": "regency", "year": venue_today("kupang").year}).json()
    bad = api_client.get(url, {"by": "district"})

    assert [(row["region"], row["region_name"], row["total"]) for row in provinces] == [
        ("32", "Jawa Barat", 10),
        ("53", "Nusa Tenggara Timur", 15),
    ]
    assert {row["region"] for row in regencies} == {"32.12", "53.01"}
    assert bad.status_code == 400
    assert bad.json()["errors"]["by"]


# --- sums ------------------------------------------------------------------------------------------------------


def test_the_sums_are_per_province_or_regency_and_year_of_what_the_user_sees(people):
    this_year = venue_today("kupang").year
    tarus = prevention_event(people, days=1)
    make_headcount(people, event=tarus, women=10, men=5, youths=2, former_migrants=1)
    alak = Region.objects.create(
        code="53.71.01.1001", name="Alak", level=RegionLevel.VILLAGE, parent=people.regions["53.71.01"]
    )
    kota = prevention_event(people, region=alak, participant_region=None, title="Kota Kupang")
    services.headcount_create(actor=planner(), event=kota, date=kota.start_date, women=4, men=4, youths=1)
    make_headcount(people, "indramayu", women=7, men=3, youths=0, former_migrants=2)

    national = selectors.headcount_totals(people.national_analyst, year=this_year)
    by_regency = selectors.headcount_totals(people.national_analyst, level=RegionLevel.REGENCY, year=this_year)
    kupang_only = selectors.headcount_totals(people.kupang_program_officer, level=RegionLevel.REGENCY)
    within = selectors.headcount_totals(people.national_analyst, within="53.71")
    last_year = selectors.headcount_totals(people.national_analyst, year=this_year - 1)

    assert [(t.region_code, t.year, t.events, t.sessions, t.women, t.men, t.total, t.youths) for t in national] == [
        ("32", this_year, 1, 1, 7, 3, 10, 0),
        ("53", this_year, 2, 2, 14, 9, 23, 3),
    ]
    assert [(t.region_code, t.region_name, t.total) for t in by_regency] == [
        ("32.12", "Kabupaten Indramayu", 10),
        ("53.01", "Kabupaten Kupang", 15),
        ("53.71", "Kota Kupang", 8),
    ]
    assert [(t.region_code, t.total) for t in kupang_only] == [("53.01", 15)]
    assert [(t.region_code, t.total) for t in within] == [("53", 8)]
    assert last_year == []


def test_the_sums_cost_two_queries_however_many_counts(people):
    for _ in range(3):
        make_headcount(people)
    people.national_analyst.has_perm("prevention.view_headcount")  # the grants, read once per request

    with CaptureQueriesContext(connection) as queries:
        selectors.headcount_totals(people.national_analyst, level=RegionLevel.REGENCY)

    assert len(queries) == 2


def test_a_level_other_than_province_or_regency_is_a_programming_error(people):
    with pytest.raises(ValueError, match="level"):
        selectors.headcount_totals(people.national_analyst, level=RegionLevel.DISTRICT)
