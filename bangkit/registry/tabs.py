"""The tabs of a person's page. Each tab is its own URL, loaded by htmx when opened, so a cheap phone fetches only
what its user looks at; apps above the registry (cases, programs, assistance) add theirs in AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class PersonTab:
    key: str
    label: str | Promise
    url_name: str  # reversed with the person's pk
    permission: str  # the tab shows only to users holding it over the person's region
    order: int


PERSON_TABS: list[PersonTab] = []


def add_person_tab(tab: PersonTab) -> None:
    if all(existing.key != tab.key for existing in PERSON_TABS):
        PERSON_TABS.append(tab)
        PERSON_TABS.sort(key=lambda existing: existing.order)
