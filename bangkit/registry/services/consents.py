"""Consent (UU 27/2022 PDP): recording what a person agreed to, and its withdrawal. Consents are never deleted.

A consent has a purpose (case management, data sharing, assistance, statistics), is signed by the person or a
guardian (named), on a day, possibly until a day, and may be withdrawn on a later day with a note. Sharing data needs
the organisations named, or an explicit "any organisation". A scan of the signed form (PDF, JPEG or PNG, at most
`core.uploads.SCAN_MAX_BYTES`) may be attached; it is stored under a random name and served only through a checked view.
Whether a consent is in force on a day is `Consent.is_valid_on` / `selectors.consents.valid_consents`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import Organisation, User
from bangkit.core.exceptions import ServiceError
from bangkit.core.uploads import checked_scan
from bangkit.registry.choices import ConsentPurpose, ConsentSigner
from bangkit.registry.models import Consent, Person
from bangkit.registry.selectors.details import refuse_merged, require_on_person
from bangkit.registry.services.bank_accounts import clean_record

_CONSENT_CONSTRAINTS = {
    "consent_guardian_named": "guardian_name",
    "consent_valid_until_after_signing": "valid_until",
    "consent_withdrawn_after_signing": "withdrawn_on",
}


def _not_future(day: date | None, field: str, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ServiceError(message, field=field)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    person: Person,
    purpose: str,
    signed_on: date,
    signed_by: str = ConsentSigner.PERSON,
    guardian_name: str = "",
    guardian_relationship: str = "",
    valid_until: date | None = None,
    shared_with: Iterable[Organisation] = (),
    shared_with_any: bool = False,
    scan: UploadedFile | None = None,
) -> Consent:
    """Records a signed consent. Sharing data needs organisations named or `shared_with_any`; other purposes name
    none. A guardian who signs is named."""
    require_on_person(actor, Consent, "add", person)
    refuse_merged(person)
    organisations = list(shared_with)
    guardian_name = " ".join((guardian_name or "").split())
    guardian_relationship = " ".join((guardian_relationship or "").split())
    if signed_by == ConsentSigner.GUARDIAN:
        if not guardian_name:
            raise ServiceError(_("Sebutkan nama wali yang menandatangani."), field="guardian_name")
    else:
        guardian_name = guardian_relationship = ""
    _not_future(signed_on, "signed_on", _("Tanggal tanda tangan tidak boleh di masa depan."))
    if signed_on is not None and valid_until is not None and valid_until < signed_on:
        raise ServiceError(_("Tanggal berlaku sampai tidak boleh sebelum tanggal tanda tangan."), field="valid_until")
    if purpose == ConsentPurpose.DATA_SHARING:
        if not organisations and not shared_with_any:
            raise ServiceError(
                _("Sebutkan organisasi penerima data, atau centang “organisasi mana pun” bila formulirnya begitu."),
                field="shared_with",
            )
        if organisations and shared_with_any:
            raise ServiceError(
                _("Pilih organisasi tertentu atau “organisasi mana pun”, tidak keduanya."), field="shared_with"
            )
        inactive = [organisation.name for organisation in organisations if not organisation.is_active]
        if inactive:
            raise ServiceError(
                _("Organisasi tidak aktif: %(names)s.") % {"names": ", ".join(inactive)}, field="shared_with"
            )
    elif organisations or shared_with_any:
        raise ServiceError(_("Penerima data hanya diisi untuk persetujuan berbagi data."), field="shared_with")
    consent = Consent(
        person=person,
        purpose=purpose,
        signed_by=signed_by,
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        signed_on=signed_on,
        valid_until=valid_until,
        shared_with_any=shared_with_any,
        recorded_by=actor,
    )
    if scan is not None:
        consent.scan = checked_scan(scan)
    clean_record(consent, exclude=["scan"], constraint_fields=_CONSENT_CONSTRAINTS)
    consent.save()
    if organisations:
        consent.shared_with.set(organisations)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: date, note: str = "") -> Consent:
    """Records that the person withdrew the consent on `withdrawn_on`; the consent stays, no longer in force from
    that day. A consent is withdrawn once."""
    require_on_person(actor, Consent, "change", consent.person)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ServiceError(_("Persetujuan ini sudah ditarik."), field="withdrawn_on")
    if withdrawn_on is None:
        raise ServiceError(_("Isi tanggal penarikan."), field="withdrawn_on")
    _not_future(withdrawn_on, "withdrawn_on", _("Tanggal penarikan tidak boleh di masa depan."))
    if withdrawn_on < consent.signed_on:
        raise ServiceError(_("Tanggal penarikan tidak boleh sebelum tanggal tanda tangan."), field="withdrawn_on")
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ServiceError(_("Catatan paling panjang 300 karakter."), field="note")
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_note = note
    clean_record(consent, exclude=["scan"], constraint_fields=_CONSENT_CONSTRAINTS)
    consent.save(update_fields=["withdrawn_on", "withdrawal_note", "updated_at"])
    return consent


@transaction.atomic
def consent_attach_scan(*, actor: User, consent: Consent, scan: UploadedFile) -> Consent:
    """Attaches (or replaces) the scan of the signed form."""
    require_on_person(actor, Consent, "change", consent.person)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    consent.scan = checked_scan(scan)
    consent.save(update_fields=["scan", "updated_at"])
    return consent
