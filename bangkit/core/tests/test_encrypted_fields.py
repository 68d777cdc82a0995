from __future__ import annotations

import base64
from io import StringIO

import pytest
from django import forms
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.writer import MigrationWriter
from django.test import override_settings
from django.test.utils import isolate_apps
from django.utils.module_loading import import_string

from bangkit.core import crypto
from bangkit.core.checks import check_blind_indexed_managers, check_encryption_keys
from bangkit.core.fields import BlindIndexField, EncryptedCharField, blind_index_for
from bangkit.core.tests.encryption_app.models import SecretRecord

pytestmark = pytest.mark.django_db

NIK = "5301084107900001"
OTHER_NIK = "3212015505880002"
NARRATIVE = "Dijanjikan kerja di restoran Kuala Lumpur, paspor ditahan agen"


def _key(letter: str) -> str:
    return base64.urlsafe_b64encode(letter.encode() * 32).decode()


KEY_A, KEY_B, KEY_C = _key("a"), _key("b"), _key("c")


def _raw(record: SecretRecord) -> dict[str, str | None]:
    columns = ["nik", "nik_index", "narrative", "phone", "phone_index"]
    with connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        table = connection.ops.quote_name(SecretRecord._meta.db_table)
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [record.pk])  # noqa: S608 - names quoted above
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _set_raw(record: SecretRecord, column: str, value: str | None) -> None:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(SecretRecord._meta.db_table)
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
            [value, record.pk],
        )


def _rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def _make(nik: str = NIK, **kwargs: str | None) -> SecretRecord:
    return SecretRecord.objects.create(nik=nik, **{"narrative": NARRATIVE, "phone": "0812-3456-7890", **kwargs})


def test_it_round_trips_plaintext() -> None:
    record = _make()
    record.refresh_from_db()
    assert (record.nik, record.narrative, record.phone) == (NIK, NARRATIVE, "0812-3456-7890")
    assert SecretRecord.objects.values_list("nik", flat=True).get() == NIK


def test_it_keeps_none_as_null_and_empty_as_empty() -> None:
    record = _make(phone=None, narrative="")
    record.refresh_from_db()
    assert (record.phone, record.narrative) == (None, "")
    raw = _raw(record)
    assert (raw["phone"], raw["phone_index"], raw["narrative"]) == (None, None, "")
    assert list(SecretRecord.objects.filter(phone=None)) == [record]
    assert list(SecretRecord.objects.filter(phone__isnull=False)) == []


def test_it_stores_no_plaintext() -> None:
    record = _make()
    raw = _raw(record)
    stored = " ".join(value or "" for value in raw.values())
    # Six characters at least, so that random base64 can't contain one by chance.
    for secret in [NIK, NIK[:6], NIK[-6:], "Kuala Lumpur", "paspor", "0812-3456", "34567890"]:
        assert secret not in stored
    for column in ["nik", "narrative", "phone"]:
        assert (raw[column] or "").startswith(crypto.ciphertext_prefix())


def test_it_uses_a_fresh_nonce_for_every_encryption() -> None:
    first, second = _make(), _make(nik=OTHER_NIK, narrative=NARRATIVE)
    assert _raw(first)["narrative"] != _raw(second)["narrative"]


def test_it_finds_a_record_by_exact_nik_through_the_blind_index() -> None:
    record = _make()
    _make(nik=OTHER_NIK)
    assert list(SecretRecord.objects.filter_exact(nik=NIK)) == [record]
    assert list(SecretRecord.objects.filter_exact(nik="5301 0841 0790 0001")) == [record]
    assert list(SecretRecord.objects.filter_exact(nik="5301084107900009")) == []
    assert list(SecretRecord.objects.filter(nik_index=blind_index_for(SecretRecord, "nik", f" {NIK} "))) == [record]
    assert list(SecretRecord.objects.filter_exact(nik=NIK, phone="+0812 3456 7890")) == [record]
    assert list(SecretRecord.objects.filter_exact(nik="tidak ada")) == []


def test_it_indexes_under_a_per_field_purpose() -> None:
    record = _make(phone=NIK)
    raw = _raw(record)
    assert raw["nik_index"] != raw["phone_index"]
    assert NIK not in (raw["nik_index"] or "")


@pytest.mark.parametrize(
    "lookup",
    [
        {"nik": NIK},
        {"nik__iexact": NIK},
        {"nik__icontains": "5301"},
        {"nik__startswith": "5301"},
        {"nik__in": [NIK]},
        {"nik__gt": "5"},
        {"narrative__contains": "paspor"},
        {"phone__lower": "0812"},
    ],
)
def test_it_refuses_lookups_on_ciphertext(lookup: dict[str, object]) -> None:
    with pytest.raises(FieldError, match="is encrypted and cannot be searched"):
        SecretRecord.objects.filter(**lookup)


