"""Pages of a person's details: the bank-account, consent, migration and identification tabs of a person's page,
each record's own page, and the forms that call the services.

Each tab is its own URL: htmx loads the fragment into the person's page, a plain request gets a whole page. A user
without the record type's view permission anywhere gets 403; a person (or record) outside the jurisdictions where
the user holds it, 404. Account numbers show in clear only with `registry.unmask_account_numbers` over the person's
region, the trafficking account only with `registry.read_trafficking_account`; each page showing either in clear
writes an access entry for the person.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from bangkit.accounts.roles import VERIFY_BANK_ACCOUNT
from bangkit.audit.history import record_access
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.generic import ObjectDetailView, ScopedViewMixin, add_errors_to_form
from bangkit.core.scoping import permission_name
from bangkit.core.uploads import scan_response
from bangkit.registry import choices
from bangkit.registry import forms_details as forms
from bangkit.registry.masking import READ_TRAFFICKING_ACCOUNT, UNMASK_ACCOUNT_NUMBERS, may_unmask
from bangkit.registry.models import BankAccount, Consent, MigrationStay, Person, TraffickingIdentification
from bangkit.registry.selectors import details as selectors
from bangkit.registry.services import bank_accounts as account_services
from bangkit.registry.services import consents as consent_services
from bangkit.registry.services import identification as identification_services
from bangkit.registry.services import migration as migration_services

# The tab keys, as registered in RegistryConfig.ready() (registry.tabs.PERSON_TABS).
TAB_BANK_ACCOUNTS = "bank_accounts"
TAB_CONSENTS = "consents"
TAB_MIGRATION = "migration"
TAB_IDENTIFICATION = "identification"
TAB_URLS = {
    TAB_BANK_ACCOUNTS: "registry:person_bank_accounts",
    TAB_CONSENTS: "registry:person_consents",
    TAB_MIGRATION: "registry:person_migration",
    TAB_IDENTIFICATION: "registry:person_identifications",
}


def person_tab_url(person: Person | int, tab: str) -> str:
    """The person's page opened on `tab`; the tab's own page while the person page does not exist."""
    pk = person.pk if isinstance(person, Person) else person
    try:
        return f"{reverse('registry:person_detail', args=[pk])}?tab={tab}"
    except NoReverseMatch:
        return reverse(TAB_URLS[tab], args=[pk])


def person_page_url(person: Person) -> str:
    """The person's own page, or "" while it does not exist."""
    try:
        return str(person.get_absolute_url())
    except NoReverseMatch:
        return ""


TAB_TITLES: dict[str, Any] = {
    TAB_BANK_ACCOUNTS: _l("Rekening bank"),
    TAB_CONSENTS: _l("Persetujuan"),
    TAB_MIGRATION: _l("Riwayat migrasi"),
    TAB_IDENTIFICATION: _l("Identifikasi TPPO"),
}


def _header(person: Person, tab: str) -> dict[str, Any]:
    """What the breadcrumb above a page about one of the person's records shows."""
    return {
        "person": person,
        "person_url": person_page_url(person),
        "tab_url": person_tab_url(person, tab),
        "tab_title": TAB_TITLES[tab],
    }


def _labels(choices_class: Any, codes: list[str]) -> list[str]:
    labels = dict(choices_class.choices)
    return [str(labels.get(code, code)) for code in codes]


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Tabs ---------------------------------------------------------------------------------------------------


class PersonDetailTab(ScopedViewMixin, generic.View):
    """One tab of a person's page listing their records of `queryset.model`, with the buttons to add and edit."""

    tab: ClassVar[str]
    title: ClassVar[str | Promise]
    fragment: ClassVar[str]
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, person_pk: int) -> HttpResponse:
        person = selectors.visible_person(request.user, person_pk)
        if person is None or not selectors.holds_on_person(
            request.user, permission_name(self.scoped_model, "view"), person
        ):
            raise Http404
        context: dict[str, Any] = {
            "person": person,
            "person_url": person_page_url(person),
            "tab": self.tab,
            "title": self.title,
            "fragment": self.fragment,
            "can_add": person.merged_into_id is None
            and selectors.holds_on_person(request.user, permission_name(self.scoped_model, "add"), person),
            "can_change": selectors.holds_on_person(request.user, permission_name(self.scoped_model, "change"), person),
            **self.tab_context(person),
        }
        template = self.fragment if _is_htmx(request) else "registry/details/tab_page.html"
        return render(request, template, context)

    def tab_context(self, person: Person) -> dict[str, Any]:
        return {}


