"""What each app contributes to the shared shell: menu entries, top-bar items, home-page counters and demo data.

Apps register in their AppConfig.ready(); the shell shows an entry only to users holding its permission, and
counts only records inside their jurisdictions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    permission: str
    group: str | Promise
    icon: str = ""


@dataclass(frozen=True)
class HomeCounter:
    label: str | Promise
    model: type[models.Model]
    url_name: str


@dataclass(frozen=True)
class NavbarItem:
    """A link beside the user menu of the top bar (the notification bell). Its badge is fetched from `badge_url_name`
    by htmx once the page has loaded, so that no page pays for it in its own queries."""

    label: str | Promise
    url_name: str
    badge_url_name: str
    icon: str


@dataclass(frozen=True)
class DemoLoader:
    """Loads one app's demo data idempotently; `order` runs lower-level apps first. Returns lines to print."""

    name: str
    order: int
    load: Callable[[], list[str]]


@dataclass
class ShellRegistry:
    menu: list[MenuEntry] = field(default_factory=list)
    counters: list[HomeCounter] = field(default_factory=list)
    navbar: list[NavbarItem] = field(default_factory=list)
    demo_loaders: list[DemoLoader] = field(default_factory=list)

    def add_demo_loader(self, loader: DemoLoader) -> None:
        if loader.name not in {existing.name for existing in self.demo_loaders}:
            self.demo_loaders.append(loader)

    def add_menu(self, entry: MenuEntry) -> None:
        if entry not in self.menu:
            self.menu.append(entry)

    def add_navbar_item(self, item: NavbarItem) -> None:
        if item not in self.navbar:
            self.navbar.append(item)

    def add_counter(self, counter: HomeCounter) -> None:
        if counter not in self.counters:
            self.counters.append(counter)


shell = ShellRegistry()
