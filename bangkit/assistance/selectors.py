"""Who may receive a scheme's assistance, and what a tranche adds up to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.assistance import bankfiles
from bangkit.assistance.bankfiles import PaymentLine
from bangkit.assistance.choices import COMMITTED, EntitlementState, PaymentOutcome, SchemeKind, TrancheState
from bangkit.assistance.models import BankFile, BankResultProblem, Entitlement, Scheme, Tranche
from bangkit.cases.models import Case
from bangkit.programs.models import Enrolment
from bangkit.programs.selectors import completion
from bangkit.registry.choices import BankAccountStatus, ConsentPurpose
from bangkit.registry.models import BankAccount, Consent, Person


def eligibility_rules(scheme: Scheme) -> list[str]:
    """The scheme's rules in plain words, as the tranche screen shows them."""
    rules = [_("tinggal di %(region)s") % {"region": scheme.region.name}]
    if scheme.completed_event_id:
        rules.append(_("lulus kegiatan %(event)s") % {"event": scheme.completed_event})
    if scheme.kind == SchemeKind.CASH and scheme.require_verified_account:
        rules.append(_("punya rekening bank yang sudah diverifikasi"))
    if scheme.require_consent:
        rules.append(_("persetujuan untuk menerima bantuan masih berlaku"))
    if scheme.require_open_case:
        rules.append(_("punya kasus yang masih aktif"))
    rules.append(_("belum pernah mendapat hak dalam skema ini, masih hidup, dan datanya tidak digabung ke data lain"))
    return rules


def package_value(scheme: Scheme) -> int:
    """Rupiah per person: the cash amount, or the value of the in-kind package."""
    if scheme.kind == SchemeKind.CASH:
        return int(scheme.amount_per_person or 0)
    return sum(item.quantity * item.unit_value for item in scheme.items.all())


def _verified_account(person_ref: Any) -> Subquery:
    # The primary account when it is verified, else the oldest verified one.
    return Subquery(
        BankAccount.objects.filter(person=person_ref, status=BankAccountStatus.VERIFIED)
        .order_by("-is_primary", "id")
        .values("pk")[:1]
    )


def eligible_people(*, actor: Any, scheme: Scheme, on: date) -> QuerySet[Person]:
    """People the actor may see who meet every rule of `scheme` on `on` and hold no entitlement under it yet,
    annotated with `paid_to` (the verified account a cash payment goes to). A few queries, whatever their number."""
    people = (
        Person.objects.restrict(actor, "view")
        .filter(merged_into__isnull=True, deceased_on__isnull=True)
        .filter(Q(region__code=scheme.region_id) | Q(region__code__startswith=f"{scheme.region_id}."))
        # A person taken out of a live tranche stays out; those of a cancelled tranche may enter a new one.
        .exclude(
            Exists(
                Entitlement.objects.filter(scheme=scheme, person=OuterRef("pk")).exclude(
                    tranche__state=TrancheState.CANCELLED
                )
            )
        )
        .annotate(paid_to=_verified_account(OuterRef("pk")))
    )
    if scheme.completed_event is not None:
        passed = completion(scheme.completed_event).items()
        completed = [enrolment for enrolment, progress in passed if progress.completed]
        people = people.filter(pk__in=Enrolment.objects.filter(pk__in=completed).values("person_id"))
    if scheme.kind == SchemeKind.CASH and scheme.require_verified_account:
        people = people.filter(paid_to__isnull=False)
    if scheme.require_consent:
        in_force = Consent.objects.filter(person=OuterRef("pk"), purpose=ConsentPurpose.ASSISTANCE, signed_on__lte=on)
        in_force = in_force.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        in_force = in_force.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        people = people.filter(Exists(in_force))
    if scheme.require_open_case:
        people = people.filter(Exists(Case.objects.filter(person=OuterRef("pk"), closed_on__isnull=True)))
    return people.order_by("pk")


def tranche_total(tranche: Tranche) -> tuple[int, int]:
    """(people, rupiah) of the tranche's entitlements that are not cancelled."""
    figures = tranche.entitlements.exclude(state=EntitlementState.CANCELLED).aggregate(
        people=Count("pk"), rupiah=Sum("amount")
    )
    return int(figures["people"] or 0), int(figures["rupiah"] or 0)


def committed_elsewhere(tranche: Tranche) -> int:
    """Rupiah the scheme has already committed in its other tranches (approved, sent, paid or failed)."""
    total = (
        Entitlement.objects.filter(scheme_id=tranche.scheme_id, state__in=sorted(COMMITTED))
        .exclude(tranche=tranche)
        .aggregate(rupiah=Sum("amount"))["rupiah"]
    )
    return int(total or 0)


def bank_file_bytes(bank_file: BankFile, lines: Iterable[PaymentLine] | None = None) -> bytes:
    """The payment file as the bank receives it, rebuilt from the payments recorded when it was made: the same
    bytes every time (its SHA-256 is on the record). `lines`, (sequence, account number, holder, amount, reference)
    in sequence order, spare reading them back when the caller has just written them."""
    if lines is None:
        lines = (
            bank_file.payments.order_by("sequence")
            .values_list("sequence", "account_number", "holder_name", "amount", "reference")
            .iterator(chunk_size=2000)
        )
    return bankfiles.render_payment_file(
        bank_code=bank_file.bank_id,
        file_id=f"BKT-{bank_file.tranche_id}-{bank_file.bank_id}-{bank_file.round}",
        # In the platform's zone, not the viewer's: the same bytes for every user.
        made_on=timezone.localdate(bank_file.created_at, timezone=ZoneInfo(settings.TIME_ZONE)),
        lines=lines,
    )


