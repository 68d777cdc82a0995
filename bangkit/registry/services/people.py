"""Registering people and keeping their identity, contacts, documents and household up to date.

Every write takes the acting user, refuses a place outside the actor's jurisdictions, validates the NIK with the
foundation's parser, refuses a second person with the same NIK without naming anyone, and asks for the duplicate
check once the transaction has committed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bangkit.accounts.models import User
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import covers, permission_name
from bangkit.regions.nik import InvalidNik, nik_matches, parse_nik
from bangkit.registry.models import HouseholdMember, IdentityDocument, Person, Phone
from bangkit.registry.services.bank_accounts import bank_accounts_rematch
from bangkit.registry.services.duplicates import record_duplicate_candidates
from bangkit.registry.signals import person_moved

# The pure rules (phone numbers, estimated ages) live in validation.py, shared with the import.
from bangkit.registry.validation import (
    clean_kk_number,
    clean_phone_number,
    estimated_age_valid,
    estimated_birth_date,
)


def _require_person_place(actor: User, person: Person, action: str) -> None:
    if actor.is_superuser:
        return
    if not covers(actor.jurisdiction_codes(permission_name(Person, action)), person.region_id):
        raise OutOfJurisdiction(_("Wilayah ini di luar yurisdiksi Anda."), field="region")


def _check_nik(person: Person) -> None:
    """Normalises and validates the NIK; a contradiction with sex or birth date needs the user's confirmation."""
    if not person.nik:
        person.nik = None
        return
    try:
        info = parse_nik(person.nik)
    except InvalidNik as error:
        raise ServiceError(str(error.message), field="nik") from error
    person.nik = info.nik
    mismatches = nik_matches(
        info, birth_date=None if person.birth_date_estimated else person.birth_date, sex=person.sex or None
    )
    if mismatches and not person.nik_conflict_confirmed:
        raise ServiceError(
            " ".join(str(message) for message in mismatches)
            + " "
            + _("Periksa KTP; bila data sudah sesuai, centang konfirmasi."),
            field="nik",
        )
    if not mismatches:
        person.nik_conflict_confirmed = False


def _refuse_taken_nik(person: Person) -> None:
    """One NIK, one person. The message names nobody: the holder may be outside the actor's jurisdiction."""
    if person.nik and Person.objects.filter_exact(nik=person.nik).exclude(pk=person.pk).exists():
        raise ServiceError(_("NIK ini sudah terdaftar untuk orang lain."), field="nik")


def _save_person(*, actor: User, person: Person, action: str) -> Person:
    _require_person_place(actor, person, action)
    _check_nik(person)
    person.kk_number = clean_kk_number(person.kk_number) if person.kk_number else None
    _refuse_taken_nik(person)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        # Two registrations of one NIK at the same moment: the unique index decides, the loser gets the message.
        if person.nik and Person.objects.filter_exact(nik=person.nik).exclude(pk=person.pk).exists():
            raise ServiceError(_("NIK ini sudah terdaftar untuk orang lain."), field="nik") from error
        raise
    transaction.on_commit(lambda: record_duplicate_candidates(person=person))
    return person


@transaction.atomic
def person_create(*, actor: User, person: Person, estimated_age: int | None = None) -> Person:
    """Registers `person` (unsaved). Without a birth date, `estimated_age` gives an estimated one."""
    if person.organisation_id is None:
        if actor.organisation_id is None:
            raise ServiceError(_("Pilih organisasi yang mendaftarkan."), field="organisation")
        person.organisation_id = actor.organisation_id
    _apply_estimated_age(person, estimated_age)
    return _save_person(actor=actor, person=person, action="add")


@transaction.atomic
def person_update(*, actor: User, person: Person, estimated_age: int | None = None) -> Person:
    """Saves changes to `person`, which must be inside the actor's jurisdiction before and after the change."""
    before = Person.objects.select_for_update().get(pk=person.pk)
    _require_person_place(actor, before, "change")
    if before.merged_into_id is not None:
        raise ServiceError(_("Data ini sudah digabung ke data lain; ubah data hasil penggabungan."))
    _apply_estimated_age(person, estimated_age)
    _save_person(actor=actor, person=person, action="change")
    if (before.full_name, before.other_names) != (person.full_name, person.other_names):
        bank_accounts_rematch(person=person)
    if before.region_id != person.region_id:
        person_moved.send(sender=Person, person=person, previous_region_id=before.region_id)
    return person


def _apply_estimated_age(person: Person, estimated_age: int | None) -> None:
    if estimated_age is None:
        return
    if person.birth_date is not None and not person.birth_date_estimated:
        raise ServiceError(_("Isi tanggal lahir atau perkiraan umur, tidak keduanya."), field="estimated_age")
    if not estimated_age_valid(estimated_age):
        raise ServiceError(_("Perkiraan umur harus antara 0 dan 120 tahun."), field="estimated_age")
    person.birth_date = estimated_birth_date(estimated_age)
    person.birth_date_estimated = True


def _require_person_change(actor: User, person: Person) -> None:
    _require_person_place(actor, person, "change")


def _save_child(actor: User, record: Any, *, refresh_duplicates: bool) -> Any:
    _require_person_change(actor, record.person)
    record.full_clean()
    record.save()
    if refresh_duplicates:
        person = record.person
        transaction.on_commit(lambda: record_duplicate_candidates(person=person))
    return record


@transaction.atomic
def phone_save(*, actor: User, phone: Phone) -> Phone:
    phone.number = clean_phone_number(phone.number)
    saved: Phone = _save_child(actor, phone, refresh_duplicates=True)
    return saved


@transaction.atomic
def document_save(*, actor: User, document: IdentityDocument) -> IdentityDocument:
    document.number = (document.number or "").strip().upper()
    saved: IdentityDocument = _save_child(actor, document, refresh_duplicates=False)
    return saved


@transaction.atomic
def household_member_save(*, actor: User, member: HouseholdMember) -> HouseholdMember:
    saved: HouseholdMember = _save_child(actor, member, refresh_duplicates=False)
    return saved


@transaction.atomic
def person_child_delete(*, actor: User, record: Phone | IdentityDocument | HouseholdMember) -> None:
    _require_person_change(actor, record.person)
    record.delete()
