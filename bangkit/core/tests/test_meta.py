"""Meta-tests: rules that hold for every model, so that a new model cannot skip them."""

from __future__ import annotations

import importlib
import pkgutil

from django.urls import get_resolver

import bangkit
from bangkit.core.generic import EXPOSED_MODELS
from bangkit.core.testing.cases import ScopedModelTests


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _all_subclasses(sub)
    return found


def test_it_has_generated_authorization_tests_for_every_model_with_a_page_or_api() -> None:
    get_resolver().url_patterns  # noqa: B018 - loads every view module, which registers its model
    for module in pkgutil.walk_packages(bangkit.__path__, "bangkit."):
        if ".tests." in module.name + "." and not module.name.endswith(".encryption_app"):
            importlib.import_module(module.name)
    tested = {case.model for case in _all_subclasses(ScopedModelTests) if hasattr(case, "model")}
    missing = sorted(model._meta.label for model in EXPOSED_MODELS - tested)
    assert not missing, f"models without generated authorization tests (see core/testing/cases.py): {missing}"


def test_it_has_a_migration_for_every_model_change(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()
