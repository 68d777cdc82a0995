"""Trafficking identification under UU No. 21 Tahun 2007, Pasal 1 angka 1: the act, means and purpose checklists,
their translation into the CTDC codebook, the outcome, and the person's own account (encrypted).

- The CTDC fields (means of control, type of exploitation, type of labour) are derived from the checklists
  (`choices.MEANS_TO_CTDC`, `choices.PURPOSE_TO_CTDC`) and from the work sector of the person's latest stay abroad
  (`choices.SECTOR_TO_CTDC_LABOUR`) whenever the caller does not give them; a caller who gives them has adjusted
  them, and they are stored as given.
- "confirmed" needs the confirming organisation and the day; other outcomes carry neither.
- The account is read only by holders of `registry.read_trafficking_account` over the person's region; it is changed
  only by them too (nobody overwrites what they cannot read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import READ_TRAFFICKING_ACCOUNT
from bangkit.core.exceptions import ServiceError
from bangkit.registry import choices
from bangkit.registry.models import Person, TraffickingIdentification
from bangkit.registry.selectors.details import holds_on_person, latest_stay, refuse_merged, require_on_person
from bangkit.registry.services.bank_accounts import clean_record

ACCOUNT_MAX = 20_000
_CONSTRAINTS = {"identification_confirmed_says_by_whom_and_when": "confirmed_by"}


@dataclass(frozen=True)
class Ctdc:
    means_of_control: list[str]
    types_of_exploitation: list[str]
    types_of_labour: list[str]


def derive_ctdc(*, means: Iterable[str], purposes: Iterable[str], person: Person | None) -> Ctdc:
    """The CTDC codes that the UU 21/2007 answers and the person's latest work sector abroad stand for."""
    means_of_control = sorted({code for item in means for code in choices.MEANS_TO_CTDC.get(item, ())})
    exploitation = sorted({code for item in purposes for code in choices.PURPOSE_TO_CTDC.get(item, ())})
    stay = latest_stay(person) if person is not None and person.pk else None
    labour = choices.SECTOR_TO_CTDC_LABOUR.get(stay.work_sector) if stay is not None else None
    return Ctdc(means_of_control, exploitation, [labour] if labour else [])


@dataclass(frozen=True)
class LegalElements:
    """Which of the three elements of Pasal 1 angka 1 are ticked."""

    act: bool
    means: bool
    purpose: bool

    @property
    def all_met(self) -> bool:
        return self.act and self.means and self.purpose


def legal_elements(identification: TraffickingIdentification) -> LegalElements:
    return LegalElements(bool(identification.acts), bool(identification.means), bool(identification.purposes))


def ctdc_adjusted(identification: TraffickingIdentification) -> frozenset[str]:
    """The CTDC fields of `identification` that differ from what its checklists stand for: adjusted by hand."""
    derived = derive_ctdc(means=identification.means, purposes=identification.purposes, person=identification.person)
    return frozenset(
        field
        for field in ("means_of_control", "types_of_exploitation", "types_of_labour")
        if sorted(getattr(identification, field) or []) != getattr(derived, field)
    )


