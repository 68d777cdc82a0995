"""The duplicate review pages: who sees them, what they show, and merging or marking distinct from them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.accounts.testing import People
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.registry.choices import DuplicateStatus
from bangkit.registry.models import DuplicatePair, Person, Phone
from bangkit.registry.services.duplicates import record_duplicate_candidates
from bangkit.registry.testing import make_person

BORN = date(1988, 3, 2)


def make_pair(people: People, place: str = "kupang", second_name: str = "Johanes Nahak") -> DuplicatePair:
    """Yohanes Nahak and a second record of him (or of someone else), and their open pair."""
    first = make_person(people, place, full_name="Yohanes Nahak", sex="M", birth_date=BORN)
    other = make_person(people, place, full_name=second_name, sex="M", birth_date=BORN)
    [pair] = [pair for pair in record_duplicate_candidates(person=other) if pair.first == first]
    return pair


class TestDuplicatePairAccess(ScopedModelTests):
    model = DuplicatePair
    permitted_user = "kupang_supervisor"
    unpermitted_user = "kupang_case_worker"  # sees people, but does not resolve duplicates
    list_url = "registry:duplicate_list"
    detail_url = "registry:duplicate_detail"
    edit_url = "registry:duplicate_distinct"
    api_list_url = "duplicatepair-list"
    api_detail_url = "duplicatepair-detail"
    api_writes = ()  # resolved through POST .../merge/ and .../distinct/
    list_queries = 7

    def make(self, people: Any, place: str) -> DuplicatePair:
        return make_pair(people, place)

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {}


def test_it_lists_open_pairs_best_first_with_their_reasons(client: Any, people: People) -> None:
    weaker = make_pair(people)
    first = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=date(1990, 1, 1))
    second = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=date(1990, 1, 1))
    Phone.objects.create(person=first, number="081211112222")
    Phone.objects.create(person=second, number="081211112222")
    [stronger] = record_duplicate_candidates(person=second)
    client.force_login(people.kupang_supervisor)
    response = client.get(reverse("registry:duplicate_list"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    assert [pair.pk for pair in response.context["object_list"]] == [stronger.pk, weaker.pk]
    assert "Nomor telepon sama" in response.content.decode()


@pytest.fixture
def resolved_and_open(people: People) -> tuple[DuplicatePair, DuplicatePair]:
    resolved = make_pair(people)
    DuplicatePair.objects.filter(pk=resolved.pk).update(
        status=DuplicateStatus.DISTINCT, resolved_by=people.kupang_supervisor, resolved_at="2025-01-01T00:00Z"
    )
    first = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=date(1990, 1, 1))
    second = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=date(1990, 1, 1))
    [still_open] = record_duplicate_candidates(person=second)
    assert {still_open.first, still_open.second} == {first, second}
    return resolved, still_open


def test_it_lists_only_pairs_to_review_unless_asked(
    client: Any, people: People, resolved_and_open: tuple[DuplicatePair, DuplicatePair]
) -> None:
    resolved, still_open = resolved_and_open
    client.force_login(people.kupang_supervisor)
    listed = client.get(reverse("registry:duplicate_list")).context["object_list"]
    assert [pair.pk for pair in listed] == [still_open.pk]
    listed = client.get(reverse("registry:duplicate_list"), {"status": "all"}).context["object_list"]
    assert {pair.pk for pair in listed} == {resolved.pk, still_open.pk}
    listed = client.get(reverse("registry:duplicate_list"), {"status": "distinct"}).context["object_list"]
    assert [pair.pk for pair in listed] == [resolved.pk]


def test_it_hides_a_pair_across_two_regencies_from_both_regency_supervisors(client: Any, people: People) -> None:
    make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=BORN)
    indramayu = make_person(people, "indramayu", full_name="Maria Goreti Bria", birth_date=BORN)
    [pair] = record_duplicate_candidates(person=indramayu)
    for user in (people.kupang_supervisor, people.indramayu_supervisor):
        client.force_login(user)
        assert pair not in client.get(reverse("registry:duplicate_list")).context["object_list"]
        assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 404


def test_it_compares_both_records_side_by_side_and_logs_the_unmasked_view(client: Any, people: People) -> None:
    pair = make_pair(people)
    Phone.objects.create(person=pair.second, number="081322220000")
    client.force_login(people.kupang_supervisor)
    response = client.get(reverse("registry:duplicate_detail", args=[pair.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    page = response.content.decode()
    assert "Yohanes Nahak" in page
    assert "Johanes Nahak" in page
    assert pair.second.nik in page  # supervisors may see identifiers in clear...
    assert "081322220000" in page
    for person in (pair.first, pair.second):  # ...and each record seen in clear is logged
        assert LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS).count() == 1
    assert [field.name for field in response.context["merge_form"]][1:] == ["keep_full_name", "keep_nik"]


def test_it_masks_identifiers_for_a_reviewer_without_that_permission(
    client: Any, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(people)
    monkeypatch.setattr("bangkit.registry.masking.may_unmask", lambda user, permission, person: False)
    client.force_login(people.kupang_supervisor)
    page = client.get(reverse("registry:duplicate_detail", args=[pair.pk])).content.decode()
    assert pair.first.nik not in page
    assert pair.first.masked_nik in page
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_forbids_case_workers_to_review_or_merge(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 403
    response = client.post(reverse("registry:duplicate_merge", args=[pair.pk]), {"survivor": "first"})
    assert response.status_code == 403
    assert client.post(reverse("registry:duplicate_distinct", args=[pair.pk])).status_code == 403
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_it_answers_404_to_the_indramayu_supervisor_on_a_kupang_pair(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.indramayu_supervisor)
    assert client.get(reverse("registry:duplicate_detail", args=[pair.pk])).status_code == 404
    form = {"survivor": "first", "keep_full_name": "first"}
    assert client.post(reverse("registry:duplicate_merge", args=[pair.pk]), form).status_code == 404
    assert client.post(reverse("registry:duplicate_distinct", args=[pair.pk])).status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_it_merges_from_the_comparison(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_supervisor)
    response = client.post(
        reverse("registry:duplicate_merge", args=[pair.pk]),
        {"survivor": "second", "keep_full_name": "first", "keep_nik": "second"},
    )
    assert response.status_code == 302
    assert response["Location"] == pair.second.get_absolute_url()
    survivor = Person.objects.get(pk=pair.second_id)
    assert survivor.full_name == "Yohanes Nahak"  # the first record's spelling, as chosen
    assert Person.objects.get(pk=pair.first_id).merged_into == survivor
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED


def test_it_asks_for_every_choice_and_changes_nothing_meanwhile(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_supervisor)
    choices = {"keep_full_name": "first", "keep_nik": "first"}
    response = client.post(reverse("registry:duplicate_merge", args=[pair.pk]), choices)
    assert response.status_code == 400
    assert response.context["merge_form"].errors["survivor"] == ["Pilih data yang dipertahankan."]
    response = client.post(
        reverse("registry:duplicate_merge", args=[pair.pk]), {"survivor": "first", "keep_nik": "first"}
    )
    assert response.status_code == 400
    assert response.context["merge_form"].errors["keep_full_name"] == ["Pilih nilai yang dipakai."]
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_it_refuses_a_second_merge_with_a_clear_message(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_supervisor)
    form = {"survivor": "first", "keep_full_name": "first", "keep_nik": "first"}
    assert client.post(reverse("registry:duplicate_merge", args=[pair.pk]), form).status_code == 302
    response = client.post(reverse("registry:duplicate_merge", args=[pair.pk]), form)
    assert response.status_code == 400
    assert "sudah diputuskan" in response.content.decode()
    assert Person.objects.get(pk=pair.second_id).merged_into_id == pair.first_id


def test_it_marks_distinct_from_the_comparison(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_supervisor)
    response = client.post(reverse("registry:duplicate_distinct", args=[pair.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:duplicate_list")
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (DuplicateStatus.DISTINCT, people.kupang_supervisor)
    page = client.get(reverse("registry:duplicate_detail", args=[pair.pk])).content.decode()
    assert "Gabungkan" not in page


def test_it_shows_the_menu_entry_to_supervisors_only(client: Any, people: People) -> None:
    url = reverse("registry:duplicate_list")
    client.force_login(people.kupang_supervisor)
    assert url in client.get(reverse("home")).content.decode()
    client.force_login(people.kupang_case_worker)
    assert url not in client.get(reverse("home")).content.decode()


def test_it_shows_the_comparison_with_a_fixed_number_of_queries(client: Any, people: People) -> None:
    pair = make_pair(people)
    client.force_login(people.kupang_supervisor)
    url = reverse("registry:duplicate_detail", args=[pair.pk])
    with CaptureQueriesContext(connection) as bare:
        client.get(url)
    for number in range(3):
        Phone.objects.create(person=pair.first, number=f"08121111000{number}")
        Phone.objects.create(person=pair.second, number=f"08122222000{number}")
    with CaptureQueriesContext(connection) as busy:
        client.get(url)
    assert len(busy) == len(bare)


def test_it_gives_the_person_page_a_banner_for_merged_records_and_open_pairs(people: People) -> None:
    from django.template.loader import render_to_string

    from bangkit.registry.selectors.duplicates import merged_into_visible, open_pairs_of

    pair = make_pair(people)
    supervisor = people.kupang_supervisor
    banner = render_to_string(
        "registry/duplicates/_person_banner.html",
        {"person": pair.first, "merged_into": None, "duplicate_pairs": open_pairs_of(supervisor, pair.first)},
    )
    assert reverse("registry:duplicate_detail", args=[pair.pk]) in banner
    assert open_pairs_of(people.kupang_case_worker, pair.first) == []

    Person.objects.filter(pk=pair.second_id).update(merged_into=pair.first)
    merged = Person.objects.get(pk=pair.second_id)
    assert merged_into_visible(supervisor, merged) == pair.first
    assert merged_into_visible(people.indramayu_case_worker, merged) is None
    banner = render_to_string(
        "registry/duplicates/_person_banner.html",
        {"person": merged, "merged_into": None, "duplicate_pairs": []},
    )
    assert "di luar yurisdiksi Anda" in banner