def shown_number(account: BankAccount, clear: bool) -> str:
    return account.account_number if clear else account.masked_number


class BankAccountsTab(PersonDetailTab):
    queryset = BankAccount.objects.all()
    tab = TAB_BANK_ACCOUNTS
    title = _l("Rekening bank")
    fragment = "registry/details/bank_accounts.html"

    def tab_context(self, person: Person) -> dict[str, Any]:
        accounts = list(selectors.person_bank_accounts(user=self.request.user, person=person))
        clear = may_unmask(self.request.user, UNMASK_ACCOUNT_NUMBERS, person)
        for account in accounts:
            account.shown_number = shown_number(account, clear)  # type: ignore[attr-defined]
        if clear and accounts:
            record_access(self.request, person)
        return {
            "accounts": accounts,
            "numbers_in_clear": clear,
            "can_verify": selectors.holds_on_person(self.request.user, VERIFY_BANK_ACCOUNT, person),
        }


class ConsentsTab(PersonDetailTab):
    queryset = Consent.objects.all()
    tab = TAB_CONSENTS
    title = _l("Persetujuan")
    fragment = "registry/details/consents.html"

    def tab_context(self, person: Person) -> dict[str, Any]:
        today = timezone.localdate()
        consents = list(selectors.person_consents(user=self.request.user, person=person))
        for consent in consents:
            consent.in_force = consent.is_valid_on(today)  # type: ignore[attr-defined]
        return {"consents": consents}


class MigrationTab(PersonDetailTab):
    queryset = MigrationStay.objects.all()
    tab = TAB_MIGRATION
    title = _l("Riwayat migrasi")
    fragment = "registry/details/migration.html"

    def tab_context(self, person: Person) -> dict[str, Any]:
        stays = list(selectors.person_migration_stays(user=self.request.user, person=person))
        for stay in stays:
            stay.country_label = selectors.country_name(stay.country.code)  # type: ignore[attr-defined]
        return {
            "stays": stays,
            "can_delete": selectors.holds_on_person(self.request.user, "registry.delete_migrationstay", person),
        }


class IdentificationsTab(PersonDetailTab):
    queryset = TraffickingIdentification.objects.all()
    tab = TAB_IDENTIFICATION
    title = _l("Identifikasi TPPO")
    fragment = "registry/details/identifications.html"

    def tab_context(self, person: Person) -> dict[str, Any]:
        identifications = list(selectors.person_identifications(user=self.request.user, person=person))
        for identification in identifications:
            identification.elements = identification_services.legal_elements(identification)  # type: ignore[attr-defined]
        return {"identifications": identifications}


# --- Record pages -------------------------------------------------------------------------------------------


class _RecordDetail(ObjectDetailView):
    tab: ClassVar[str]
    template_name = "registry/details/record_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.object.person
        context.update(_header(person, self.tab), tab=self.tab, back_url=person_tab_url(person, self.tab))
        return context


class BankAccountDetailView(_RecordDetail):
    queryset = BankAccount.objects.select_related("person", "person__region", "bank", "verified_by")
    template_name = "registry/details/bankaccount_detail.html"
    tab = TAB_BANK_ACCOUNTS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account: BankAccount = self.object
        clear = may_unmask(self.request.user, UNMASK_ACCOUNT_NUMBERS, account.person)
        if clear:
            record_access(self.request, account.person)
        user = self.request.user
        context.update(
            shown_number=shown_number(account, clear),
            numbers_in_clear=clear,
            can_verify=selectors.holds_on_person(user, VERIFY_BANK_ACCOUNT, account.person),
            verify_form=forms.BankAccountVerifyForm(account=account, user=user),
            invalid_form=forms.BankAccountInvalidForm(user=user),
            threshold=account_services.NAME_MATCH_THRESHOLD,
        )
        return context


