"""The API of tranches (tahap): create and fill one, take it through its workflow (submit, return, approve, cancel,
send to the banks, close), import the banks' result files, reconcile it, and hand over an in-kind package.

Each step is checked by the permission `workflow.STEPS` names for it, over the scheme's region: held nowhere, 403;
not over this tranche, 404. The service then decides whether the step may be taken now and by this caller (the
preparer never approves: 403); a step the tranche's state does not allow, or one someone else has just taken,
answers 400 with the reason. Approving and sending need a browser session whose password was confirmed within
the re-authentication window: a personal API token gets 403 and is told to use the web app.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.accounts.api.reauthentication import RecentlyReauthenticated
from bangkit.assistance import selectors, services
from bangkit.assistance.api.base import ServiceViewSet, actor, found_in_jurisdiction, step_action
from bangkit.assistance.api.filters import TrancheFilterSet
from bangkit.assistance.api.serializers import (
    ApproveSerializer,
    BankFileSerializer,
    BankResultImportedSerializer,
    BankResultUploadSerializer,
    HandoverReceiptSaveSerializer,
    HandoverReceiptSerializer,
    HandoverRecordSerializer,
    HandoverResultSerializer,
    ReasonSerializer,
    ReconciliationSerializer,
    ScanUploadSerializer,
    TrancheCreateSerializer,
    TrancheDetailSerializer,
    TrancheFillResultSerializer,
    TrancheSerializer,
)
from bangkit.assistance.models import BankFile, BankResult, Entitlement, HandoverReceipt, Tranche
from bangkit.core.api import ScopedModelPermission
from bangkit.core.uploads import scan_response

# A bank's result file for 100,000 payments is some 7 MB.
RESULT_FILE_MAX_BYTES = 10 * 1024 * 1024

_CONFIRMED = [permissions.IsAuthenticated, ScopedModelPermission, RecentlyReauthenticated]


class TrancheViewSet(ServiceViewSet):
    """Tranches of the schemes in the caller's jurisdictions (`?scheme=<id>&state=submitted`)."""

    queryset = Tranche.objects.select_related("scheme", "prepared_by", "approved_by").order_by(
        "scheme_id", "number", "id"
    )
    serializer_class = TrancheSerializer
    filterset_class = TrancheFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self) -> type[TrancheSerializer]:
        return TrancheSerializer if self.action == "list" else TrancheDetailSerializer

    def _shown(self, tranche: Tranche) -> dict[str, Any]:
        shown = Tranche.objects.select_related("scheme", "prepared_by", "approved_by").get(pk=tranche.pk)
        return TrancheDetailSerializer(shown, context=self.get_serializer_context()).data

    @extend_schema(request=TrancheCreateSerializer, responses={201: TrancheDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Opens a new draft tranche of a scheme, numbered after its last one; `fill/` then lists its recipients."""
        serializer = TrancheCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            tranche = services.tranche_create(actor=actor(request), scheme=serializer.validated_data["scheme"])
        return Response(self._shown(tranche), status=status.HTTP_201_CREATED)

    # --- the workflow ------------------------------------------------------------------------------------------

    @extend_schema(request=None, responses={200: TrancheFillResultSerializer})
    @action(detail=True, methods=["post"], permission_action=step_action("prepare"))
    def fill(self, request: Request, pk: Any = None) -> Response:
        """Adds to a draft tranche everyone eligible under the scheme who has no entitlement in it yet (`added`, none
        when filled again): never a second entitlement for the same person."""
        tranche = self.get_object()
        with found_in_jurisdiction():
            added = services.tranche_fill(actor=actor(request), tranche=tranche)
        return Response(TrancheFillResultSerializer({"added": added, "tranche": self._reloaded(tranche)}).data)

    @extend_schema(request=None, responses={200: TrancheDetailSerializer})
    @action(detail=True, methods=["post"], permission_action=step_action("submit"))
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submits the draft for approval."""
        with found_in_jurisdiction():
            tranche = services.tranche_submit(actor=actor(request), tranche=self.get_object())
        return Response(self._shown(tranche))

    @extend_schema(request=None, responses={200: TrancheDetailSerializer})
    @action(
        detail=True, methods=["post"], url_path="return", url_name="return", permission_action=step_action("return")
    )
    def return_to_preparer(self, request: Request, pk: Any = None) -> Response:
        """Sends a submitted tranche back to its preparer as a draft; a first approval is withdrawn with it."""
        with found_in_jurisdiction():
            tranche = services.tranche_return(actor=actor(request), tranche=self.get_object())
        return Response(self._shown(tranche))

    @extend_schema(request=ApproveSerializer, responses={200: TrancheDetailSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_action=step_action("approve"),
        permission_classes=_CONFIRMED,
    )
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approves a submitted tranche under its decree (SK penerima: `decree_number`, `decree_date`): its list and
        amounts are frozen. Never by its preparer (403). Above the scheme's threshold this is the first of two
        approvals (`second_approval_pending`); the second, by a third person, needs no decree. Needs a browser
        session confirmed within the re-authentication window."""
        tranche = self.get_object()
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            tranche = services.tranche_approve(actor=actor(request), tranche=tranche, **serializer.validated_data)
        return Response(self._shown(tranche))

    @extend_schema(request=ReasonSerializer, responses={200: TrancheDetailSerializer})
    @action(detail=True, methods=["post"], permission_action=step_action("cancel"))
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Cancels a tranche not yet sent to the bank, with the reason; its entitlements are cancelled with it and
        kept for the record."""
        tranche = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            tranche = services.tranche_cancel(actor=actor(request), tranche=tranche, **serializer.validated_data)
        return Response(self._shown(tranche))

    @extend_schema(request=None, responses={200: BankFileSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        permission_action=step_action("send"),  # the same permission as "resend"
        permission_classes=_CONFIRMED,
        filter_backends=[],
        pagination_class=None,
    )
    def send(self, request: Request, pk: Any = None) -> Response:
        """Makes the bank files of an approved cash tranche, one per bank, and marks its payments sent; on a tranche
        already sent, the same for the payments re-issued since, as a further round. Answers the files made; their
        bytes are at `bank-files/{id}/content/`. Needs a browser session confirmed within the re-authentication
        window."""
        tranche = self.get_object()
        with found_in_jurisdiction():
            files = services.tranche_send(actor=actor(request), tranche=tranche)
        shown = BankFile.objects.select_related("bank").filter(pk__in=[bank_file.pk for bank_file in files])
        return Response(BankFileSerializer(shown.order_by("round", "bank_id"), many=True).data)

    @extend_schema(request=None, responses={200: TrancheDetailSerializer})
    @action(detail=True, methods=["post"], permission_action=step_action("close"))
    def close(self, request: Request, pk: Any = None) -> Response:
        """Closes a tranche once nothing in it is waiting: every payment answered by the bank, or every recipient
        handed their package."""
        with found_in_jurisdiction():
            tranche = services.tranche_close(actor=actor(request), tranche=self.get_object())
        return Response(self._shown(tranche))

    # --- paying through the banks ------------------------------------------------------------------------------

    @extend_schema(responses={200: ReconciliationSerializer})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def reconciliation(self, request: Request, pk: Any = None) -> Response:
        """Approved = paid + failed + pending (+ cancelled after approval), in people and rupiah, for the tranche
        and per bank file; the result files imported and how many of their lines changed nothing."""
        tranche = self.get_object()
        figures = selectors.reconciliation(tranche)
        body = {
            "approved": figures.approved,
            "paid": figures.paid,
            "failed": figures.failed,
            "pending": figures.pending,
            "cancelled": figures.cancelled,
            "accounted": figures.accounted,
            "balanced": figures.balanced,
            "files": figures.files,
            "results": BankResult.objects.filter(tranche=tranche).order_by("created_at", "id"),
            "problems": figures.problems.count(),
        }
        return Response(ReconciliationSerializer(body).data)

    @extend_schema(
        request={"multipart/form-data": BankResultUploadSerializer},
        responses={201: BankResultImportedSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="bank-results",
        permission_action=step_action("record_results"),
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def bank_results(self, request: Request, pk: Any = None) -> Response:
        """Imports a bank's result file (CSV, `file`) for a sent tranche. Each line is matched by its reference; a
        line that is unreadable, unknown, of another tranche, of a different amount, already settled or
        superseded changes nothing and is listed in `problem_lines`. The same file twice is refused."""
        tranche = self.get_object()
        serializer = BankResultUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if (upload.size or 0) > RESULT_FILE_MAX_BYTES:
            raise exceptions.ValidationError(
                {"file": [_("Berkas hasil paling besar %(mb)d MB.") % {"mb": RESULT_FILE_MAX_BYTES // (1024 * 1024)}]}
            )
        with found_in_jurisdiction():
            result = services.bank_result_import(
                actor=actor(request), tranche=tranche, filename=upload.name or "hasil.csv", content=upload.read()
            )
        return Response(BankResultImportedSerializer(result).data, status=status.HTTP_201_CREATED)

    # --- handing over in kind ----------------------------------------------------------------------------------

    @extend_schema(request=HandoverReceiptSaveSerializer, responses={200: HandoverReceiptSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="handover-receipt",
        permission_action=step_action("hand_over"),
    )
    def handover_receipt(self, request: Request, pk: Any = None) -> Response:
        """Records (or corrects) the Berita Acara Serah Terima of an approved in-kind tranche: its number, place
        and day, as printed on it."""
        tranche = self.get_object()
        serializer = HandoverReceiptSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            receipt = services.handover_receipt_save(actor=actor(request), tranche=tranche, **serializer.validated_data)
        return Response(HandoverReceiptSerializer(receipt).data)

    @extend_schema(request=HandoverRecordSerializer, responses={200: HandoverResultSerializer})
    @action(detail=True, methods=["post"], permission_action=step_action("hand_over"))
    def handover(self, request: Request, pk: Any = None) -> Response:
        """Records that the recipients named (entitlement ids) were handed their package on `handed_on` by the
        caller: the whole package, or `quantities` (item id → how many) when less was handed."""
        tranche = self.get_object()
        serializer = HandoverRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        ids: list[int] = values.pop("entitlements")
        found = Entitlement.objects.restrict(actor(request), "view").filter(tranche=tranche).in_bulk(ids)
        unknown = sorted({pk for pk in ids if pk not in found})
        if unknown:
            raise exceptions.ValidationError(
                {
                    "entitlements": [
                        _("Bukan penerima tahap ini: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in unknown[:20])}
                    ]
                }
            )
        with found_in_jurisdiction():
            recorded = services.handover_record(
                actor=actor(request), tranche=tranche, entitlements=list(found.values()), **values
            )
        return Response(HandoverResultSerializer({"recorded": recorded}).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
        }
    )
    @action(detail=True, methods=["get"], url_path="handover-receipt/scan", filter_backends=[], pagination_class=None)
    def handover_scan(self, request: Request, pk: Any = None) -> FileResponse:
        """The scan of the signed Berita Acara (404 when there is none). Each download is logged."""
        tranche = self.get_object()
        receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
        if receipt is None:
            raise exceptions.NotFound(_("Tidak ditemukan."))
        return scan_response(request, receipt, receipt.signed_copy, filename_stem=f"bast-tahap-{tranche.pk}")

    @extend_schema(request={"multipart/form-data": ScanUploadSerializer}, responses={200: HandoverReceiptSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="handover-receipt/scan/upload",
        permission_action=step_action("attach_receipt"),
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def handover_scan_upload(self, request: Request, pk: Any = None) -> Response:
        """Attaches (or replaces) the scan of the Berita Acara as signed at the handover (PDF, JPEG or PNG)."""
        tranche = self.get_object()
        serializer = ScanUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with found_in_jurisdiction():
            receipt = services.handover_receipt_attach(
                actor=actor(request), tranche=tranche, scan=serializer.validated_data["scan"]
            )
        return Response(HandoverReceiptSerializer(receipt).data)

    def _reloaded(self, tranche: Tranche) -> Tranche:
        return Tranche.objects.select_related("scheme", "prepared_by", "approved_by").get(pk=tranche.pk)


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("assistance/tranches", TrancheViewSet, basename="assistance-tranche")
