"""The API of what each person is to receive and what became of it: entitlements (cancel, reinstate, re-issue),
the bank files of a tranche (their bytes to those who send them), the payments in them (an outcome recorded by
hand), and the lines of the banks' result files that changed nothing.

Lists give account numbers masked. One entitlement or payment read on its own gives the number in clear to holders
of `registry.unmask_account_numbers` over the recipient's region, and writes an access entry for the person. A bank
file's bytes carry every number in clear: only holders of `assistance.send_tranche` over the scheme's region get
them, and each download is written to the file's access history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.assistance import selectors, services
from bangkit.assistance.api.base import OldestFirstPagination, actor, found_in_jurisdiction
from bangkit.assistance.api.filters import (
    BankFileFilterSet,
    BankResultProblemFilterSet,
    EntitlementApiFilterSet,
    PaymentFilterSet,
)
from bangkit.assistance.api.serializers import (
    BankFileSerializer,
    BankResultProblemSerializer,
    EntitlementSerializer,
    PaymentRecordSerializer,
    PaymentSerializer,
    ReasonSerializer,
)
from bangkit.assistance.models import BankFile, BankResultProblem, Entitlement, Payment
from bangkit.assistance.workflow import STEPS
from bangkit.audit.history import record_access
from bangkit.core.api import ScopedReadOnlyViewSet
from bangkit.registry.masking import UNMASK_ACCOUNT_NUMBERS, may_unmask
from bangkit.registry.models import Person

SEND_TRANCHE = STEPS["send"].permission
# What a recipient's line needs of the person: the name shown and the region the masking and scoping go by; not
# their encrypted identifiers, which would be decrypted for nothing.
_PERSON_SHOWN = ("full_name", "region")


def _entitlements() -> QuerySet[Entitlement]:
    return (
        Entitlement.objects.select_related("tranche", "person", "bank_account")
        .only(
            *(field.name for field in Entitlement._meta.concrete_fields),
            "tranche__number",
            *(f"person__{name}" for name in _PERSON_SHOWN),
            "bank_account__bank",
            "bank_account__account_number",
        )
        .order_by("id")
    )


def _payments() -> QuerySet[Payment]:
    return (
        Payment.objects.select_related("entitlement__person", "bank_file")
        .only(
            *(field.name for field in Payment._meta.concrete_fields),
            "entitlement__person",
            *(f"entitlement__person__{name}" for name in _PERSON_SHOWN),
            "bank_file__tranche",
            "bank_file__bank",
        )
        .order_by("id")
    )


def one_record(request: Request, serializer_class: Any, instance: Any, person: Person | None) -> Response:
    """`instance` as `serializer_class` shows it on its own: the account number of `person` (if it shows one) in
    clear to those who may see it, with an access entry for the person. Lists give the numbers masked."""
    if person is not None and may_unmask(request.user, UNMASK_ACCOUNT_NUMBERS, person):
        record_access(request, person)
    return Response(serializer_class(instance, context={"request": request, "clear_accounts": True}).data)


class EntitlementViewSet(ScopedReadOnlyViewSet):
    """What each person is to receive under a scheme, in the order listed (`?tranche=<id>`, `?person=<id>`,
    `?state=failed`, `?q=<name>`). Placed by the recipient's home region."""

    queryset = _entitlements()
    serializer_class = EntitlementSerializer
    filterset_class = EntitlementApiFilterSet
    pagination_class = OldestFirstPagination

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object())

    def _answer(self, entitlement: Entitlement) -> Response:
        shown = _entitlements().get(pk=entitlement.pk)
        return one_record(self.request, EntitlementSerializer, shown, shown.person if shown.bank_account_id else None)

    @extend_schema(request=ReasonSerializer, responses={200: EntitlementSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Takes the person out of the tranche, with the reason: from a draft by its preparer; once approved and not
        yet sent, or failed at the bank (giving up its re-issue), by an approver. Kept for the record."""
        entitlement = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            entitlement = services.entitlement_cancel(
                actor=actor(request), entitlement=entitlement, reason=serializer.validated_data["reason"]
            )
        return self._answer(entitlement)

    @extend_schema(request=None, responses={200: EntitlementSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def reinstate(self, request: Request, pk: Any = None) -> Response:
        """Puts a person taken out of a draft tranche back in it."""
        with found_in_jurisdiction():
            entitlement = services.entitlement_reinstate(actor=actor(request), entitlement=self.get_object())
        return self._answer(entitlement)

    @extend_schema(request=None, responses={200: EntitlementSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def reissue(self, request: Request, pk: Any = None) -> Response:
        """Puts a failed payment back in line for the tranche's next sending, to the person's account as corrected
        and verified again since the failure: the same entitlement, its next attempt. `tranches/{id}/send/` then
        sends it."""
        with found_in_jurisdiction():
            entitlement = services.entitlement_reissue(actor=actor(request), entitlement=self.get_object())
        return self._answer(entitlement)


class BankFileViewSet(ScopedReadOnlyViewSet):
    """The payment files of the tranches in the caller's jurisdictions (`?tranche=<id>`), one per bank and sending,
    with their line count, control total and SHA-256."""

    queryset = BankFile.objects.select_related("bank").order_by("tranche_id", "round", "bank_id", "id")
    serializer_class = BankFileSerializer
    filterset_class = BankFileFilterSet

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def content(self, request: Request, pk: Any = None) -> HttpResponse:
        """The payment file as the bank receives it (CSV, layout in the user guide): the very bytes whose SHA-256 is
        on the record, every time. Only for holders of `assistance.send_tranche` over the scheme's region; each
        download is written to the file's access history."""
        if not request.user.has_perm(SEND_TRANCHE):
            raise exceptions.PermissionDenied()
        files = BankFile.objects.restrict(request.user, "view", permission=SEND_TRANCHE)
        bank_file: BankFile = get_object_or_404(files, pk=pk)
        content = selectors.bank_file_bytes(bank_file)
        record_access(request, bank_file)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{bank_file.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


class PaymentViewSet(ScopedReadOnlyViewSet):
    """Each attempt to pay an entitlement: its line in a bank file and what the bank answered (`?tranche=<id>`,
    `?entitlement=<id>`, `?bank_file=<id>`, `?outcome=pending`)."""

    queryset = _payments()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    pagination_class = OldestFirstPagination

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = self.get_object()
        return one_record(request, PaymentSerializer, payment, payment.entitlement.person)

    @extend_schema(request=PaymentRecordSerializer, responses={200: PaymentSerializer})
    @action(detail=True, methods=["post"], permission_action="view")
    def record(self, request: Request, pk: Any = None) -> Response:
        """Records the payment's outcome as the bank reported it outside a result file (a letter, a statement line),
        with the same checks as a result file: paid needs the bank's reference, failed a reason code. A payment
        already settled, or superseded by a re-issue, is refused and nothing changes."""
        payment = self.get_object()
        serializer = PaymentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            payment = services.payment_record(actor=actor(request), payment=payment, **serializer.validated_data)
        shown = _payments().get(pk=payment.pk)
        return one_record(request, PaymentSerializer, shown, shown.entitlement.person)


class BankResultProblemViewSet(ScopedReadOnlyViewSet):
    """Every line of the banks' result files that changed nothing, and why (`?tranche=<id>`, `?result=<id>`,
    `?kind=amount`): none is ever dropped."""

    queryset = BankResultProblem.objects.order_by("id")
    serializer_class = BankResultProblemSerializer
    filterset_class = BankResultProblemFilterSet
    pagination_class = OldestFirstPagination


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("assistance/entitlements", EntitlementViewSet, basename="assistance-entitlement")
    router.register("assistance/bank-files", BankFileViewSet, basename="assistance-bankfile")
    router.register("assistance/payments", PaymentViewSet, basename="assistance-payment")
    router.register("assistance/bank-result-problems", BankResultProblemViewSet, basename="assistance-problem")