class ConsentDetailView(_RecordDetail):
    queryset = Consent.objects.select_related("person", "person__region", "recorded_by").prefetch_related("shared_with")
    template_name = "registry/details/consent_detail.html"
    tab = TAB_CONSENTS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["in_force"] = self.object.is_valid_on(timezone.localdate())
        return context


class MigrationStayDetailView(_RecordDetail):
    queryset = MigrationStay.objects.select_related("person", "person__region")
    template_name = "registry/details/migrationstay_detail.html"
    tab = TAB_MIGRATION

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["country_label"] = selectors.country_name(self.object.country.code)
        context["documents"] = _labels(choices.TravelDocument, self.object.documents_held)
        return context


class IdentificationDetailView(_RecordDetail):
    queryset = TraffickingIdentification.objects.select_related(
        "person", "person__region", "organisation", "confirmed_by", "recorded_by"
    )
    template_name = "registry/details/identification_detail.html"
    tab = TAB_IDENTIFICATION

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        identification: TraffickingIdentification = self.object
        may_read = may_unmask(self.request.user, READ_TRAFFICKING_ACCOUNT, identification.person)
        if may_read and identification.account:
            record_access(self.request, identification.person)
        context.update(
            may_read_account=may_read,
            elements=identification_services.legal_elements(identification),
            adjusted=identification_services.ctdc_adjusted(identification),
            labels={
                "acts": _labels(choices.TraffickingAct, identification.acts),
                "means": _labels(choices.TraffickingMeans, identification.means),
                "purposes": _labels(choices.TraffickingPurpose, identification.purposes),
                "means_of_control": _labels(choices.CtdcMeansOfControl, identification.means_of_control),
                "types_of_exploitation": _labels(choices.CtdcTypeOfExploitation, identification.types_of_exploitation),
                "types_of_labour": _labels(choices.CtdcTypeOfLabour, identification.types_of_labour),
            },
        )
        return context


# --- Forms --------------------------------------------------------------------------------------------------


class _ServiceFormView(ScopedViewMixin, generic.FormView):
    """A form whose valid POST calls a service in a transaction; its refusals show on the form, nothing saved."""

    template_name = "registry/details/form.html"
    title: ClassVar[str | Promise] = ""
    tab: ClassVar[str]
    success_message: ClassVar[str | Promise] = _l("Tersimpan.")
    person: Person
    object: Any = None

    def setup_objects(self) -> None:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.kwargs = kwargs
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_objects()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_objects()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                self.object = self.perform(form)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        except (ServiceError, ValidationError) as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: BaseForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def perform(self, form: Any) -> models.Model | None:
        raise NotImplementedError

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            _header(self.person, self.tab),
            object=self.object,
            title=self.title,
            tab=self.tab,
            cancel_url=self.object.get_absolute_url()
            if self.object is not None
            else person_tab_url(self.person, self.tab),
        )
        return context


class _AddView(_ServiceFormView):
    """Adds a record to the person named in the URL: the person must be inside the jurisdictions where the user
    may add such records (else 404)."""

    action = "add"

    def setup_objects(self) -> None:
        person = selectors.visible_person(self.request.user, self.kwargs["person_pk"])
        if person is None or not selectors.holds_on_person(
            self.request.user, permission_name(self.scoped_model, "add"), person
        ):
            raise Http404
        self.person = person


class _ChangeView(_ServiceFormView, SingleObjectMixin):
    """Acts on one record: it must be inside the jurisdictions where the user holds the view's permission."""

    action = "change"

    def setup_objects(self) -> None:
        self.object = self.get_object()
        self.person = self.object.person

    def get_success_url(self) -> str:
        return str(self.object.get_absolute_url())


# Bank accounts


class BankAccountAddView(_AddView):
    queryset = BankAccount.objects.all()
    form_class = forms.BankAccountForm
    title = _l("Tambah rekening bank")
    tab = TAB_BANK_ACCOUNTS

    def perform(self, form: Any) -> BankAccount:
        data = form.cleaned_data
        return account_services.bank_account_create(
            actor=self.request.user,  # type: ignore[arg-type]
            person=self.person,
            bank=data["bank"],
            account_number=data["account_number"],
            holder_name=data["holder_name"],
            # An unticked box on the first account still makes it primary: a person's only account is.
            is_primary=True if data["is_primary"] else None,
        )


