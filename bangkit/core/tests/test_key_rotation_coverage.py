"""`manage.py rotate_field_keys` reaches every column that holds ciphertext or a blind index: the encrypted fields
of every model, found by their type, and the plain columns that hold copies of them (the import's staged rows),
declared in the model's `encrypted_copies`. A new model cannot be forgotten: the command finds it, and these tests
fail if it does not."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import TestCase, override_settings
from django.test.utils import isolate_apps

from bangkit.accounts.testing import People
from bangkit.cases.models import CaseNote
from bangkit.cases.testing import make_case
from bangkit.core import crypto
from bangkit.core.fields import BlindIndexField, EncryptedTextField
from bangkit.core.management.commands.rotate_field_keys import COPIES_ATTRIBUTE, plan_for
from bangkit.dataimport.choices import JobState
from bangkit.dataimport.models import StagedPerson
from bangkit.dataimport.services import import_job_confirm
from bangkit.dataimport.tests.helpers import MARIA_NIK, RUTH_NIK, YOHANES_NIK, csv_bytes, upload, valid_rows
from bangkit.registry.models import BankAccount, IdentityDocument, Person, Phone

pytestmark = pytest.mark.django_db


def _key(letter: str) -> str:
    return base64.urlsafe_b64encode(letter.encode() * 32).decode()


FIELD_A, FIELD_B, INDEX_1, INDEX_2 = _key("A"), _key("B"), _key("1"), _key("2")


def _rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def _text_columns() -> Iterator[tuple[str, str, str]]:
    """(model label, table, column) of every text column of every table the project has."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if field.get_internal_type() in ("CharField", "TextField"):
                yield model._meta.label, model._meta.db_table, field.column


def _columns_starting_with(*prefixes: str) -> dict[str, int]:
    """`label.column` → how many of its values start with one of `prefixes`: read raw, whatever the field."""
    found = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for label, table, column in _text_columns():
            tests = " OR ".join(f"SUBSTR({quote(column)}, 1, {len(prefix)}) = %s" for prefix in prefixes)
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {tests}", list(prefixes))  # noqa: S608
            (count,) = cursor.fetchone()
            if count:
                found[f"{label}.{column}"] = count
    return found


def test_it_plans_every_encrypted_field_and_blind_index_of_every_model() -> None:
    missing = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        plan = plan_for(model)
        planned = (
            {column.column for column in plan.encrypted} | {index.column for index in plan.indexes} if plan else set()
        )
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField | BlindIndexField) and field.name not in planned:
                missing.append(f"{model._meta.label}.{field.name}")
        for column in getattr(model, COPIES_ATTRIBUTE, None) or {}:
            if column not in planned:
                missing.append(f"{model._meta.label}.{column}")
    assert not missing, f"rotate_field_keys would leave these columns under the old keys: {missing}"


def test_it_plans_the_staged_import_rows_as_the_registry_columns_they_are_copied_into() -> None:
    plan = plan_for(StagedPerson)
    assert plan is not None
    encrypted = {column.column: column.field for column in plan.encrypted}
    assert encrypted == {
        "nik": Person._meta.get_field("nik"),
        "kk_number": Person._meta.get_field("kk_number"),
        "phone_number": Phone._meta.get_field("number"),
        "account_number": BankAccount._meta.get_field("account_number"),
    }
    assert all(column.copy for column in plan.encrypted)
    assert {index.column: (index.field.name, index.source.column) for index in plan.indexes} == {
        "nik_index": ("nik_index", "nik"),
        "kk_index": ("kk_index", "kk_number"),
        "phone_index": ("number_index", "phone_number"),
        "account_number_index": ("account_number_index", "account_number"),
    }


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        ({"secret": "registry.Person.nope"}, "has no field named 'nope'"),
        ({"secret": "registry.Nobody.nik"}, "doesn't have a 'Nobody' model"),
        ({"nope": "registry.Person.nik"}, "has no field named 'nope'"),
        ({"secret": "registry.Person.full_name"}, "neither an encrypted field nor a blind index"),
        ({"secret_index": "registry.Person.nik_index"}, "exactly one column must copy that field (found 0)"),
    ],
)
def test_it_refuses_a_misdeclared_copy(copies: dict[str, str], message: str) -> None:
    with isolate_apps("bangkit.core.tests"):

        class Staged(models.Model):  # noqa: DJ008
            secret = models.TextField(null=True)  # noqa: DJ001
            secret_index = models.CharField(max_length=64, null=True)  # noqa: DJ001

            class Meta:
                app_label = "tests"

        Staged.encrypted_copies = copies  # type: ignore[attr-defined]
        with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
            plan_for(Staged, using="default")


