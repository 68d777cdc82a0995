"""Model fields that keep personal data encrypted at rest, and the blind indexes that still let us find it.

    class Person(ScopedModel):
        nik = EncryptedCharField(_("NIK"), max_length=16)
        nik_index = BlindIndexField(source="nik", normalise=digits_only, unique=True)

        objects = PersonQuerySet.as_manager()  # class PersonQuerySet(EncryptedQuerySetMixin, ScopedQuerySet)

    Person.objects.filter_exact(nik="5301 0841 0790 0001")

The column holds ciphertext (see crypto.py); Python code sees plaintext. Searching the ciphertext column is
meaningless (every encryption uses a fresh nonce), so the encrypted fields refuse every lookup but `isnull` and point
the caller at the blind index instead. See docs/development/encrypted-fields.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar

from django import forms
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.lookups import Exact, Lookup, Transform
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from bangkit.core import crypto

_M = TypeVar("_M", bound=models.Model)


def strip(value: str) -> str:
    """The default normaliser: surrounding whitespace never distinguishes two values."""
    return value.strip()


def digits_only(value: str) -> str:
    """For NIK, KK, phone and account numbers: `5301 0841-0790 0001` and `5301084107900001` are the same."""
    return re.sub(r"[^0-9]", "", value)


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-256-GCM; the column holds ciphertext, the attribute plaintext.

    None stays NULL. The empty string is stored as is: a ciphertext's length already reveals its plaintext's, so
    encrypting "" would hide nothing. `encryption_context` is the associated data bound into every ciphertext; it
    defaults to `app_label.model.field` and must be pinned to its old value when the model or field is renamed.
    """

    description = _("Teks terenkripsi")

    def __init__(self, *args: Any, encryption_context: str | None = None, **kwargs: Any) -> None:
        self.encryption_context = encryption_context
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return self.encryption_context or f"{self.model._meta.label_lower}.{self.name}"

    def deconstruct(self) -> tuple[str, str, Any, Any]:
        name, path, args, kwargs = super().deconstruct()
        if self.encryption_context is not None:
            kwargs["encryption_context"] = self.encryption_context
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique: equal values never share a ciphertext.",
                    hint=f"Put unique=True on a BlindIndexField(source={self.name!r}) instead.",
                    obj=self,
                    id="core.E104",
                )
            )
        return errors

    def get_prep_value(self, value: Any) -> Any:
        # Every write path (save, update, bulk_create, bulk_update, migrations' defaults) comes through here.
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, context=self.context)

    def decrypt(self, value: str | None) -> str | None:
        """The plaintext of a value as stored in this field's column."""
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> str | None:
        return self.decrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _NullOnlyExact
        raise FieldError(self.refusal(lookup_name))

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise FieldError(self.refusal(lookup_name))

    def refusal(self, lookup_name: str) -> str:
        where = f"{self.model._meta.label}.{self.name}"
        if any(index.source == self.name for index in blind_index_fields(self.model)):
            how = f"search it exactly with {self.model.__name__}.objects.filter_exact({self.name}=...)"
        else:
            how = f"declare a BlindIndexField(source={self.name!r}) to search it exactly"
        return f"{where} is encrypted and cannot be searched with '{lookup_name}'; {how}."


class EncryptedCharField(EncryptedTextField):
    """Short encrypted text (NIK, phone, account number) edited in a one-line input.

    `max_length` limits the plaintext, like CharField's; the column is text because the ciphertext is longer than
    the plaintext and its length is no business of the schema.
    """

    description = _("Teks pendek terenkripsi")

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        kwargs = {"widget": forms.TextInput, **kwargs}
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **kwargs)


