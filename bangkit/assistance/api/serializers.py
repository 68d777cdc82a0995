"""Serializers of the assistance API. Input serializers only read and type the request; the services decide.

Amounts are whole rupiah, as JSON integers. An account number is masked (`******4509`) unless the answer is about
one record and the caller holds `registry.unmask_account_numbers` over the recipient's region
(`account_number_masked` says which); the bank files themselves carry the numbers, to those who send them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.assistance import selectors
from bangkit.assistance.choices import FailureReason, PaymentOutcome, TrancheState
from bangkit.assistance.models import (
    BankFile,
    BankResult,
    BankResultProblem,
    Entitlement,
    HandoverReceipt,
    Payment,
    Scheme,
    SchemeItem,
    Tranche,
)
from bangkit.assistance.services import SCHEME_FIELDS
from bangkit.core.serializers import ScopedRelatedField, active_organisations, request_user, visible
from bangkit.programs.models import Event
from bangkit.regions.api.serializers import RegionCodeField
from bangkit.registry.identifiers import mask_digits
from bangkit.registry.masking import UNMASK_ACCOUNT_NUMBERS, may_unmask

BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
# Recipients handed their package by one call: a day's handover, however large the tranche.
MAX_HANDOVER_AT_ONCE = 5000


class Rupiah(serializers.IntegerField):
    """Whole rupiah, a JSON integer: never a float nor a string with decimals."""

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs.setdefault("min_value", 1)
            kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class _AccountNumber:
    """`account_number` masked unless the serializer's context says `clear_accounts` and the caller holds the unmask
    permission over the recipient's region; the view writes the access entry when it is shown in clear."""

    context: dict[str, Any]

    def _clear(self, person: Any) -> bool:
        return bool(self.context.get("clear_accounts")) and may_unmask(
            request_user(self.context), UNMASK_ACCOUNT_NUMBERS, person
        )

    def _number(self, number: str, person: Any) -> str:
        return number if self._clear(person) else mask_digits(number)


# --- Schemes -----------------------------------------------------------------------------------------------------


class SchemeItemSerializer(serializers.ModelSerializer[SchemeItem]):
    unit_value = Rupiah(read_only=True)
    value = serializers.SerializerMethodField(method_name="value_of", help_text=_("Jumlah × harga satuan (Rp)."))

    class Meta:
        model = SchemeItem
        fields = ["id", "name", "quantity", "unit", "unit_value", "value"]
        read_only_fields = fields

    def value_of(self, item: SchemeItem) -> int:
        return item.quantity * item.unit_value


class SchemeSerializer(serializers.ModelSerializer[Scheme]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    region = RegionCodeField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    amount_per_person = Rupiah(read_only=True, allow_null=True)
    budget_ceiling = Rupiah(read_only=True)
    second_approval_above = Rupiah(read_only=True, allow_null=True)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "legal_basis",
            "organisation",
            "organisation_name",
            "region",
            "region_name",
            "year",
            "kind",
            "amount_per_person",
            "budget_ceiling",
            "second_approval_above",
            "completed_event",
            "require_verified_account",
            "require_consent",
            "require_open_case",
        ]
        read_only_fields = fields


class SchemeDetailSerializer(SchemeSerializer):
    """One scheme with its in-kind package, what one person receives, and its eligibility rules in words."""

    items = SchemeItemSerializer(many=True, read_only=True)
    package_value = serializers.SerializerMethodField(
        help_text=_("Rupiah per orang: nilai bantuan uang, atau nilai paket barang.")
    )
    eligibility_rules = serializers.SerializerMethodField()

    class Meta(SchemeSerializer.Meta):
        fields = [*SchemeSerializer.Meta.fields, "package_value", "items", "eligibility_rules"]
        read_only_fields = fields

    def get_package_value(self, scheme: Scheme) -> int:
        return selectors.package_value(scheme)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_eligibility_rules(self, scheme: Scheme) -> list[str]:
        return selectors.eligibility_rules(scheme)


