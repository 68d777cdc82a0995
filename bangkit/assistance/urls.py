from django.urls import URLPattern, URLResolver, path

from bangkit.assistance.views import handover, ledger, payments, schemes, tranches

app_name = "assistance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", schemes.SchemeListView.as_view(), name="scheme_list"),
    path("add/", schemes.SchemeEditView.as_view(), name="scheme_add"),
    path("<int:pk>/", schemes.SchemeDetailView.as_view(), name="scheme_detail"),
    path("<int:pk>/edit/", schemes.SchemeEditView.as_view(), name="scheme_edit"),
    path("<int:pk>/items/add/", schemes.SchemeItemAddView.as_view(), name="scheme_item_add"),
    path("<int:pk>/tranches/add/", schemes.TrancheCreateView.as_view(), name="tranche_add"),
    # A tranche and its workflow
    path("tranches/<int:pk>/", tranches.TrancheDetailView.as_view(), name="tranche_detail"),
    path("tranches/<int:pk>/fill/", tranches.TrancheFillView.as_view(), name="tranche_fill"),
    path("tranches/<int:pk>/submit/", tranches.TrancheSubmitView.as_view(), name="tranche_submit"),
    path("tranches/<int:pk>/return/", tranches.TrancheReturnView.as_view(), name="tranche_return"),
    path("tranches/<int:pk>/approve/", tranches.TrancheApproveView.as_view(), name="tranche_approve"),
    path("tranches/<int:pk>/cancel/", tranches.TrancheCancelView.as_view(), name="tranche_cancel"),
    path("tranches/<int:pk>/send/", tranches.TrancheSendView.as_view(), name="tranche_send"),
    path("tranches/<int:pk>/close/", tranches.TrancheCloseView.as_view(), name="tranche_close"),
    path("entitlements/<int:pk>/cancel/", tranches.EntitlementCancelView.as_view(), name="entitlement_cancel"),
    path("entitlements/<int:pk>/reinstate/", tranches.EntitlementReinstateView.as_view(), name="entitlement_reinstate"),
    path("entitlements/<int:pk>/reissue/", tranches.EntitlementReissueView.as_view(), name="entitlement_reissue"),
    # Paying through the banks
    path("bank-files/<int:pk>/download/", payments.bank_file_download, name="bank_file_download"),
    path("tranches/<int:pk>/results/import/", payments.BankResultImportView.as_view(), name="bank_result_import"),
    path("tranches/<int:pk>/reconciliation/", payments.ReconciliationView.as_view(), name="reconciliation"),
    path("payments/<int:pk>/record/", payments.PaymentRecordView.as_view(), name="payment_record"),
    # Handing over in kind
    path("tranches/<int:pk>/handover/", handover.HandoverView.as_view(), name="handover"),
    path("tranches/<int:pk>/handover/receipt/", handover.HandoverReceiptSaveView.as_view(), name="handover_receipt"),
    path("tranches/<int:pk>/handover/record/", handover.HandoverRecordView.as_view(), name="handover_record"),
    path("tranches/<int:pk>/handover/scan/", handover.HandoverScanView.as_view(), name="handover_scan_upload"),
    path("tranches/<int:pk>/handover/scan/download/", handover.handover_scan, name="handover_scan"),
    path("tranches/<int:pk>/handover/bast.pdf", handover.handover_receipt_pdf, name="handover_receipt_pdf"),
    path("entitlements/<int:pk>/receipt.pdf", handover.payment_receipt_pdf, name="payment_receipt_pdf"),
    # The "Bantuan" tab of a person's page
    path("people/<int:person_pk>/", ledger.person_ledger, name="person_ledger"),
]
