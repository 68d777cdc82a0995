"""A person's details over the API, through the same selectors and services as the pages.

- `/bank-accounts/`: list (`?person=`, `?status=`, `?name_mismatch=`, `?bank=`), read, create, correct (PATCH/PUT),
  `POST .../{id}/verify/`, `.../{id}/mark-invalid/` (both need `registry.verify_bankaccount`), `.../{id}/make-primary/`.
  `account_number` is in clear only for holders of `registry.unmask_account_numbers` over the person's region
  (`account_number_masked` says which); an answer with numbers in clear writes an access entry per person.
- `/consents/`: list (`?person=`, `?purpose=`, `?in_force=`), read, record; `POST .../{id}/withdraw/`; the scan of the
  signed form at `GET .../{id}/scan/`, replaced with `POST .../{id}/scan/upload/` (multipart). Never deleted.
- `/migration-stays/`: list (`?person=`, `?country=`), read, create, correct, delete.
- `/trafficking-identifications/`: list (`?person=`, `?outcome=`), read, record, correct. `account` (the person's
  story) is sent only to holders of `registry.read_trafficking_account`, and reading it is logged.

Out of the caller's jurisdiction: 404. Without the permission anywhere: 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from bangkit.accounts.models import Organisation
from bangkit.audit.history import record_access
from bangkit.core.api import ACTION_FOR_METHOD, ScopedModelViewSet
from bangkit.core.exceptions import OutOfJurisdiction
from bangkit.core.serializers import request_user
from bangkit.core.uploads import scan_response
from bangkit.registry import choices
from bangkit.registry.masking import READ_TRAFFICKING_ACCOUNT, UNMASK_ACCOUNT_NUMBERS, may_unmask
from bangkit.registry.models import Bank, BankAccount, Consent, MigrationStay, Person, TraffickingIdentification
from bangkit.registry.selectors.details import (
    BankAccountFilterSet,
    ConsentFilterSet,
    IdentificationFilterSet,
    MigrationStayFilterSet,
    country_name,
)
from bangkit.registry.services import bank_accounts as account_services
from bangkit.registry.services import consents as consent_services
from bangkit.registry.services import identification as identification_services
from bangkit.registry.services import migration as migration_services


@extend_schema_field(OpenApiTypes.INT)
class PersonField(serializers.PrimaryKeyRelatedField[Person]):
    """A person by id, among those the caller may see; others do not exist."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Id orang."))
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        user = request_user(self.context)
        return Person.objects.restrict(user, "view") if user is not None else Person.objects.none()


class BankCodeField(serializers.SlugRelatedField[Bank]):
    """A bank by its three-digit Bank Indonesia code, e.g. `"002"`."""

    default_error_messages = {
        "does_not_exist": _("Sandi bank {value} tidak dikenal."),
        "invalid": _("Sandi bank harus tiga angka."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Bank.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Bank:
        if not isinstance(data, str) or len(data) != 3 or not data.isascii() or not data.isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class OrganisationField(serializers.PrimaryKeyRelatedField[Organisation]):
    def get_queryset(self) -> Any:
        return Organisation.objects.all()


# --- Bank accounts ------------------------------------------------------------------------------------------


class BankAccountSerializer(serializers.ModelSerializer[BankAccount]):
    bank = BankCodeField(read_only=True)
    bank_name = serializers.CharField(source="bank.short_name", read_only=True)
    account_number = serializers.SerializerMethodField(
        help_text=_("Dalam bentuk jelas hanya untuk peran yang berhak; selain itu disamarkan (******7890).")
    )
    account_number_masked = serializers.SerializerMethodField()

    class Meta:
        model = BankAccount
        fields = [
            "id",
            "person",
            "bank",
            "bank_name",
            "account_number",
            "account_number_masked",
            "holder_name",
            "name_match_score",
            "name_mismatch",
            "status",
            "verification_method",
            "verified_by",
            "verified_at",
            "invalid_reason",
            "is_primary",
        ]
        read_only_fields = fields

    def _clear(self, account: BankAccount) -> bool:
        return may_unmask(request_user(self.context), UNMASK_ACCOUNT_NUMBERS, account.person)

    def get_account_number(self, account: BankAccount) -> str:
        return account.account_number if self._clear(account) else account.masked_number

    def get_account_number_masked(self, account: BankAccount) -> bool:
        return not self._clear(account)


class BankAccountCreateSerializer(serializers.Serializer[Any]):
    person = PersonField()
    bank = BankCodeField()
    account_number = serializers.CharField(max_length=60, help_text=_("Angka saja; spasi dan tanda hubung boleh."))
    holder_name = serializers.CharField(max_length=200)
    is_primary = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Rekening pertama seseorang menjadi utama bila tidak disebut."),
    )


class BankAccountUpdateSerializer(serializers.Serializer[Any]):
    bank = BankCodeField(required=False)
    account_number = serializers.CharField(
        max_length=60,
        required=False,
        help_text=_("Nomor lengkap; nomor yang disamarkan seperti dikirim GET berarti tidak berubah."),
    )
    holder_name = serializers.CharField(max_length=200, required=False)
    is_primary = serializers.BooleanField(required=False)


class BankAccountVerifySerializer(serializers.Serializer[Any]):
    verification_method = serializers.ChoiceField(choices=choices.VerificationMethod.choices)
    confirm_name_mismatch = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Wajib true bila nama pemilik tidak cocok dengan nama orang ini."),
    )


class BankAccountInvalidSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)


class _DetailViewSet(ScopedModelViewSet):
    """Reads scoped by `restrict`; writes by the services. An action may name the permission it is checked and
    scoped by (`permission_action`, e.g. "verify" for `registry.verify_bankaccount`)."""

    permission_action: str | None = None
    create_serializer_class: ClassVar[type[serializers.Serializer[Any]] | None] = None
    update_serializer_class: ClassVar[type[serializers.Serializer[Any]] | None] = None

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super(ScopedModelViewSet, self).get_queryset()
        action = self.permission_action or ACTION_FOR_METHOD.get(self.request.method or "GET", "view")
        return queryset.restrict(self.request.user, action)  # type: ignore[attr-defined]

    def _input(self, serializer_class: Any, **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, instance: models.Model, status_code: int = status.HTTP_200_OK) -> Response:
        instance = self.get_queryset_for_answer().get(pk=instance.pk)
        self.log_access([instance])
        return Response(self.get_serializer(instance).data, status=status_code)

    def get_queryset_for_answer(self) -> models.QuerySet[Any]:
        assert self.queryset is not None
        return self.queryset.model._default_manager.all()

    def log_access(self, instances: Iterable[Any]) -> None:
        """Writes an access entry for each person whose data the answer shows in clear."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self.log_access(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.log_access([instance])
        return Response(self.get_serializer(instance).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assert self.create_serializer_class is not None
        data = self._input(self.create_serializer_class)
        try:
            instance = self.perform_service_create(data)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(instance, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        assert self.update_serializer_class is not None
        data = self._input(self.update_serializer_class, partial=kwargs.get("partial", False))
        try:
            instance = self.perform_service_update(instance, data)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(instance)

    def perform_service_create(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def perform_service_update(self, instance: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError


def _log_people(request: Request, people: Iterable[Person]) -> None:
    seen: set[int] = set()
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            record_access(request, person)


class BankAccountViewSet(_DetailViewSet):
    """Bank accounts of the people the caller may see. Every change sends the account back to "unverified"."""

    queryset = BankAccount.objects.select_related("person", "bank").order_by("person_id", "-is_primary", "id")
    serializer_class = BankAccountSerializer
    filterset_class = BankAccountFilterSet
    create_serializer_class = BankAccountCreateSerializer
    update_serializer_class = BankAccountUpdateSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset_for_answer(self) -> models.QuerySet[Any]:
        return BankAccount.objects.select_related("person", "bank")

    def log_access(self, instances: Iterable[BankAccount]) -> None:
        user = self.request.user
        _log_people(
            self.request,
            (account.person for account in instances if may_unmask(user, UNMASK_ACCOUNT_NUMBERS, account.person)),
        )

    @extend_schema(request=BankAccountCreateSerializer, responses={201: BankAccountSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Records an account, unverified; the holder name is compared with the person's names."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=BankAccountUpdateSerializer, responses={200: BankAccountSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Corrects an account; a change of bank, number or holder name sends it back to "unverified"."""
        return super().update(request, *args, **kwargs)

    @extend_schema(request=BankAccountUpdateSerializer, responses={200: BankAccountSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data: dict[str, Any]) -> BankAccount:
        return account_services.bank_account_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    def perform_service_update(self, instance: BankAccount, data: dict[str, Any]) -> BankAccount:
        # A body built from what GET answered carries the number as the caller saw it: masked means unchanged.
        if data.get("account_number") == instance.masked_number:
            del data["account_number"]
        return account_services.bank_account_update(actor=self.request.user, account=instance, **data)  # type: ignore[arg-type]

    @extend_schema(request=BankAccountVerifySerializer, responses={200: BankAccountSerializer})
    @action(detail=True, methods=["post"], permission_action="verify")
    def verify(self, request: Request, pk: Any = None) -> Response:
        """Marks the account verified (`registry.verify_bankaccount`) by `verification_method`. A mismatched holder
        name needs `confirm_name_mismatch: true`."""
        account = self.get_object()
        data = self._input(BankAccountVerifySerializer)
        try:
            account = account_services.bank_account_verify(
                actor=request.user,  # type: ignore[arg-type]
                account=account,
                method=data["verification_method"],
                confirm_name_mismatch=data["confirm_name_mismatch"],
            )
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(account)

    @extend_schema(request=BankAccountInvalidSerializer, responses={200: BankAccountSerializer})
    @action(detail=True, methods=["post"], url_path="mark-invalid", permission_action="verify")
    def mark_invalid(self, request: Request, pk: Any = None) -> Response:
        """Marks the account invalid, with the reason (`registry.verify_bankaccount`)."""
        account = self.get_object()
        data = self._input(BankAccountInvalidSerializer)
        try:
            account = account_services.bank_account_mark_invalid(actor=request.user, account=account, **data)  # type: ignore[arg-type]
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(account)

    @extend_schema(request=None, responses={200: BankAccountSerializer})
    @action(detail=True, methods=["post"], url_path="make-primary", permission_action="change")
    def make_primary(self, request: Request, pk: Any = None) -> Response:
        """Makes the account the person's primary one; the previous primary stops being it."""
        account = self.get_object()
        try:
            account = account_services.bank_account_make_primary(actor=request.user, account=account)  # type: ignore[arg-type]
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(account)


# --- Consents -----------------------------------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    shared_with: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    in_force = serializers.SerializerMethodField(help_text=_("Berlaku hari ini."))
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "purpose",
            "shared_with",
            "shared_with_any",
            "signed_by",
            "guardian_name",
            "guardian_relationship",
            "signed_on",
            "valid_until",
            "withdrawn_on",
            "withdrawal_note",
            "recorded_by",
            "in_force",
            "has_scan",
        ]
        read_only_fields = fields

    def get_in_force(self, consent: Consent) -> bool:
        return consent.is_valid_on(timezone.localdate())

    def get_has_scan(self, consent: Consent) -> bool:
        return bool(consent.scan)