class _NullOnlyExact(Exact):
    """`filter(phone=None)` keeps meaning IS NULL; an exact match against ciphertext could never succeed."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is None:
            return None
        field = self.lhs.output_field
        assert isinstance(field, EncryptedTextField)
        raise FieldError(field.refusal("exact"))


class BlindIndexField(models.CharField):
    """An HMAC of an encrypted field's normalised value, recomputed on every save: what exact searches compare.

    `normalise` must be a module-level function (migrations refer to it by its import path). `purpose` keys the
    HMAC; it defaults to `app_label.model.source`, so two columns only share index values when they name the same
    purpose on purpose (e.g. to match a NIK across tables). A value that normalises to nothing gets NULL.
    """

    description = _("Indeks buta")
    # Not blank: full_clean() skips blank fields whose value is empty, and it must not skip clean() below.
    _defaults: dict[str, Any] = {"max_length": 64, "null": True, "blank": False, "editable": False}

    def __init__(
        self,
        *args: Any,
        source: str,
        normalise: Callable[[str], str] = strip,
        purpose: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.normalise = normalise
        self.index_purpose = purpose
        kwargs = {**self._defaults, "db_index": not kwargs.get("unique", False), **kwargs}
        super().__init__(*args, **kwargs)

    @property
    def purpose(self) -> str:
        return self.index_purpose or f"{self.model._meta.label_lower}.{self.source}"

    def deconstruct(self) -> tuple[str, str, Any, Any]:
        name, path, args, kwargs = super().deconstruct()
        # Leave out what __init__ fills in anyway, so migrations show only what the model chose.
        for key, default in {**self._defaults, "db_index": not self.unique}.items():
            if getattr(self, key) == default:
                kwargs.pop(key, None)
            else:
                kwargs[key] = getattr(self, key)
        kwargs["source"] = self.source
        if self.normalise is not strip:
            kwargs["normalise"] = self.normalise
        if self.index_purpose is not None:
            kwargs["purpose"] = self.index_purpose
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except FieldDoesNotExist:
            source = None
        if not isinstance(source, EncryptedTextField):
            errors.append(
                checks.Error(
                    f"BlindIndexField source {self.source!r} is not an encrypted field of this model.",
                    obj=self,
                    id="core.E105",
                )
            )
        return errors

    def index_for(self, value: str | None) -> str | None:
        """What this column holds for a source value under the current key."""
        normalised = self.normalise(value) if value is not None else ""
        return crypto.blind_index(normalised, purpose=self.purpose) if normalised else None

    def candidates_for(self, value: str | None) -> list[str]:
        """Every value this column may hold for `value`: under the current key, then under OLD_BLIND_INDEX_KEY."""
        normalised = self.normalise(value) if value is not None else ""
        return crypto.blind_index_candidates(normalised, purpose=self.purpose) if normalised else []

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # So that full_clean() checks uniqueness against the index this save will write, not the previous one.
        return value if model_instance is None else self.index_for(getattr(model_instance, self.source))

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        # Called by save() and bulk_create(); bulk_update() and update() are covered by EncryptedQuerySetMixin.
        value = self.index_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]


def blind_index_field(model: type[models.Model], name: str) -> BlindIndexField:
    """The blind index named `name`, or the only one whose source is the encrypted field `name`."""
    indexes = [field for field in blind_index_fields(model) if name in (field.name, field.source)]
    if len(indexes) != 1:
        raise FieldError(
            f"{model._meta.label}.{name} has {len(indexes)} blind indexes; name the BlindIndexField itself"
            if indexes
            else f"{model._meta.label}.{name} has no blind index; declare a BlindIndexField(source={name!r})"
        )
    return indexes[0]


def blind_index_for(model: type[models.Model], name: str, value: str) -> str | None:
    """The blind index `value` gets under the current key, e.g. `filter(nik_index=blind_index_for(Person, "nik", x))`.

    Prefer `filter_exact`: it also matches rows not yet reindexed during a blind-index key rotation.
    """
    return blind_index_field(model, name).index_for(value)


def _indexes_for_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, str | None]:
    """The blind index values that go with an update() writing `values`, unless the caller gives them (as
    bulk_update() does, having computed them per object)."""
    indexes: dict[str, str | None] = {}
    for index in blind_index_fields(model):
        if index.source not in values or index.name in values:
            continue
        value = values[index.source]
        if hasattr(value, "resolve_expression"):
            raise FieldError(f"{model._meta.label}.{index.source} is blind-indexed: update it with a value")
        indexes[index.name] = index.index_for(value)
    return indexes


class EncryptedQuerySetMixin(models.QuerySet[_M]):
    """Exact search through blind indexes, and updates that keep blind indexes in step.

    Combine it with the model's other QuerySet: `class PersonQuerySet(EncryptedQuerySetMixin, ScopedQuerySet)`.
    """

    def filter_exact(self, **values: str) -> Self:
        """Rows whose encrypted field equals each value after normalisation, without decrypting the table."""
        condition = Q()
        for name, value in values.items():
            index = blind_index_field(self.model, name)
            candidates = index.candidates_for(value)
            if not candidates:
                return self.none()
            condition &= Q(**{f"{index.name}__in": candidates})
        return self.filter(condition)

    def update(self, **kwargs: Any) -> int:
        return super().update(**kwargs, **_indexes_for_values(self.model, kwargs))

    def bulk_update(self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs, fields = list(objs), list(fields)
        for index in blind_index_fields(self.model):
            if index.source in fields:
                for obj in objs:
                    index.pre_save(obj, add=False)
                if index.name not in fields:
                    fields.append(index.name)
        return super().bulk_update(objs, fields, batch_size=batch_size)


@receiver(pre_save)
def _refuse_stale_blind_index(sender: type[models.Model], update_fields: frozenset[str] | None, **kwargs: Any) -> None:
    """A partial save (update_fields, or an instance loaded with only()/defer()) runs pre_save only for the fields
    it writes; writing a source without its index would leave exact search finding the old value."""
    if update_fields is None:
        return
    for index in blind_index_fields(sender):
        if index.source in update_fields and index.name not in update_fields:
            raise FieldError(
                f"{sender._meta.label}: this save writes {index.source!r} but not its blind index {index.name!r}; "
                "add it to update_fields (or load it too when using only()/defer())"
            )


class ChoiceListField(models.JSONField):
    """A set of codes from one TextChoices (e.g. a person's disabilities), stored as a sorted JSON list.

    Portable to SQLite and PostgreSQL alike; edited as checkboxes; an unknown code is a field error, not a crash.
    """

    def __init__(self, *args: Any, choices_class: type[models.TextChoices], **kwargs: Any) -> None:
        self.choices_class = choices_class
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Any, Any]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_class"] = self.choices_class
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise ValidationError(_("Harus berupa daftar kode."), code="invalid")
        unknown = sorted(set(value) - set(self.choices_class.values))
        if unknown:
            raise ValidationError(
                _("Kode tidak dikenal: %(codes)s."), code="invalid_choice", params={"codes": ", ".join(unknown)}
            )

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple | set):
            value = sorted(set(value))
        return super().get_prep_value(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return forms.TypedMultipleChoiceField(
            choices=self.choices_class.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
            **{key: value for key, value in kwargs.items() if key in ("initial", "disabled")},
        )