class SchemeWriteSerializer(serializers.ModelSerializer[Scheme]):
    """A new scheme, or the fields of one to change (PATCH) while it has no tranche submitted or approved."""

    organisation = ScopedRelatedField(scope=active_organisations)
    region = RegionCodeField()
    completed_event = ScopedRelatedField(scope=visible(Event), required=False, allow_null=True)
    amount_per_person = Rupiah(required=False, allow_null=True)
    budget_ceiling = Rupiah()
    second_approval_above = Rupiah(required=False, allow_null=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = Scheme
        fields = list(SCHEME_FIELDS)
        validators: list[Any] = []  # the service cleans the scheme, after scoping


class SchemeItemAddSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=150)
    quantity = serializers.IntegerField(min_value=1, max_value=INT_MAX)
    unit = serializers.CharField(max_length=30, required=False, default="buah")
    unit_value = Rupiah()


class LedgerTrancheSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    state = serializers.CharField()
    decree_number = serializers.CharField()
    people = serializers.IntegerField()
    rupiah = serializers.IntegerField()
    paid_people = serializers.IntegerField()
    paid_rupiah = serializers.IntegerField()
    failed_people = serializers.IntegerField()


class SchemeLedgerSerializer(serializers.Serializer[Any]):
    """Per tranche, people and rupiah (not cancelled), paid and failed; the scheme's commitments against its
    ceiling."""

    tranches = LedgerTrancheSerializer(many=True)
    committed = serializers.IntegerField()
    paid = serializers.IntegerField()
    ceiling = serializers.IntegerField()
    remaining = serializers.IntegerField()


# --- Tranches ----------------------------------------------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer[Tranche]):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    kind = serializers.CharField(source="scheme.kind", read_only=True)
    prepared_by_name = serializers.CharField(source="prepared_by.full_name", read_only=True)
    approved_by_name = serializers.CharField(source="approved_by.full_name", read_only=True, allow_null=True)
    approved_total = Rupiah(read_only=True, allow_null=True)
    second_approval_pending = serializers.SerializerMethodField()

    class Meta:
        model = Tranche
        fields = [
            "id",
            "scheme",
            "scheme_name",
            "kind",
            "number",
            "state",
            "prepared_by",
            "prepared_by_name",
            "submitted_at",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "second_approved_by",
            "second_approved_at",
            "second_approval_pending",
            "decree_number",
            "decree_date",
            "approved_people",
            "approved_total",
            "cancelled_reason",
        ]
        read_only_fields = fields

    def get_second_approval_pending(self, tranche: Tranche) -> bool:
        return tranche.state == TrancheState.SUBMITTED and tranche.approved_by_id is not None


class FigureSerializer(serializers.Serializer[Any]):
    people = serializers.IntegerField()
    rupiah = serializers.IntegerField()


class HandoverReceiptSerializer(serializers.ModelSerializer[HandoverReceipt]):
    has_signed_copy = serializers.SerializerMethodField()

    class Meta:
        model = HandoverReceipt
        fields = ["id", "tranche", "number", "place", "handed_on", "has_signed_copy", "signed_copy_by"]
        read_only_fields = fields

    def get_has_signed_copy(self, receipt: HandoverReceipt) -> bool:
        return bool(receipt.signed_copy)


class TrancheDetailSerializer(TrancheSerializer):
    """One tranche with what it adds up to now (recipients not cancelled) and, in kind, its handover receipt."""

    totals = serializers.SerializerMethodField()
    handover_receipt = serializers.SerializerMethodField()

    class Meta(TrancheSerializer.Meta):
        fields = [*TrancheSerializer.Meta.fields, "totals", "handover_receipt"]
        read_only_fields = fields

    @extend_schema_field(FigureSerializer)
    def get_totals(self, tranche: Tranche) -> dict[str, int]:
        people, rupiah = selectors.tranche_total(tranche)
        return {"people": people, "rupiah": rupiah}

    @extend_schema_field(HandoverReceiptSerializer(allow_null=True))
    def get_handover_receipt(self, tranche: Tranche) -> dict[str, Any] | None:
        receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
        return HandoverReceiptSerializer(receipt).data if receipt is not None else None


