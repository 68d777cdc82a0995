"""What every write of the assistance app goes through: the jurisdiction and permission check, the tranche's row
lock with its workflow step, bulk changes of entitlements with their history, and the recipients' case timelines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.assistance.choices import EntitlementState
from bangkit.assistance.models import Entitlement, Scheme, Tranche
from bangkit.assistance.signals import entitlements_paid
from bangkit.assistance.workflow import STEPS
from bangkit.audit.history import RowEntry, log_bulk_changed_rows
from bangkit.cases.choices import CaseEventKind
from bangkit.cases.services.timeline import record_person_events
from bangkit.core.exceptions import NotPermitted, OutOfJurisdiction, ServiceError
from bangkit.core.expressions import Among
from bangkit.core.formatting import rupiah
from bangkit.core.scoping import holds_over, sees


def require_on_scheme(actor: Any, permission: str, scheme: Scheme) -> None:
    """Refuses unless `actor` may see the scheme (else as if it did not exist) and holds `permission` over it."""
    seen = bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_superuser or sees(Scheme, actor.jurisdiction_codes("assistance.view_scheme"), scheme.region_id))
    )
    if not seen:
        raise OutOfJurisdiction(_("Skema bantuan tidak ditemukan atau di luar yurisdiksi Anda."))
    if not holds_over(actor, permission, scheme.region_id):
        raise NotPermitted(_("Anda tidak berwenang melakukan ini pada skema bantuan ini."))


def locked(tranche: Tranche, step_name: str, actor: Any) -> Tranche:
    """The tranche, locked, after checking the step is allowed now and to this actor."""
    step = STEPS[step_name]
    require_on_scheme(actor, step.permission, tranche.scheme)
    row = Tranche.objects.select_for_update().select_related("scheme", "scheme__region").get(pk=tranche.pk)
    if row.state not in step.source:
        raise ServiceError(
            _("Tahap ini berstatus %(state)s; langkah ini tidak dapat diambil (mungkin baru saja diproses orang lain).")
            % {"state": row.get_state_display()}
        )
    return row


# An entitlement as the bulk writes read it: a row, not an instance (a tranche may list 100,000 people).
RECIPIENT_FIELDS = (
    "pk",
    "person_id",
    "amount",
    "state",
    "attempt",
    "bank_account_id",
    "paid_on",
    "failure_reason",
    "cancelled_reason",
    "cancelled_at",
    "person_name",
    "region",
)


def in_tranche(tranche: Tranche, *states: str, pks: Iterable[int] | None = None) -> list[Any]:
    """The tranche's entitlements in `states` (only those of `pks`, when given) as named rows of
    RECIPIENT_FIELDS, in the order of their ids."""
    entitlements = tranche.entitlements.filter(state__in=states)
    if pks is not None:
        entitlements = entitlements.filter(Among("id", pks))
    return list(
        entitlements.annotate(person_name=F("person__full_name"), region=F("person__region"))
        .order_by("pk")
        .values_list(*RECIPIENT_FIELDS, named=True)
    )


def change_entitlements(tranche: Tranche, recipients: Sequence[Any], *, actor: Any, **values: Any) -> list[Any]:
    """Sets `values` (by attribute name) on every one of `recipients` in one statement and writes each one's
    history, as single saves would; returns the rows as they now are."""
    if not recipients:
        return []
    Entitlement.objects.filter(Among("id", [row.pk for row in recipients])).update(**values, updated_at=timezone.now())
    scheme = tranche.scheme.name
    log_bulk_changed_rows(
        Entitlement,
        (
            RowEntry(
                row.pk,
                f"{row.person_name} — {scheme}",
                row.region,
                {name: (getattr(row, name), value) for name, value in values.items()},
            )
            for row in recipients
        ),
        actor=actor,
    )
    if values.get("state") == EntitlementState.PAID:
        paid = [row.pk for row in recipients]
        transaction.on_commit(lambda: entitlements_paid.send(sender=Entitlement, entitlement_ids=paid))
    return [row._replace(**values) for row in recipients]


def record_timeline(tranche: Tranche, recipients: Iterable[Any], what: str, *, actor: Any) -> None:
    """One line per recipient on their case's timeline: which assistance, how much, and what happened."""
    said: dict[int, str] = {}

    def summary(amount: int) -> str:
        if amount not in said:
            said[amount] = _("%(scheme)s, tahap %(number)d, %(amount)s: %(what)s") % {
                "scheme": tranche.scheme.name,
                "number": tranche.number,
                "amount": rupiah(amount),
                "what": what,
            }
        return said[amount]

    record_person_events(
        summaries=[(row.person_id, summary(row.amount)) for row in recipients],
        kind=CaseEventKind.ASSISTANCE,
        actor=actor,
    )
