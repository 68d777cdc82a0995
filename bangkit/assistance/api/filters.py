"""The API's filters on tranches, recipients, bank files, payments and result problems. Schemes are filtered as
their page is (`bangkit.assistance.filtersets.SchemeFilterSet`), recipients by name and state as on the tranche's
page (`EntitlementFilterSet`), plus the tranche and the person."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangkit.assistance.choices import PaymentOutcome, ResultProblem, TrancheState
from bangkit.assistance.filtersets import EntitlementFilterSet
from bangkit.assistance.models import BankFile, BankResultProblem, Entitlement, Payment, Tranche

BIGINT_MAX = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number the database can hold, so that no value a client sends reaches it out of range."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=BIGINT_MAX, **kwargs)


class TrancheFilterSet(django_filters.FilterSet):
    scheme = IdFilter(label=_("Skema"), field_name="scheme_id")
    state = django_filters.ChoiceFilter(label=_("Status"), choices=TrancheState.choices, empty_label=_("Semua"))

    class Meta:
        model = Tranche
        fields = ["scheme", "state"]


class EntitlementApiFilterSet(EntitlementFilterSet):
    tranche = IdFilter(label=pgettext_lazy("tranche", "Tahap"), field_name="tranche_id")
    scheme = IdFilter(label=_("Skema"), field_name="scheme_id")
    person = IdFilter(label=_("Orang"), field_name="person_id")

    class Meta:
        model = Entitlement
        fields = ["tranche", "scheme", "person", "q", "state"]


class BankFileFilterSet(django_filters.FilterSet):
    tranche = IdFilter(label=pgettext_lazy("tranche", "Tahap"), field_name="tranche_id")

    class Meta:
        model = BankFile
        fields = ["tranche"]


class PaymentFilterSet(django_filters.FilterSet):
    tranche = IdFilter(label=pgettext_lazy("tranche", "Tahap"), field_name="bank_file__tranche_id")
    entitlement = IdFilter(label=_("Hak bantuan"), field_name="entitlement_id")
    bank_file = IdFilter(label=_("Berkas bank"), field_name="bank_file_id")
    outcome = django_filters.ChoiceFilter(label=_("Hasil"), choices=PaymentOutcome.choices, empty_label=_("Semua"))

    class Meta:
        model = Payment
        fields = ["tranche", "entitlement", "bank_file", "outcome"]


class BankResultProblemFilterSet(django_filters.FilterSet):
    tranche = IdFilter(label=pgettext_lazy("tranche", "Tahap"), field_name="result__tranche_id")
    result = IdFilter(label=_("Hasil bank"), field_name="result_id")
    kind = django_filters.ChoiceFilter(label=_("Masalah"), choices=ResultProblem.choices, empty_label=_("Semua"))

    class Meta:
        model = BankResultProblem
        fields = ["tranche", "result", "kind"]