class BankAccountEditView(_ChangeView):
    queryset = BankAccount.objects.select_related("person", "person__region", "bank")
    form_class = forms.BankAccountForm
    title = _l("Ubah rekening bank")
    tab = TAB_BANK_ACCOUNTS

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "account": self.object}

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)

    def perform(self, form: Any) -> BankAccount:
        data = form.cleaned_data
        return account_services.bank_account_update(
            actor=self.request.user,  # type: ignore[arg-type]
            account=self.object,
            bank=data["bank"],
            account_number=data["account_number"] or None,
            holder_name=data["holder_name"],
            is_primary=data["is_primary"],
        )


class BankAccountVerifyView(_ChangeView):
    """Verifying takes `registry.verify_bankaccount`: 403 without it anywhere, 404 outside its jurisdictions."""

    queryset = BankAccount.objects.select_related("person", "person__region", "bank")
    permission = VERIFY_BANK_ACCOUNT
    form_class = forms.BankAccountVerifyForm
    title = _l("Verifikasi rekening")
    template_name = "registry/details/verify_form.html"
    tab = TAB_BANK_ACCOUNTS
    success_message = _l("Rekening terverifikasi.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "account": self.object}

    def perform(self, form: Any) -> BankAccount:
        return account_services.bank_account_verify(
            actor=self.request.user,  # type: ignore[arg-type]
            account=self.object,
            method=form.cleaned_data["method"],
            confirm_name_mismatch=form.cleaned_data.get("confirm_name_mismatch", False),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["account"] = self.object
        return context


class BankAccountInvalidView(BankAccountVerifyView):
    form_class = forms.BankAccountInvalidForm  # type: ignore[assignment]
    title = _l("Tandai rekening tidak valid")
    success_message = _l("Rekening ditandai tidak valid.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("account", None)
        return kwargs

    def perform(self, form: Any) -> BankAccount:
        return account_services.bank_account_mark_invalid(
            actor=self.request.user,  # type: ignore[arg-type]
            account=self.object,
            reason=form.cleaned_data["reason"],
        )


class BankAccountPrimaryView(_ChangeView):
    """POST only: makes the account the person's primary one."""

    queryset = BankAccount.objects.select_related("person", "person__region")
    http_method_names = ["post"]
    tab = TAB_BANK_ACCOUNTS
    success_message = _l("Rekening utama diganti.")

    def get_form_class(self) -> Any:
        return forms._UserForm

    def perform(self, form: Any) -> BankAccount:
        return account_services.bank_account_make_primary(actor=self.request.user, account=self.object)  # type: ignore[arg-type]

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)


# Consents


class ConsentAddView(_AddView):
    queryset = Consent.objects.all()
    form_class = forms.ConsentForm
    title = _l("Catat persetujuan")
    tab = TAB_CONSENTS

    def perform(self, form: Any) -> Consent:
        data = form.cleaned_data
        return consent_services.consent_record(
            actor=self.request.user,  # type: ignore[arg-type]
            person=self.person,
            purpose=data["purpose"],
            signed_by=data["signed_by"],
            guardian_name=data["guardian_name"],
            guardian_relationship=data["guardian_relationship"],
            signed_on=data["signed_on"],
            valid_until=data["valid_until"],
            shared_with=data["shared_with"],
            shared_with_any=data["shared_with_any"],
            scan=data["scan"] or None,
        )


class ConsentWithdrawView(_ChangeView):
    queryset = Consent.objects.select_related("person", "person__region")
    form_class = forms.ConsentWithdrawForm
    title = _l("Tarik persetujuan")
    tab = TAB_CONSENTS
    success_message = _l("Persetujuan ditarik; tetap tersimpan sebagai riwayat.")

    def perform(self, form: Any) -> Consent:
        return consent_services.consent_withdraw(
            actor=self.request.user,  # type: ignore[arg-type]
            consent=self.object,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            note=form.cleaned_data["note"],
        )


class ConsentScanUploadView(_ChangeView):
    queryset = Consent.objects.select_related("person", "person__region")
    form_class = forms.ConsentScanForm
    title = _l("Unggah pindaian persetujuan")
    tab = TAB_CONSENTS

    def perform(self, form: Any) -> Consent:
        return consent_services.consent_attach_scan(
            actor=self.request.user,  # type: ignore[arg-type]
            consent=self.object,
            scan=form.cleaned_data["scan"],
        )


class ConsentScanView(ScopedViewMixin, SingleObjectMixin, generic.View):
    """The scan of a signed consent, for users who may see the consent; each download is logged. Sent as an
    attachment named by the consent's id only (the stored name is random; the person's name is never in it)."""

    queryset = Consent.objects.select_related("person")
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        consent: Consent = self.get_object()
        return scan_response(request, consent, consent.scan, filename_stem=f"persetujuan-{consent.pk}")


# Migration history


class MigrationStayAddView(_AddView):
    queryset = MigrationStay.objects.all()
    form_class = forms.MigrationStayForm
    title = _l("Tambah riwayat migrasi")
    tab = TAB_MIGRATION

    def perform(self, form: Any) -> MigrationStay:
        data = dict(form.cleaned_data)
        return migration_services.migration_stay_create(actor=self.request.user, person=self.person, **data)  # type: ignore[arg-type]


class MigrationStayEditView(_ChangeView):
    queryset = MigrationStay.objects.select_related("person", "person__region")
    form_class = forms.MigrationStayForm
    title = _l("Ubah riwayat migrasi")
    tab = TAB_MIGRATION

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "stay": self.object}

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)

    def perform(self, form: Any) -> MigrationStay:
        return migration_services.migration_stay_update(
            actor=self.request.user,  # type: ignore[arg-type]
            stay=self.object,
            **form.cleaned_data,
        )


