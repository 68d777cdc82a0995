"""The "Bantuan" tab of a person's page: everything the person was granted, from which scheme and tranche, when,
and what became of it, with a receipt for what was paid or handed over."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bangkit.assistance import selectors
from bangkit.assistance.models import Scheme, Tranche
from bangkit.registry.selectors.details import holds_on_person, visible_person

VIEW_ENTITLEMENT = "assistance.view_entitlement"


@require_GET
@login_required
def person_ledger(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The fragment htmx loads into the person's page, or a whole page for a plain request."""
    user: Any = request.user
    if not user.has_perm(VIEW_ENTITLEMENT):
        raise PermissionDenied
    person = visible_person(user, person_pk)
    if person is None or not holds_on_person(user, VIEW_ENTITLEMENT, person):
        raise Http404
    entries = list(selectors.person_ledger(person))
    schemes = {entry.scheme_id for entry in entries}
    tranches = {entry.tranche_id for entry in entries}
    # Links only to what the user may open (a province's scheme is read from below; its tranches are not).
    seen_schemes = set(Scheme.objects.restrict(user, "view").filter(pk__in=schemes).values_list("pk", flat=True))
    seen_tranches = set(Tranche.objects.restrict(user, "view").filter(pk__in=tranches).values_list("pk", flat=True))
    for entry in entries:
        entry.scheme_link = entry.scheme_id in seen_schemes  # type: ignore[attr-defined]
        entry.tranche_link = entry.tranche_id in seen_tranches  # type: ignore[attr-defined]
        entry.attempts = sorted(entry.payments.all(), key=lambda payment: payment.attempt)  # type: ignore[attr-defined]
    context = {"person": person, "entries": entries, "total_paid": sum(e.amount for e in entries if e.state == "paid")}
    template = (
        "assistance/person_ledger.html" if getattr(request, "htmx", False) else "assistance/person_ledger_page.html"
    )
    return render(request, template, context)
