"""Meta-tests: rules that hold for every model, so that a new model cannot skip them."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

import bangkit
from bangkit.core.generic import EXPOSED_MODELS, ScopedViewMixin
from bangkit.core.testing.cases import ScopedModelTests


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _all_subclasses(sub)
    return found


def _load_every_test_module() -> None:
    for module in pkgutil.walk_packages(bangkit.__path__, "bangkit."):
        if ".tests." in module.name + "." and not module.name.endswith(".encryption_app"):
            importlib.import_module(module.name)


def _named_patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_it_has_generated_authorization_tests_for_every_model_with_a_page_or_api() -> None:
    get_resolver().url_patterns  # noqa: B018 - loads every view module, which registers its model
    _load_every_test_module()
    tested = {case.model for case in _all_subclasses(ScopedModelTests) if hasattr(case, "model")}
    missing = sorted(model._meta.label for model in EXPOSED_MODELS - tested)
    assert not missing, f"models without generated authorization tests (see core/testing/cases.py): {missing}"


def test_it_has_generated_write_tests_for_every_page_that_changes_or_deletes_a_record() -> None:
    """A scoped page changing (action "change") or deleting one record (`<pk>` in its URL) is the `edit_url`,
    `delete_url` or one of the `action_urls` of its model's generated tests: a new page that writes cannot go
    untested because no test declares it."""
    _load_every_test_module()
    cases: set[Any] = _all_subclasses(ScopedModelTests)
    declared = {
        (case.model, url_name)
        for case in cases
        if hasattr(case, "model")
        for url_name in (getattr(case, "edit_url", None), case.delete_url, *case.action_urls)
    }
    undeclared = []
    for name, pattern in _named_patterns(get_resolver()):
        view_class: Any = getattr(pattern.callback, "view_class", None)
        if view_class is None or not issubclass(view_class, ScopedViewMixin) or view_class.queryset is None:
            continue
        if "pk" not in getattr(pattern.pattern, "converters", {}):
            continue
        view = view_class()
        view.kwargs = {"pk": 1}
        if view.action in ("change", "delete") and (view_class.queryset.model, name) not in declared:
            undeclared.append(f"{name} ({view_class.queryset.model._meta.label})")
    assert not undeclared, f"pages no test declares as edit_url, delete_url or action_urls (cases.py): {undeclared}"


def test_it_has_a_migration_for_every_model_change(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()