@dataclass(frozen=True)
class Figure:
    people: int = 0
    rupiah: int = 0

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.people + other.people, self.rupiah + other.rupiah)


@dataclass(frozen=True)
class Reconciliation:
    """A tranche's money as approved against what became of it: approved = paid + failed + pending (+ cancelled
    after approval), in people and in rupiah; `balanced` says whether it holds."""

    approved: Figure
    paid: Figure
    failed: Figure
    pending: Figure
    cancelled: Figure
    files: list[dict[str, Any]]
    problems: QuerySet[BankResultProblem]

    @property
    def accounted(self) -> Figure:
        return self.paid + self.failed + self.pending + self.cancelled

    @property
    def balanced(self) -> bool:
        return self.accounted == self.approved


def _figures(queryset: QuerySet[Any], key: str) -> dict[str, Figure]:
    rows = queryset.values(key).annotate(people=Count("pk"), rupiah=Sum("amount")).order_by(key)
    return {row[key]: Figure(int(row["people"]), int(row["rupiah"] or 0)) for row in rows}


def reconciliation(tranche: Tranche) -> Reconciliation:
    """The tranche's reconciliation in a handful of queries, whatever its size."""
    by_state = _figures(tranche.entitlements.all(), "state")
    cancelled_after_approval = (
        tranche.entitlements.filter(state=EntitlementState.CANCELLED, cancelled_at__gt=tranche.approved_at)
        if tranche.approved_at
        else tranche.entitlements.none()
    )
    cancelled = Figure(**cancelled_after_approval.aggregate(people=Count("pk"), rupiah=Coalesce(Sum("amount"), 0)))
    files = list(
        tranche.bank_files.select_related("bank")
        .annotate(
            paid_people=Count("payments", filter=Q(payments__outcome=PaymentOutcome.PAID)),
            paid_rupiah=Coalesce(Sum("payments__amount", filter=Q(payments__outcome=PaymentOutcome.PAID)), 0),
            failed_people=Count("payments", filter=Q(payments__outcome=PaymentOutcome.FAILED)),
            failed_rupiah=Coalesce(Sum("payments__amount", filter=Q(payments__outcome=PaymentOutcome.FAILED)), 0),
            pending_people=Count("payments", filter=Q(payments__outcome=PaymentOutcome.PENDING)),
            pending_rupiah=Coalesce(Sum("payments__amount", filter=Q(payments__outcome=PaymentOutcome.PENDING)), 0),
        )
        .values(
            "pk",
            "round",
            "bank_id",
            "bank__short_name",
            "lines",
            "control_total",
            "sha256",
            "paid_people",
            "paid_rupiah",
            "failed_people",
            "failed_rupiah",
            "pending_people",
            "pending_rupiah",
        )
    )
    empty = Figure()
    return Reconciliation(
        approved=Figure(tranche.approved_people or 0, tranche.approved_total or 0),
        paid=by_state.get(EntitlementState.PAID, empty),
        failed=by_state.get(EntitlementState.FAILED, empty),
        pending=by_state.get(EntitlementState.APPROVED, empty) + by_state.get(EntitlementState.SENT, empty),
        cancelled=cancelled,
        files=files,
        problems=BankResultProblem.objects.filter(result__tranche=tranche).select_related("result"),
    )


def person_ledger(person: Person) -> QuerySet[Entitlement]:
    """Everything the person was granted, newest first: scheme, tranche, amount, state, payment attempts and any
    handover. The caller has already been allowed to see the person."""
    return (
        person.entitlements.select_related("scheme", "tranche", "handover")
        .prefetch_related("payments", "handover__lines__item")
        .order_by("-scheme__year", "-tranche__approved_at", "-pk")
    )


@dataclass(frozen=True)
class SchemeLedger:
    tranches: list[dict[str, Any]]
    committed: int
    paid: int
    ceiling: int

    @property
    def remaining(self) -> int:
        return self.ceiling - self.committed


def scheme_ledger(scheme: Scheme) -> SchemeLedger:
    """Per tranche, people and rupiah by state; the scheme's commitments and payments against its ceiling."""
    live = ~Q(entitlements__state=EntitlementState.CANCELLED)
    tranches = list(
        scheme.tranches.annotate(
            people=Count("entitlements", filter=live),
            rupiah=Coalesce(Sum("entitlements__amount", filter=live), 0),
            paid_people=Count("entitlements", filter=Q(entitlements__state=EntitlementState.PAID)),
            paid_rupiah=Coalesce(Sum("entitlements__amount", filter=Q(entitlements__state=EntitlementState.PAID)), 0),
            failed_people=Count("entitlements", filter=Q(entitlements__state=EntitlementState.FAILED)),
        )
        .values(
            "pk",
            "number",
            "state",
            "decree_number",
            "people",
            "rupiah",
            "paid_people",
            "paid_rupiah",
            "failed_people",
        )
        .order_by("number")
    )
    totals = Entitlement.objects.filter(scheme=scheme).aggregate(
        committed=Coalesce(Sum("amount", filter=Q(state__in=sorted(COMMITTED))), 0),
        paid=Coalesce(Sum("amount", filter=Q(state=EntitlementState.PAID)), 0),
    )
    return SchemeLedger(
        tranches=tranches, committed=int(totals["committed"]), paid=int(totals["paid"]), ceiling=scheme.budget_ceiling
    )