def _codes(values: Iterable[str] | None, allowed: type[Any], field: str) -> list[str]:
    values = sorted(set(values or []))
    unknown = sorted(set(values) - set(allowed.values))
    if unknown:
        raise ServiceError(_("Pilihan tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}, field=field)
    return values


_UNSET: Any = object()


def _apply(
    identification: TraffickingIdentification,
    *,
    actor: User,
    person: Person,
    identified_on: date | None,
    organisation: Organisation | None,
    acts: Iterable[str] | None,
    means: Iterable[str] | None,
    purposes: Iterable[str] | None,
    recruiter_relationship: str | None,
    outcome: str | None,
    confirmed_by: Organisation | None,
    confirmed_on: date | None,
    account: str | None,
    means_of_control: Iterable[str] | None,
    types_of_exploitation: Iterable[str] | None,
    types_of_labour: Iterable[str] | None,
    adjusted: frozenset[str] = frozenset(),
) -> None:
    """Sets the given values and checks them. CTDC fields not given are derived, except those in `adjusted`."""
    record = identification
    if identified_on is not None:
        record.identified_on = identified_on
    if record.identified_on and record.identified_on > timezone.localdate():
        raise ServiceError(_("Tanggal identifikasi tidak boleh di masa depan."), field="identified_on")
    if organisation is not None:
        if not organisation.is_active and organisation.pk != record.organisation_id:
            raise ServiceError(_("Organisasi ini tidak aktif."), field="organisation")
        record.organisation = organisation
    if acts is not None:
        record.acts = _codes(acts, choices.TraffickingAct, "acts")
    if means is not None:
        record.means = _codes(means, choices.TraffickingMeans, "means")
    if purposes is not None:
        record.purposes = _codes(purposes, choices.TraffickingPurpose, "purposes")
    if recruiter_relationship is not None:
        record.recruiter_relationship = recruiter_relationship or choices.CtdcRecruiterRelationship.UNKNOWN
    if outcome is not None:
        record.outcome = outcome
    if confirmed_by is not _UNSET:
        record.confirmed_by = confirmed_by
    if confirmed_on is not _UNSET:
        record.confirmed_on = confirmed_on
    if record.outcome == choices.IdentificationOutcome.CONFIRMED:
        if record.confirmed_by_id is None:
            raise ServiceError(_("Sebutkan organisasi yang mengonfirmasi."), field="confirmed_by")
        if record.confirmed_on is None:
            raise ServiceError(_("Isi tanggal konfirmasi."), field="confirmed_on")
        if record.confirmed_on > timezone.localdate():
            raise ServiceError(_("Tanggal konfirmasi tidak boleh di masa depan."), field="confirmed_on")
        if record.identified_on and record.confirmed_on < record.identified_on:
            raise ServiceError(_("Tanggal konfirmasi tidak boleh sebelum tanggal identifikasi."), field="confirmed_on")
    else:
        record.confirmed_by = None
        record.confirmed_on = None
    if account is not None:
        if record.pk and not holds_on_person(actor, READ_TRAFFICKING_ACCOUNT, person):
            raise ServiceError(_("Anda tidak berwenang mengubah kronologi."), field="account")
        account = account.strip()
        if len(account) > ACCOUNT_MAX:
            raise ServiceError(_("Kronologi paling panjang %(max)d karakter.") % {"max": ACCOUNT_MAX}, field="account")
        record.account = account
    derived = derive_ctdc(means=record.means, purposes=record.purposes, person=person)
    given = {
        "means_of_control": (means_of_control, choices.CtdcMeansOfControl),
        "types_of_exploitation": (types_of_exploitation, choices.CtdcTypeOfExploitation),
        "types_of_labour": (types_of_labour, choices.CtdcTypeOfLabour),
    }
    for field, (value, allowed) in given.items():
        if value is not None:
            setattr(record, field, _codes(value, allowed, field))
        elif field not in adjusted:
            setattr(record, field, getattr(derived, field))


@transaction.atomic
def identification_create(
    *,
    actor: User,
    person: Person,
    outcome: str,
    identified_on: date | None = None,
    organisation: Organisation | None = None,
    acts: Iterable[str] = (),
    means: Iterable[str] = (),
    purposes: Iterable[str] = (),
    recruiter_relationship: str = choices.CtdcRecruiterRelationship.UNKNOWN,
    confirmed_by: Organisation | None = None,
    confirmed_on: date | None = None,
    account: str = "",
    means_of_control: Iterable[str] | None = None,
    types_of_exploitation: Iterable[str] | None = None,
    types_of_labour: Iterable[str] | None = None,
) -> TraffickingIdentification:
    """Records an identification, by the actor's organisation unless `organisation` says otherwise. CTDC fields
    left None are derived (see `derive_ctdc`)."""
    require_on_person(actor, TraffickingIdentification, "add", person)
    refuse_merged(person)
    organisation = organisation or actor.organisation
    if organisation is None:
        raise ServiceError(_("Sebutkan organisasi yang mengidentifikasi."), field="organisation")
    record = TraffickingIdentification(person=person, recorded_by=actor, identified_on=timezone.localdate())
    _apply(
        record,
        actor=actor,
        person=person,
        identified_on=identified_on,
        organisation=organisation,
        acts=acts,
        means=means,
        purposes=purposes,
        recruiter_relationship=recruiter_relationship,
        outcome=outcome,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
        account=account,
        means_of_control=means_of_control,
        types_of_exploitation=types_of_exploitation,
        types_of_labour=types_of_labour,
    )
    clean_record(record, constraint_fields=_CONSTRAINTS)
    record.save()
    return record


@transaction.atomic
def identification_update(
    *,
    actor: User,
    identification: TraffickingIdentification,
    outcome: str | None = None,
    identified_on: date | None = None,
    organisation: Organisation | None = None,
    acts: Iterable[str] | None = None,
    means: Iterable[str] | None = None,
    purposes: Iterable[str] | None = None,
    recruiter_relationship: str | None = None,
    confirmed_by: Organisation | None = _UNSET,
    confirmed_on: date | None = _UNSET,
    account: str | None = None,
    means_of_control: Iterable[str] | None = None,
    types_of_exploitation: Iterable[str] | None = None,
    types_of_labour: Iterable[str] | None = None,
    ctdc_auto: bool = False,
) -> TraffickingIdentification:
    """Corrects an identification; arguments left out stay as they are. A CTDC field not given is derived again
    from the (new) checklists, unless it had been adjusted by hand, when it stays; `ctdc_auto=True` derives all
    three again. The account changes only when given, and only by a reader."""
    person = identification.person
    require_on_person(actor, TraffickingIdentification, "change", person)
    record = TraffickingIdentification.objects.select_for_update().get(pk=identification.pk)
    adjusted = frozenset() if ctdc_auto else ctdc_adjusted(record)
    _apply(
        record,
        adjusted=adjusted,
        actor=actor,
        person=person,
        identified_on=identified_on,
        organisation=organisation,
        acts=acts,
        means=means,
        purposes=purposes,
        recruiter_relationship=recruiter_relationship,
        outcome=outcome,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
        account=account,
        means_of_control=means_of_control,
        types_of_exploitation=types_of_exploitation,
        types_of_labour=types_of_labour,
    )
    clean_record(record, constraint_fields=_CONSTRAINTS)
    record.save()
    return record