def test_it_fails_loudly_on_tampered_ciphertext() -> None:
    record = _make()
    stored = _raw(record)["narrative"]
    assert stored is not None
    flipped = "A" if stored[-5] != "A" else "B"
    _set_raw(record, "narrative", stored[:-5] + flipped + stored[-4:])
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        SecretRecord.objects.get(pk=record.pk)
    _set_raw(record, "narrative", stored[:-1] + "!")
    with pytest.raises(crypto.DecryptionError, match="not base64"):
        SecretRecord.objects.get(pk=record.pk)
    _set_raw(record, "narrative", stored[:40])
    with pytest.raises(crypto.DecryptionError, match="truncated"):
        SecretRecord.objects.get(pk=record.pk)


def test_it_refuses_ciphertext_moved_to_another_column() -> None:
    record = _make()
    _set_raw(record, "phone", _raw(record)["nik"] or "")
    with pytest.raises(crypto.DecryptionError, match=r"encryption_app\.secretrecord\.phone"):
        SecretRecord.objects.get(pk=record.pk)


def test_it_refuses_plaintext_in_an_encrypted_column() -> None:
    record = _make()
    _set_raw(record, "nik", NIK)
    with pytest.raises(crypto.DecryptionError, match="not a e1 ciphertext"):
        SecretRecord.objects.get(pk=record.pk)


def test_it_fills_blind_indexes_on_bulk_create_and_bulk_update() -> None:
    records = SecretRecord.objects.bulk_create(
        [SecretRecord(nik=NIK, phone="0812 1111"), SecretRecord(nik=OTHER_NIK, phone=None)]
    )
    assert SecretRecord.objects.filter_exact(nik=OTHER_NIK).get().phone is None
    assert SecretRecord.objects.filter_exact(phone="08121111").get().nik == NIK
    records = list(SecretRecord.objects.order_by("pk"))
    records[0].phone = "0813 2222"
    SecretRecord.objects.bulk_update(records, ["phone"])
    assert not SecretRecord.objects.filter_exact(phone="08121111").exists()
    assert SecretRecord.objects.filter_exact(phone="08132222").get().nik == NIK


def test_it_keeps_blind_indexes_in_step_on_update_and_save() -> None:
    record = _make()
    SecretRecord.objects.filter(pk=record.pk).update(nik=OTHER_NIK)
    assert SecretRecord.objects.filter_exact(nik=OTHER_NIK).get() == record
    record.refresh_from_db()
    record.nik = NIK
    record.save(update_fields=["nik", "nik_index"])
    assert SecretRecord.objects.filter_exact(nik=NIK).get() == record
    record.nik = OTHER_NIK
    with pytest.raises(FieldError, match="not its blind index 'nik_index'"):
        record.save(update_fields=["nik"])
    partial = SecretRecord.objects.only("nik").get(pk=record.pk)
    partial.nik = OTHER_NIK
    with pytest.raises(FieldError, match="not its blind index 'nik_index'"):
        partial.save()


def test_it_enforces_uniqueness_through_the_blind_index() -> None:
    _make()
    duplicate = SecretRecord(nik=NIK, narrative="")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert list(caught.value.message_dict) == ["nik_index"]
    SecretRecord(nik=OTHER_NIK, narrative="").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_rotates_field_keys() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        records = [_make(nik=f"53010841079{n:05d}", phone=None if n % 2 else "0812") for n in range(5)]
        old_prefix = crypto.ciphertext_prefix()
        index_before = _raw(records[0])["nik_index"]
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        new_prefix = crypto.ciphertext_prefix()
        assert SecretRecord.objects.get(pk=records[0].pk).nik == records[0].nik
        output = _rotate("--batch-size", "2")
        assert "encryption_app.SecretRecord: 4/5 rows checked" in output
        assert "done, 5 rows rewritten" in output
        assert "done, 0 rows rewritten" in _rotate()
    assert old_prefix != new_prefix
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        for record in records:
            raw = _raw(record)
            assert all((raw[column] or "").startswith(new_prefix) for column in ["nik", "narrative"])
            assert raw["phone"] is None or raw["phone"].startswith(new_prefix)
            fresh = SecretRecord.objects.get(pk=record.pk)
            assert (fresh.nik, fresh.narrative, fresh.phone) == (record.nik, NARRATIVE, record.phone)
        assert _raw(records[0])["nik_index"] == index_before


def test_it_changes_nothing_on_a_dry_run() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        record = _make()
    before = _raw(record)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A], BLIND_INDEX_KEY=KEY_C):
        output = _rotate("--dry-run", "--reindex")
    assert "encryption_app.SecretRecord: 1 rows under an older key, 1 rows to reindex (dry run" in output
    assert _raw(record) == before


