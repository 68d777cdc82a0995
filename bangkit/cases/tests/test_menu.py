"""What the shell shows about cases: menu entries by role, the home counter, the person page's tab."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bangkit.cases.testing import make_case
from bangkit.registry.tabs import PERSON_TABS


def _menu(client: Any) -> set[str]:
    response = client.get(reverse("home"))
    return {str(entry.label) for _, entries in response.context["nav_groups"] for entry in entries}


def test_it_offers_cases_and_tasks_to_a_case_worker_and_approvals_to_a_supervisor(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    assert {"Kasus", "Tugas saya"} <= _menu(client)
    assert "Persetujuan" not in _menu(client)
    client.force_login(people.kupang_supervisor)
    assert {"Kasus", "Tugas saya", "Persetujuan"} <= _menu(client)
    client.force_login(people.national_analyst)
    assert not {"Kasus", "Tugas saya", "Persetujuan"} & _menu(client)


def test_it_counts_only_the_cases_inside_the_jurisdiction_on_the_home_page(client: Any, people: Any) -> None:
    make_case(people, "kupang")
    make_case(people, "kupang")
    make_case(people, "indramayu")
    client.force_login(people.kupang_case_worker)
    counts = {str(item.label): item.count for item in client.get(reverse("home")).context["summary"]}
    assert counts["Kasus"] == 2
    client.force_login(people.national_analyst)
    counts = {str(item.label): item.count for item in client.get(reverse("home")).context["summary"]}
    assert "Kasus" not in counts


def test_it_adds_a_cases_tab_to_the_person_page(people: Any) -> None:
    tab = next(tab for tab in PERSON_TABS if tab.key == "cases")
    assert (tab.url_name, tab.permission) == ("cases:person_cases", "cases.view_case")


def test_it_serves_a_tab_as_a_whole_page_without_htmx(client: Any, people: Any) -> None:
    case = make_case(people)
    client.force_login(people.kupang_case_worker)
    page = client.get(reverse("cases:case_tasks", args=[case.pk])).content.decode()
    assert "<html" in page
    assert "Kembali ke halaman kasus" in page