class ConsentCreateSerializer(serializers.Serializer[Any]):
    person = PersonField()
    purpose = serializers.ChoiceField(choices=choices.ConsentPurpose.choices)
    signed_by = serializers.ChoiceField(choices=choices.ConsentSigner.choices, default=choices.ConsentSigner.PERSON)
    guardian_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    guardian_relationship = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    signed_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    shared_with = OrganisationField(many=True, required=False, default=list)
    shared_with_any = serializers.BooleanField(required=False, default=False)
    scan = serializers.FileField(required=False, allow_null=True, default=None, help_text=_("PDF, JPEG atau PNG."))


class ConsentWithdrawSerializer(serializers.Serializer[Any]):
    withdrawn_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class ConsentScanSerializer(serializers.Serializer[Any]):
    scan = serializers.FileField(help_text=_("PDF, JPEG atau PNG."))


class ConsentViewSet(_DetailViewSet):
    """Consents; recorded and withdrawn, never changed otherwise nor deleted."""

    queryset = Consent.objects.prefetch_related("shared_with").order_by("person_id", "-signed_on", "-id")
    serializer_class = ConsentSerializer
    filterset_class = ConsentFilterSet
    create_serializer_class = ConsentCreateSerializer
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_queryset_for_answer(self) -> models.QuerySet[Any]:
        return Consent.objects.prefetch_related("shared_with")

    @extend_schema(request=ConsentCreateSerializer, responses={201: ConsentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Records a signed consent. Data sharing names the organisations, or `shared_with_any: true`."""
        return super().create(request, *args, **kwargs)

    def perform_service_create(self, data: dict[str, Any]) -> Consent:
        return consent_services.consent_record(actor=self.request.user, **data)  # type: ignore[arg-type]

    @extend_schema(request=ConsentWithdrawSerializer, responses={200: ConsentSerializer})
    @action(detail=True, methods=["post"], permission_action="change")
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Records the withdrawal: the consent is no longer in force from `withdrawn_on`."""
        consent = self.get_object()
        data = self._input(ConsentWithdrawSerializer)
        try:
            consent = consent_services.consent_withdraw(actor=request.user, consent=consent, **data)  # type: ignore[arg-type]
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(consent)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
        }
    )
    @action(detail=True, methods=["get"], permission_action="view")
    def scan(self, request: Request, pk: Any = None) -> FileResponse:
        """The scan of the signed form (404 when there is none). Each download is logged."""
        consent = self.get_object()
        return scan_response(request, consent, consent.scan, filename_stem=f"persetujuan-{consent.pk}")

    @extend_schema(request={"multipart/form-data": ConsentScanSerializer}, responses={200: ConsentSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="scan/upload",
        permission_action="change",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def upload_scan(self, request: Request, pk: Any = None) -> Response:
        """Attaches (or replaces) the scan of the signed form."""
        consent = self.get_object()
        data = self._input(ConsentScanSerializer)
        try:
            consent = consent_services.consent_attach_scan(actor=request.user, consent=consent, **data)  # type: ignore[arg-type]
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        return self._answer(consent)


# --- Migration history --------------------------------------------------------------------------------------


class MigrationStaySerializer(serializers.ModelSerializer[MigrationStay]):
    country = serializers.CharField(source="country.code", read_only=True, help_text=_("Kode ISO 3166 (MY, SA...)."))
    country_name = serializers.SerializerMethodField()
    documents_held = serializers.ListField(child=serializers.ChoiceField(choices=choices.TravelDocument.choices))

    class Meta:
        model = MigrationStay
        fields = [
            "id",
            "person",
            "country",
            "country_name",
            "city",
            "work_sector",
            "employer",
            "recruiting_agency",
            "agency_licensed",
            "departure_route",
            "documents_held",
            "departed_on",
            "returned_on",
            "return_mode",
            "debarkation_point",
            "referred_by",
        ]
        read_only_fields = fields

    def get_country_name(self, stay: MigrationStay) -> str:
        return country_name(stay.country.code)


class _MigrationStayInput(serializers.Serializer[Any]):
    country = serializers.CharField(min_length=2, max_length=2, help_text=_("Kode ISO 3166 (MY, SA...)."))
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    work_sector = serializers.ChoiceField(choices=choices.WorkSector.choices, required=False)
    employer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    recruiting_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    agency_licensed = serializers.ChoiceField(choices=choices.YesNoUnknown.choices, required=False)
    departure_route = serializers.ChoiceField(choices=choices.DepartureRoute.choices, required=False)
    documents_held = serializers.ListField(
        child=serializers.ChoiceField(choices=choices.TravelDocument.choices), required=False, max_length=20
    )
    departed_on = serializers.DateField(required=False, allow_null=True)
    returned_on = serializers.DateField(required=False, allow_null=True)
    return_mode = serializers.ChoiceField(choices=choices.ReturnMode.choices, required=False)
    debarkation_point = serializers.CharField(max_length=100, required=False, allow_blank=True)
    referred_by = serializers.ChoiceField(choices=choices.ReferredBy.choices, required=False)

    def validate_country(self, value: str) -> str:
        code = value.strip().upper()
        from django_countries import countries

        if code not in countries:
            raise serializers.ValidationError(_("Kode negara tidak dikenal."))
        return code


class MigrationStayCreateSerializer(_MigrationStayInput):
    person = PersonField()


class MigrationStayUpdateSerializer(_MigrationStayInput):
    pass


class MigrationStayViewSet(_DetailViewSet):
    queryset = MigrationStay.objects.select_related("person").order_by("person_id", "-departed_on", "-id")
    serializer_class = MigrationStaySerializer
    filterset_class = MigrationStayFilterSet
    create_serializer_class = MigrationStayCreateSerializer
    update_serializer_class = MigrationStayUpdateSerializer
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(request=MigrationStayCreateSerializer, responses={201: MigrationStaySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Records a stay abroad; dates may not overlap another stay's."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=MigrationStayUpdateSerializer, responses={200: MigrationStaySerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().update(request, *args, **kwargs)

    @extend_schema(request=MigrationStayUpdateSerializer, responses={200: MigrationStaySerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data: dict[str, Any]) -> MigrationStay:
        return migration_services.migration_stay_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    def perform_service_update(self, instance: MigrationStay, data: dict[str, Any]) -> MigrationStay:
        return migration_services.migration_stay_update(actor=self.request.user, stay=instance, **data)  # type: ignore[arg-type]

    def perform_destroy(self, instance: MigrationStay) -> None:
        try:
            migration_services.migration_stay_delete(actor=self.request.user, stay=instance)  # type: ignore[arg-type]
        except OutOfJurisdiction as exc:
            raise Http404 from exc


# --- Trafficking identification -----------------------------------------------------------------------------


class LegalElementsSerializer(serializers.Serializer[Any]):
    act = serializers.BooleanField()
    means = serializers.BooleanField()
    purpose = serializers.BooleanField()
    all_met = serializers.BooleanField()


def _choice_list(choices_class: Any, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices_class.choices), max_length=50, **kwargs)


class IdentificationSerializer(serializers.ModelSerializer[TraffickingIdentification]):
    """`account` is present only for callers who may read it."""

    legal_elements = serializers.SerializerMethodField()
    account = serializers.CharField(
        required=False, help_text=_("Kronologi; hanya dikirim kepada yang berhak membacanya.")
    )
    acts = _choice_list(choices.TraffickingAct, read_only=True)
    means = _choice_list(choices.TraffickingMeans, read_only=True)
    purposes = _choice_list(choices.TraffickingPurpose, read_only=True)
    means_of_control = _choice_list(choices.CtdcMeansOfControl, read_only=True)
    types_of_exploitation = _choice_list(choices.CtdcTypeOfExploitation, read_only=True)
    types_of_labour = _choice_list(choices.CtdcTypeOfLabour, read_only=True)

    class Meta:
        model = TraffickingIdentification
        fields = [
            "id",
            "person",
            "identified_on",
            "organisation",
            "acts",
            "means",
            "purposes",
            "legal_elements",
            "means_of_control",
            "types_of_exploitation",
            "types_of_labour",
            "recruiter_relationship",
            "outcome",
            "confirmed_by",
            "confirmed_on",
            "account",
            "recorded_by",
        ]
        read_only_fields = [field for field in fields if field != "account"]

    @extend_schema_field(LegalElementsSerializer)
    def get_legal_elements(self, identification: TraffickingIdentification) -> dict[str, bool]:
        elements = identification_services.legal_elements(identification)
        return {"act": elements.act, "means": elements.means, "purpose": elements.purpose, "all_met": elements.all_met}

    def to_representation(self, instance: TraffickingIdentification) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not may_unmask(request_user(self.context), READ_TRAFFICKING_ACCOUNT, instance.person):
            data.pop("account", None)
        return data


class _IdentificationInput(serializers.Serializer[Any]):
    identified_on = serializers.DateField(required=False)
    organisation = OrganisationField(required=False, help_text=_("Bawaan: organisasi pencatat."))
    acts = _choice_list(choices.TraffickingAct, required=False)
    means = _choice_list(choices.TraffickingMeans, required=False)
    purposes = _choice_list(choices.TraffickingPurpose, required=False)
    recruiter_relationship = serializers.ChoiceField(choices=choices.CtdcRecruiterRelationship.choices, required=False)
    confirmed_by = OrganisationField(required=False, allow_null=True)
    confirmed_on = serializers.DateField(required=False, allow_null=True)
    account = serializers.CharField(required=False, allow_blank=True, max_length=identification_services.ACCOUNT_MAX)
    means_of_control = _choice_list(
        choices.CtdcMeansOfControl, required=False, help_text=_("Bila tidak dikirim: diturunkan dari daftar periksa.")
    )
    types_of_exploitation = _choice_list(
        choices.CtdcTypeOfExploitation, required=False, help_text=_("Bila tidak dikirim: diturunkan dari tujuan.")
    )
    types_of_labour = _choice_list(
        choices.CtdcTypeOfLabour, required=False, help_text=_("Bila tidak dikirim: dari sektor kerja terakhir.")
    )


class IdentificationCreateSerializer(_IdentificationInput):
    person = PersonField()
    outcome = serializers.ChoiceField(choices=choices.IdentificationOutcome.choices)


class IdentificationUpdateSerializer(_IdentificationInput):
    outcome = serializers.ChoiceField(choices=choices.IdentificationOutcome.choices, required=False)
    ctdc_auto = serializers.BooleanField(
        required=False, default=False, help_text=_("true: turunkan ulang semua kode CTDC dari daftar periksa.")
    )


class IdentificationViewSet(_DetailViewSet):
    queryset = TraffickingIdentification.objects.select_related("person").order_by("person_id", "-identified_on", "-id")
    serializer_class = IdentificationSerializer
    filterset_class = IdentificationFilterSet
    create_serializer_class = IdentificationCreateSerializer
    update_serializer_class = IdentificationUpdateSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset_for_answer(self) -> models.QuerySet[Any]:
        return TraffickingIdentification.objects.select_related("person")

    def log_access(self, instances: Iterable[TraffickingIdentification]) -> None:
        user = self.request.user
        _log_people(
            self.request,
            (
                record.person
                for record in instances
                if record.account and may_unmask(user, READ_TRAFFICKING_ACCOUNT, record.person)
            ),
        )

    @extend_schema(request=IdentificationCreateSerializer, responses={201: IdentificationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Records an identification; CTDC codes not sent are derived from the checklists and the latest stay."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=IdentificationUpdateSerializer, responses={200: IdentificationSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().update(request, *args, **kwargs)

    @extend_schema(request=IdentificationUpdateSerializer, responses={200: IdentificationSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    def perform_service_create(self, data: dict[str, Any]) -> TraffickingIdentification:
        return identification_services.identification_create(actor=self.request.user, **data)  # type: ignore[arg-type]

    def perform_service_update(
        self, instance: TraffickingIdentification, data: dict[str, Any]
    ) -> TraffickingIdentification:
        return identification_services.identification_update(
            actor=self.request.user,  # type: ignore[arg-type]
            identification=instance,
            **data,
        )


def register(router: BaseRouter) -> None:
    """Adds this module's viewsets to the app's API router."""
    router.register("bank-accounts", BankAccountViewSet, basename="bankaccount")
    router.register("consents", ConsentViewSet, basename="consent")
    router.register("migration-stays", MigrationStayViewSet, basename="migrationstay")
    router.register("trafficking-identifications", IdentificationViewSet, basename="traffickingidentification")