def _populate(people: People) -> tuple[Any, Any]:
    """Everything the project encrypts, written under FIELD_A and INDEX_1: a registry imported from a spreadsheet
    (people, phones, accounts), a document, a case note, and a second file's preview still waiting (staged)."""
    imported = upload(people.kupang_case_worker, csv_bytes(valid_rows()[:1]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(actor=people.kupang_case_worker, job=imported)
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    IdentityDocument.objects.create(person=maria, kind="passport", number="C1234567")
    case = make_case(people, person=maria)
    CaseNote.objects.create(case=case, author=people.kupang_case_worker, text="Dijemput di Nunukan")
    waiting = upload(people.kupang_case_worker, csv_bytes(valid_rows()[1:]))
    assert waiting.state == JobState.VALIDATED, waiting.error_message
    assert StagedPerson.objects.filter(job=waiting).count() == 2
    return maria, waiting


def test_it_leaves_no_value_under_an_old_key_in_any_table(people: People) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[FIELD_A], BLIND_INDEX_KEY=INDEX_1):
        maria, waiting = _populate(people)
        old_field, old_index = crypto.ciphertext_prefix(), crypto.blind_index_prefix()
        before = _columns_starting_with(old_field, old_index)
    # The values are where they should be: the staged rows among them.
    assert {"dataimport.StagedPerson.nik", "dataimport.StagedPerson.account_number_index"} <= set(before)
    assert {"registry.Person.nik", "registry.Phone.number_index", "cases.CaseNote.text"} <= set(before)

    with override_settings(FIELD_ENCRYPTION_KEYS=[FIELD_B, FIELD_A], BLIND_INDEX_KEY=INDEX_2):
        output = _rotate("--reindex", "--batch-size", "1")
        assert "dataimport.StagedPerson: done, 2 rows rewritten" in output
        assert "dataimport.StagedPerson: 0 rows under an older key, 0 rows to reindex" in _rotate(
            "--dry-run", "--reindex"
        )
        assert _columns_starting_with(old_field, old_index) == {}

    # Once the old keys are gone, the preview made under them still imports, and exact search finds it all.
    with override_settings(FIELD_ENCRYPTION_KEYS=[FIELD_B], BLIND_INDEX_KEY=INDEX_2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_job_confirm(actor=people.kupang_case_worker, job=waiting)
        waiting.refresh_from_db()
        assert (waiting.state, waiting.imported_people, waiting.imported_accounts) == (JobState.IMPORTED, 2, 2)
        for nik in (MARIA_NIK, YOHANES_NIK, RUTH_NIK):
            person = Person.objects.filter_exact(nik=nik).get()
            assert person.nik == nik
            assert BankAccount.objects.filter(person=person).get().account_number.startswith("0123")
            assert Phone.objects.filter_exact(number=Phone.objects.filter(person=person).get().number).exists()
        assert CaseNote.objects.get().text == "Dijemput di Nunukan"
        assert IdentityDocument.objects.filter_exact(number="C1234567").get().person == maria


def test_it_names_a_misdeclared_copy_instead_of_rotating(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StagedPerson, COPIES_ATTRIBUTE, {"nik": "registry.Person.full_name"})
    with pytest.raises(CommandError, match=re.escape("StagedPerson.encrypted_copies['nik']")):
        _rotate("--dry-run")