def test_it_reindexes_after_a_blind_index_key_change() -> None:
    records = [_make(), _make(nik=OTHER_NIK, phone=None)]
    old_key = crypto._blind_keys()[0]
    with override_settings(BLIND_INDEX_KEY=KEY_C, OLD_BLIND_INDEX_KEY=base64.b64encode(old_key.secret).decode()):
        # Mid-rotation, searches match indexes made under either key.
        assert SecretRecord.objects.filter_exact(nik=NIK).get() == records[0]
        assert "0 rows rewritten" in _rotate()
        assert "done, 2 rows rewritten" in _rotate("--reindex", "--batch-size", "1")
        assert "done, 0 rows rewritten" in _rotate("--reindex")
    with override_settings(BLIND_INDEX_KEY=KEY_C):
        assert all((_raw(record)["nik_index"] or "").startswith(crypto.blind_index_prefix()) for record in records)
        assert _raw(records[1])["phone_index"] is None
        assert SecretRecord.objects.filter_exact(nik=NIK).get() == records[0]
        assert SecretRecord.objects.filter_exact(phone="081234567890").get() == records[0]
        assert SecretRecord.objects.filter_exact(nik=OTHER_NIK).get() == records[1]


def test_it_fills_missing_blind_indexes_on_reindex() -> None:
    record = _make()
    _set_raw(record, "nik_index", None)
    assert not SecretRecord.objects.filter_exact(nik=NIK).exists()
    assert "done, 1 rows rewritten" in _rotate("--reindex")
    assert SecretRecord.objects.filter_exact(nik=NIK).get() == record


def test_it_stops_at_an_undecryptable_row_and_resumes_after_the_fix() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        first, second, third = _make(), _make(nik=OTHER_NIK), _make(nik="5301084107900003")
    original = _raw(second)["narrative"]
    _set_raw(second, "narrative", "e1:00000000:AAAA")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        with pytest.raises(CommandError, match=f"pk={second.pk}: .*no longer holds"):
            _rotate("--batch-size", "1")
        # The batch before the bad row stays done; the bad row's batch rolled back.
        assert (_raw(first)["nik"] or "").startswith(crypto.ciphertext_prefix())
        assert not (_raw(third)["nik"] or "").startswith(crypto.ciphertext_prefix())
        _set_raw(second, "narrative", original)
        assert "done, 2 rows rewritten" in _rotate()


def test_it_reads_nothing_under_a_key_that_was_removed() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        record = _make()
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]), pytest.raises(crypto.DecryptionError, match="no longer"):
        SecretRecord.objects.get(pk=record.pk)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "FIELD_ENCRYPTION_KEYS is empty"),
        (["bm90IGEga2V5"], r"FIELD_ENCRYPTION_KEYS\[0\] decodes to 9 bytes"),
        ([KEY_A, "not base64!"], r"FIELD_ENCRYPTION_KEYS\[1\] is not base64"),
        ([KEY_A, KEY_A], r"FIELD_ENCRYPTION_KEYS\[1\] repeats an earlier key"),
        (KEY_A, "must be a list"),
    ],
)
def test_it_reports_malformed_field_keys(keys: object, message: str) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=keys):
        errors = check_encryption_keys()
        assert [error.id for error in errors] == ["core.E101"]
        assert KEY_A not in errors[0].msg
        with pytest.raises(crypto.EncryptionKeyError, match=message):
            _make()


def test_it_reports_a_missing_blind_index_key_and_key_reuse() -> None:
    with override_settings(BLIND_INDEX_KEY=""):
        assert [error.id for error in check_encryption_keys()] == ["core.E102"]
    with override_settings(BLIND_INDEX_KEY=KEY_A, FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert [error.id for error in check_encryption_keys()] == ["core.W101"]
    assert check_encryption_keys() == []
    assert check_blind_indexed_managers() == []


def test_it_deconstructs_for_migrations() -> None:
    for field in SecretRecord._meta.concrete_fields:
        _, path, args, kwargs = field.deconstruct()
        MigrationWriter.serialize(field)  # raises if an argument (say the normaliser) cannot be written
        clone = import_string(path)(*args, **kwargs)
        assert clone.deconstruct()[1:] == (path, args, kwargs)
    _, _, _, kwargs = SecretRecord._meta.get_field("nik_index").deconstruct()
    assert kwargs == {"unique": True, "source": "nik", "normalise": kwargs["normalise"]}
    assert kwargs["normalise"].__name__ == "digits_only"


def test_it_flags_misdeclared_encrypted_fields() -> None:
    with isolate_apps("bangkit.core.tests.encryption_app") as isolated:

        class Misdeclared(models.Model):
            nik = EncryptedCharField(max_length=16, unique=True)
            nik_index = BlindIndexField(source="narrative")

            class Meta:
                app_label = "encryption_app"

            def __str__(self) -> str:
                return "misdeclared"

        assert {message.id for message in Misdeclared.check()} >= {"core.E104", "core.E105"}
        assert isolated is not None
        config = isolated.get_app_config("encryption_app")
        assert [message.id for message in check_blind_indexed_managers([config])] == ["core.E103"]


def test_it_edits_short_encrypted_text_in_a_one_line_input() -> None:
    field = SecretRecord._meta.get_field("nik")
    assert isinstance(field, EncryptedCharField)
    assert isinstance(field.formfield().widget, forms.TextInput)  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        SecretRecord(nik=NIK + "0", narrative="").full_clean()