class TrancheCreateSerializer(serializers.Serializer[Any]):
    scheme = ScopedRelatedField(scope=visible(Scheme))


class TrancheFillResultSerializer(serializers.Serializer[Any]):
    added = serializers.IntegerField()
    tranche = TrancheDetailSerializer()


class ApproveSerializer(serializers.Serializer[Any]):
    decree_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decree_date = serializers.DateField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)


class HandoverReceiptSaveSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=100)
    place = serializers.CharField(max_length=200)
    handed_on = serializers.DateField()


class HandoverRecordSerializer(serializers.Serializer[Any]):
    entitlements = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), min_length=1, max_length=MAX_HANDOVER_AT_ONCE
    )
    handed_on = serializers.DateField()
    quantities = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=INT_MAX),
        required=False,
        default=dict,
        help_text=_("Id barang → jumlah diserahkan, bila kurang dari isi paket; kosong: paket lengkap."),
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_quantities(self, value: dict[str, int]) -> dict[int, int]:
        if not all(key.isascii() and key.isdigit() and len(key) < 19 for key in value):
            raise serializers.ValidationError(_("Barang ini tidak ada dalam paket."))
        return {int(key): quantity for key, quantity in value.items()}


class HandoverResultSerializer(serializers.Serializer[Any]):
    recorded = serializers.IntegerField(help_text=_("Penerima yang serah terimanya dicatat."))


class ScanUploadSerializer(serializers.Serializer[Any]):
    scan = serializers.FileField(help_text=_("PDF, JPEG atau PNG, paling besar 20 MB."))


# --- Entitlements ------------------------------------------------------------------------------------------------


