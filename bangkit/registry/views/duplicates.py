"""The duplicate review: open pairs in the supervisor's jurisdiction, a side-by-side comparison, merge or distinct.

Only holders of `registry.resolve_duplicatepair` see these pages (others: 403); a pair with a person outside their
jurisdiction for that permission does not exist for them (404). Identifiers show masked unless the user may see them
in clear, and each person shown in clear gets an access entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangkit.accounts.roles import RESOLVE_DUPLICATES
from bangkit.audit.history import record_access
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.generic import ObjectDetailView, ObjectListView
from bangkit.regions.nik import mask_nik
from bangkit.registry import masking
from bangkit.registry.choices import Disability, DuplicateStatus
from bangkit.registry.identifiers import mask_digits
from bangkit.registry.matching import explain_stored
from bangkit.registry.models import DuplicatePair, Person
from bangkit.registry.selectors.duplicates import DuplicatePairFilterSet, resolvable_pairs
from bangkit.registry.services import duplicates as services

SIDES = ("first", "second")


class DuplicateListView(ObjectListView):
    """Pairs whose two people both lie inside the user's jurisdictions for resolving duplicates, best first."""

    queryset = DuplicatePair.objects.all()
    permission = RESOLVE_DUPLICATES
    template_name = "registry/duplicates/pair_list.html"
    paginate_by = 25

    def get_queryset(self) -> Any:
        queryset = resolvable_pairs(self.request.user)
        self.filterset = DuplicatePairFilterSet(self.request.GET, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Kemungkinan duplikat")
        context["filters_used"] = any(self.request.GET.get(name) for name in ("min_score", "person")) or (
            self.request.GET.get("status") not in (None, "", DuplicateStatus.OPEN)
        )
        for pair in context["object_list"]:
            pair.explained = explain_stored(pair.reasons)
        return context


class MergeForm(forms.Form):
    """Which record stays, and for each field known on both records with different values, whose value it keeps."""

    survivor = forms.ChoiceField(
        label=_l("Data yang dipertahankan"),
        choices=[("first", _l("Data pertama")), ("second", _l("Data kedua"))],
        widget=forms.RadioSelect,
        error_messages={"required": _l("Pilih data yang dipertahankan.")},
    )

    def __init__(self, *args: Any, conflicts: list[services.MergeField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        for merge_field in conflicts:
            self.fields[f"keep_{merge_field.name}"] = forms.ChoiceField(
                label=str(merge_field.label),
                choices=[("first", _l("Data pertama")), ("second", _l("Data kedua"))],
                widget=forms.RadioSelect,
                error_messages={"required": _l("Pilih nilai yang dipakai.")},
            )

    def values_from_duplicate(self) -> list[str]:
        survivor = self.cleaned_data["survivor"]
        return [
            merge_field.name
            for merge_field in self.conflicts
            if self.cleaned_data[f"keep_{merge_field.name}"] != survivor
        ]


@dataclass
class ComparisonRow:
    label: Any
    first: str
    second: str
    differs: bool
    field: str = ""  # the MergeForm field choosing between both values, for conflicts


def _date(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


class _Shown:
    """How one person of the pair is shown to the user: identifiers in clear only with the permission."""

    def __init__(self, request: HttpRequest, person: Person) -> None:
        self.person = person
        self.identifiers = masking.may_unmask(request.user, masking.UNMASK_IDENTIFIERS, person)
        self.accounts = masking.may_unmask(request.user, masking.UNMASK_ACCOUNT_NUMBERS, person)

    def nik(self) -> str:
        nik = self.person.nik or ""
        return nik if self.identifiers else mask_nik(nik) if nik else ""

    def kk(self) -> str:
        kk = self.person.kk_number or ""
        return kk if self.identifiers else mask_nik(kk) if kk else ""

    def value(self, name: str) -> str:
        person = self.person
        if name == "full_name":
            return person.full_name
        if name == "other_names":
            return person.other_names
        if name == "sex":
            return str(person.get_sex_display())
        if name == "birth_date":
            text = _date(person.birth_date)
            return f"{text} ({_('perkiraan')})" if text and person.birth_date_estimated else text
        if name == "nik":
            return self.nik()
        if name == "kk_number":
            return self.kk()
        if name == "region":
            return f"{person.region.name} ({person.region_id})"
        if name == "street":
            return person.street
        if name == "marital_status":
            return str(person.get_marital_status_display())
        if name == "education":
            return str(person.get_education_display())
        if name == "disabilities":
            labels = dict(Disability.choices)
            return ", ".join(str(labels.get(code, code)) for code in person.disabilities)
        if name == "photo":
            return _("ada") if person.photo else ""
        if name == "deceased_on":
            return _date(person.deceased_on)
        if name == "registered_on":
            return _date(person.registered_on)
        return ""

    def raw(self, name: str) -> Any:
        if name == "nik":
            return self.person.nik or ""
        if name == "kk_number":
            return self.person.kk_number or ""
        return self.value(name)

    def phones(self) -> list[str]:
        return [phone.number if self.identifiers else phone.masked for phone in self.person.phones.all()]

    def documents(self) -> list[str]:
        return [
            f"{document.get_kind_display()} {document.number if self.identifiers else mask_digits(document.number)}"
            for document in self.person.documents.all()
        ]

    def bank_accounts(self) -> list[str]:
        return [
            f"{account.bank.short_name} {account.account_number if self.accounts else account.masked_number}"
            for account in self.person.bank_accounts.all()
        ]

    @property
    def in_clear(self) -> bool:
        return self.identifiers or self.accounts


ROWS: tuple[tuple[str, Any], ...] = (
    ("full_name", _l("Nama lengkap")),
    ("other_names", _l("Nama lain")),
    ("sex", _l("Jenis kelamin")),
    ("birth_date", _l("Tanggal lahir")),
    ("nik", _l("NIK")),
    ("kk_number", _l("Nomor KK")),
    ("region", _l("Desa/kelurahan")),
    ("street", _l("Alamat jalan, RT/RW")),
    ("marital_status", _l("Status perkawinan")),
    ("education", _l("Pendidikan terakhir")),
    ("disabilities", _l("Disabilitas")),
    ("photo", _l("Foto")),
    ("deceased_on", _l("Meninggal pada")),
    ("registered_on", _l("Tanggal registrasi")),
)


class DuplicateDetailView(ObjectDetailView):
    queryset = DuplicatePair.objects.all()
    permission = RESOLVE_DUPLICATES
    template_name = "registry/duplicates/pair_detail.html"

    def get_queryset(self) -> Any:
        return resolvable_pairs(self.request.user).select_related("resolved_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pair: DuplicatePair = self.object
        people = Person.objects.select_related("region", "merged_into").prefetch_related(
            "phones", "documents", "bank_accounts__bank", "household", "consents", "migration_stays", "identifications"
        )
        loaded = people.in_bulk([pair.first_id, pair.second_id])
        first, second = _Shown(self.request, loaded[pair.first_id]), _Shown(self.request, loaded[pair.second_id])
        is_open = pair.status == DuplicateStatus.OPEN
        conflicts = services.merge_conflicts(first.person, second.person) if is_open else []
        conflict_names = {merge_field.name for merge_field in conflicts}
        rows = []
        for name, label in ROWS:
            a, b = first.value(name), second.value(name)
            if not a and not b:
                continue
            # Masked values may look alike while differing: compare what is stored.
            raw_a, raw_b = first.raw(name), second.raw(name)
            rows.append(
                ComparisonRow(
                    label,
                    a,
                    b,
                    differs=bool(raw_a) and bool(raw_b) and raw_a != raw_b,
                    field=f"keep_{name}" if name in conflict_names else "",
                )
            )
        related = [
            (label, a, b)
            for label, a, b in (
                (_("Nomor telepon"), first.phones(), second.phones()),
                (_("Dokumen identitas"), first.documents(), second.documents()),
                (_("Rekening bank"), first.bank_accounts(), second.bank_accounts()),
            )
            if a or b
        ]
        counts = [
            (_("Anggota keluarga"), "household"),
            (_("Persetujuan"), "consents"),
            (_("Riwayat migrasi"), "migration_stays"),
            (_("Identifikasi perdagangan orang"), "identifications"),
        ]
        for shown in (first, second):
            if shown.in_clear:
                record_access(self.request, shown.person)
        form = kwargs.get("merge_form") or MergeForm(conflicts=conflicts)
        context.update(
            first=first.person,
            second=second.person,
            rows=rows,
            related=related,
            counts=[
                (label, len(getattr(first.person, name).all()), len(getattr(second.person, name).all()))
                for label, name in counts
            ],
            reasons=explain_stored(pair.reasons),
            is_open=is_open,
            merge_form=form,
            conflicts=conflicts,
            distinct_error=kwargs.get("distinct_error"),
        )
        return context


class DuplicateMergeView(DuplicateDetailView):
    """POST the comparison's merge form: the service merges, the user lands on the surviving record."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = pair = self.get_object()
        people = Person.objects.in_bulk([pair.first_id, pair.second_id])
        conflicts = services.merge_conflicts(people[pair.first_id], people[pair.second_id])
        form = MergeForm(request.POST, conflicts=conflicts)
        if form.is_valid():
            survivor_id = pair.first_id if form.cleaned_data["survivor"] == "first" else pair.second_id
            try:
                survivor = services.duplicate_pair_merge(
                    actor=request.user,
                    pair=pair,
                    survivor=survivor_id,
                    values_from_duplicate=form.values_from_duplicate(),
                )
            except OutOfJurisdiction as exc:
                raise Http404 from exc
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Kedua data digabung; ini data yang dipertahankan."))
                return redirect(survivor.get_absolute_url())
        self.object.refresh_from_db()
        return self.render_to_response(self.get_context_data(merge_form=form), status=400)


class DuplicateDistinctView(DuplicateDetailView):
    """POST: the two records are different people; the pair is closed and not proposed again."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = pair = self.get_object()
        try:
            services.duplicate_pair_mark_distinct(actor=request.user, pair=pair)
        except OutOfJurisdiction as exc:
            raise Http404 from exc
        except ServiceError as exc:
            self.object.refresh_from_db()
            return self.render_to_response(self.get_context_data(distinct_error=exc.message), status=400)
        messages.success(request, _("Ditandai sebagai orang berbeda; pasangan ini tidak akan diusulkan lagi."))
        return redirect("registry:duplicate_list")