class MigrationStayDeleteView(_ChangeView):
    queryset = MigrationStay.objects.select_related("person", "person__region")
    action = "delete"
    template_name = "registry/details/confirm_delete.html"
    title = _l("Hapus riwayat migrasi")
    tab = TAB_MIGRATION
    success_message = _l("Riwayat migrasi dihapus.")

    def get_form_class(self) -> Any:
        return forms._UserForm

    def perform(self, form: Any) -> None:
        migration_services.migration_stay_delete(actor=self.request.user, stay=self.object)  # type: ignore[arg-type]

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["country_label"] = selectors.country_name(self.object.country.code)
        return context


# Trafficking identification


def _identification_data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    auto = data.pop("ctdc_auto", True)
    for field in forms.IdentificationForm.CTDC_FIELDS:
        value = data.pop(field, None)
        if not auto:
            data[field] = value or []
    if "account" not in form.fields:
        data.pop("account", None)
    return data


class IdentificationAddView(_AddView):
    queryset = TraffickingIdentification.objects.all()
    form_class = forms.IdentificationForm
    title = _l("Catat identifikasi TPPO")
    tab = TAB_IDENTIFICATION
    template_name = "registry/details/identification_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "may_read_account": may_unmask(self.request.user, READ_TRAFFICKING_ACCOUNT, self.person),
        }

    def perform(self, form: Any) -> TraffickingIdentification:
        return identification_services.identification_create(
            actor=self.request.user,  # type: ignore[arg-type]
            person=self.person,
            **_identification_data(form),
        )


class IdentificationEditView(_ChangeView):
    queryset = TraffickingIdentification.objects.select_related(
        "person", "person__region", "organisation", "confirmed_by"
    )
    form_class = forms.IdentificationForm
    title = _l("Ubah identifikasi TPPO")
    tab = TAB_IDENTIFICATION
    template_name = "registry/details/identification_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        may_read = may_unmask(self.request.user, READ_TRAFFICKING_ACCOUNT, self.person)
        if may_read and self.object.account and self.request.method == "GET":
            record_access(self.request, self.person)
        return {
            **super().get_form_kwargs(),
            "identification": self.object,
            "may_read_account": may_read,
            "ctdc_adjusted": bool(identification_services.ctdc_adjusted(self.object)),
        }

    def get_success_url(self) -> str:
        return person_tab_url(self.person, self.tab)

    def perform(self, form: Any) -> TraffickingIdentification:
        data = _identification_data(form)
        return identification_services.identification_update(
            actor=self.request.user,  # type: ignore[arg-type]
            identification=self.object,
            ctdc_auto=bool(form.cleaned_data.get("ctdc_auto")),
            **data,
        )
