"""Filters of the proposal list, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from bangkit.livelihoods.choices import ProposalState
from bangkit.livelihoods.models import Proposal


class ProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari judul"), field_name="title", lookup_expr="icontains", max_length=100)
    state = django_filters.ChoiceFilter(label=_("Status"), choices=ProposalState.choices, empty_label=_("Semua"))

    class Meta:
        model = Proposal
        fields = ["q", "state"]
