"""A person's bank accounts, consents, migration history and trafficking identifications: the person page's tabs
(`people/<id>/...`), each record's page and the forms. URLs carry ids only, never an identifier."""

from django.urls import path

from bangkit.registry.views import details as views

urlpatterns = [
    # Bank accounts
    path("people/<int:person_pk>/bank-accounts/", views.BankAccountsTab.as_view(), name="person_bank_accounts"),
    path("people/<int:person_pk>/bank-accounts/add/", views.BankAccountAddView.as_view(), name="bankaccount_add"),
    path("bank-accounts/<int:pk>/", views.BankAccountDetailView.as_view(), name="bankaccount_detail"),
    path("bank-accounts/<int:pk>/edit/", views.BankAccountEditView.as_view(), name="bankaccount_edit"),
    path("bank-accounts/<int:pk>/verify/", views.BankAccountVerifyView.as_view(), name="bankaccount_verify"),
    path("bank-accounts/<int:pk>/invalid/", views.BankAccountInvalidView.as_view(), name="bankaccount_invalid"),
    path("bank-accounts/<int:pk>/primary/", views.BankAccountPrimaryView.as_view(), name="bankaccount_primary"),
    # Consents
    path("people/<int:person_pk>/consents/", views.ConsentsTab.as_view(), name="person_consents"),
    path("people/<int:person_pk>/consents/add/", views.ConsentAddView.as_view(), name="consent_add"),
    path("consents/<int:pk>/", views.ConsentDetailView.as_view(), name="consent_detail"),
    path("consents/<int:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("consents/<int:pk>/scan/", views.ConsentScanView.as_view(), name="consent_scan"),
    path("consents/<int:pk>/scan/upload/", views.ConsentScanUploadView.as_view(), name="consent_scan_upload"),
    # Migration history
    path("people/<int:person_pk>/migration/", views.MigrationTab.as_view(), name="person_migration"),
    path("people/<int:person_pk>/migration/add/", views.MigrationStayAddView.as_view(), name="migrationstay_add"),
    path("migration/<int:pk>/", views.MigrationStayDetailView.as_view(), name="migrationstay_detail"),
    path("migration/<int:pk>/edit/", views.MigrationStayEditView.as_view(), name="migrationstay_edit"),
    path("migration/<int:pk>/delete/", views.MigrationStayDeleteView.as_view(), name="migrationstay_delete"),
    # Trafficking identification
    path(
        "people/<int:person_pk>/identifications/",
        views.IdentificationsTab.as_view(),
        name="person_identifications",
    ),
    path(
        "people/<int:person_pk>/identifications/add/",
        views.IdentificationAddView.as_view(),
        name="identification_add",
    ),
    path("identifications/<int:pk>/", views.IdentificationDetailView.as_view(), name="identification_detail"),
    path("identifications/<int:pk>/edit/", views.IdentificationEditView.as_view(), name="identification_edit"),
]