class EntitlementSerializer(_AccountNumber, serializers.ModelSerializer[Entitlement]):
    tranche_number = serializers.IntegerField(source="tranche.number", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    amount = Rupiah(read_only=True)
    bank = serializers.CharField(source="bank_account.bank_id", read_only=True, allow_null=True)
    account_number = serializers.SerializerMethodField()
    account_number_masked = serializers.SerializerMethodField()

    class Meta:
        model = Entitlement
        fields = [
            "id",
            "scheme",
            "tranche",
            "tranche_number",
            "person",
            "person_name",
            "amount",
            "state",
            "attempt",
            "bank_account",
            "bank",
            "account_number",
            "account_number_masked",
            "paid_on",
            "failure_reason",
            "cancelled_reason",
            "cancelled_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_account_number(self, entitlement: Entitlement) -> str | None:
        account = entitlement.bank_account
        return None if account is None else self._number(account.account_number, entitlement.person)

    def get_account_number_masked(self, entitlement: Entitlement) -> bool:
        return not self._clear(entitlement.person)


# --- Bank files, results, payments -------------------------------------------------------------------------------


class BankFileSerializer(serializers.ModelSerializer[BankFile]):
    bank_name = serializers.CharField(source="bank.short_name", read_only=True)
    control_total = Rupiah(read_only=True)
    filename = serializers.CharField(read_only=True)

    class Meta:
        model = BankFile
        fields = [
            "id",
            "tranche",
            "bank",
            "bank_name",
            "round",
            "lines",
            "control_total",
            "sha256",
            "filename",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class BankResultProblemSerializer(serializers.ModelSerializer[BankResultProblem]):
    class Meta:
        model = BankResultProblem
        fields = ["id", "result", "line", "reference", "kind", "detail"]
        read_only_fields = fields


class BankResultSerializer(serializers.ModelSerializer[BankResult]):
    class Meta:
        model = BankResult
        fields = [
            "id",
            "tranche",
            "filename",
            "sha256",
            "imported_by",
            "created_at",
            "lines",
            "paid",
            "failed",
            "problems",
        ]
        read_only_fields = fields


class BankResultImportedSerializer(BankResultSerializer):
    """A result file as imported: what it changed, and the lines that changed nothing (the first ones here, every
    one at `bank-result-problems/?result=<id>`)."""

    problem_lines = serializers.SerializerMethodField()

    class Meta(BankResultSerializer.Meta):
        fields = [*BankResultSerializer.Meta.fields, "problem_lines"]
        read_only_fields = fields

    SHOWN_PROBLEMS = 100

    @extend_schema_field(BankResultProblemSerializer(many=True))
    def get_problem_lines(self, result: BankResult) -> Any:
        shown = result.problem_lines.order_by("line", "id")[: self.SHOWN_PROBLEMS]
        return BankResultProblemSerializer(shown, many=True).data


class BankResultUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("Baris pertama menamai kolom, sekurang-kurangnya reference dan status."))


class ReconciliationFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    round = serializers.IntegerField()
    bank = serializers.CharField(source="bank_id")
    bank_name = serializers.CharField(source="bank__short_name")
    lines = serializers.IntegerField()
    control_total = serializers.IntegerField()
    sha256 = serializers.CharField()
    paid = serializers.SerializerMethodField()
    failed = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()

    @extend_schema_field(FigureSerializer)
    def get_paid(self, row: dict[str, Any]) -> dict[str, int]:
        return {"people": row["paid_people"], "rupiah": row["paid_rupiah"]}

    @extend_schema_field(FigureSerializer)
    def get_failed(self, row: dict[str, Any]) -> dict[str, int]:
        return {"people": row["failed_people"], "rupiah": row["failed_rupiah"]}

    @extend_schema_field(FigureSerializer)
    def get_pending(self, row: dict[str, Any]) -> dict[str, int]:
        return {"people": row["pending_people"], "rupiah": row["pending_rupiah"]}


class ReconciliationSerializer(serializers.Serializer[Any]):
    """Approved = paid + failed + pending + cancelled after approval, in people and rupiah (`balanced`); per bank
    file the same; every result file imported, and how many of their lines changed nothing (listed at
    `bank-result-problems/?tranche=<id>`)."""

    approved = FigureSerializer()
    paid = FigureSerializer()
    failed = FigureSerializer()
    pending = FigureSerializer()
    cancelled = FigureSerializer(help_text=_("Dibatalkan setelah disetujui."))
    accounted = FigureSerializer()
    balanced = serializers.BooleanField()
    files = ReconciliationFileSerializer(many=True)
    results = BankResultSerializer(many=True)
    problems = serializers.IntegerField()


class PaymentSerializer(_AccountNumber, serializers.ModelSerializer[Payment]):
    person = serializers.IntegerField(source="entitlement.person_id", read_only=True)
    tranche = serializers.IntegerField(source="bank_file.tranche_id", read_only=True)
    bank = serializers.CharField(source="bank_file.bank_id", read_only=True)
    amount = Rupiah(read_only=True)
    account_number = serializers.SerializerMethodField(
        help_text=_("Nomor rekening seperti dikirim dalam berkas bank; disamarkan kecuali untuk peran yang berhak.")
    )
    account_number_masked = serializers.SerializerMethodField()
    failure_code = serializers.ChoiceField(
        choices=FailureReason.choices, allow_blank=True, read_only=True, help_text=_("Kosong bila tidak gagal.")
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "entitlement",
            "person",
            "tranche",
            "attempt",
            "reference",
            "bank_file",
            "bank",
            "sequence",
            "account_number",
            "account_number_masked",
            "holder_name",
            "amount",
            "outcome",
            "bank_reference",
            "settled_on",
            "failure_code",
            "failure_reason",
            "result",
        ]
        read_only_fields = fields

    def get_account_number(self, payment: Payment) -> str:
        return self._number(payment.account_number, payment.entitlement.person)

    def get_account_number_masked(self, payment: Payment) -> bool:
        return not self._clear(payment.entitlement.person)


class PaymentRecordSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=[PaymentOutcome.PAID, PaymentOutcome.FAILED])
    settled_on = serializers.DateField()
    bank_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    failure_code = serializers.ChoiceField(choices=FailureReason.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
