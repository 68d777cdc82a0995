"""Pages of people: the list (filters by GET, exact search by identifier by POST), the person's tabbed page, the
registration and edit forms, the photo, and the phones, documents and household tabs.

Identifiers show in clear only with `registry.unmask_identifiers` over the person's region, and a page that shows
them in clear writes an access entry for the person.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View

from bangkit.audit.history import record_access
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView, ObjectEditView, ScopedViewMixin, add_errors_to_form
from bangkit.core.scoping import covers, permission_name
from bangkit.regions.nik import mask_nik
from bangkit.registry import forms_people
from bangkit.registry.filtersets import PersonFilterSet
from bangkit.registry.masking import UNMASK_IDENTIFIERS, may_unmask
from bangkit.registry.models import HouseholdMember, IdentityDocument, Person, Phone
from bangkit.registry.selectors.people import keyset_page, people_visible_to, person_find_exact
from bangkit.registry.services import people as services
from bangkit.registry.tabs import PERSON_TABS


class ExactSearchForm(forms.Form):
    nik = forms.CharField(label=_l("NIK"), required=False, max_length=40)
    phone = forms.CharField(label=_l("Nomor telepon"), required=False, max_length=30)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("nik") or "").strip() and not (cleaned.get("phone") or "").strip():
            raise ValidationError(_l("Isi NIK atau nomor telepon."))
        return cleaned


class PersonListView(ScopedViewMixin, View):
    """Newest first, fifty at a time by keyset (`?after=<id>`), so the millionth page costs what the first does."""

    queryset = Person.objects.all()
    template_name = "registry/people/person_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = PersonFilterSet(request.GET or None, queryset=people_visible_to(request.user), request=request)
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        after = request.GET.get("after", "")
        page = keyset_page(queryset, after=int(after) if after.isdigit() else None)
        return self._render(request, filterset=filterset, rows=page.rows, next_cursor=page.next_cursor)

    def post(self, request: HttpRequest) -> HttpResponse:
        """Exact search by NIK or phone: POSTed, so that the identifier never reaches a URL or an access log."""
        search = ExactSearchForm(request.POST)
        rows = person_find_exact(request.user, **search.cleaned_data) if search.is_valid() else []
        filterset = PersonFilterSet(None, queryset=people_visible_to(request.user), request=request)
        return self._render(request, filterset=filterset, rows=rows, next_cursor=None, search=search, searched=True)

    def _render(self, request: HttpRequest, **context: Any) -> HttpResponse:
        context.setdefault("search", ExactSearchForm())
        user = request.user
        context.update(
            title=_("Orang"),
            can_add=user.has_perm(permission_name(Person, "add")),
            object_list=context["rows"],
        )
        return render(request, self.template_name, context)


class PersonDetailView(ObjectDetailView):
    queryset = Person.objects.select_related("region__parent__parent", "organisation", "merged_into")
    template_name = "registry/people/person_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person: Person = self.object
        user = self.request.user
        unmasked = may_unmask(user, UNMASK_IDENTIFIERS, person)
        if unmasked and (person.nik or person.kk_number):
            record_access(self.request, person)
        tabs = [tab for tab in PERSON_TABS if covers(user.jurisdiction_codes(tab.permission), person.region_id)]  # type: ignore[union-attr]
        requested = self.request.GET.get("tab", "")
        active = next((tab for tab in tabs if tab.key == requested), tabs[0] if tabs else None)
        context.update(
            person=person,
            unmasked=unmasked,
            nik=(person.nik if unmasked else mask_nik(person.nik)) if person.nik else "",
            kk=(person.kk_number if unmasked else "****") if person.kk_number else "",
            tabs=[(tab, reverse(tab.url_name, args=[person.pk])) for tab in tabs],
            active_tab=active,
            age=person.age_on(person.registered_on) if person.birth_date else None,
            can_change=context.get("can_change", False) and person.merged_into_id is None,
        )
        return context


class PersonEditView(ObjectEditView):
    queryset = Person.objects.all()
    form_class = forms_people.PersonForm
    template_name = "registry/people/person_form.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(merged_into__isnull=True)

    def save_form(self, form: forms.BaseForm) -> models.Model:
        person: Person = form.instance  # type: ignore[attr-defined]
        age = form.cleaned_data.get("estimated_age")
        if person.pk:
            return services.person_update(actor=self.request.user, person=person, estimated_age=age)  # type: ignore[arg-type]
        return services.person_create(actor=self.request.user, person=person, estimated_age=age)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is None:
            context["title"] = _("Daftarkan orang")
        return context


def person_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, only to users who may see the person; never under a public media URL."""
    if not request.user.is_authenticated:
        raise Http404
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"))
    response["Content-Disposition"] = "inline"
    return response


class PersonChildTab(ScopedViewMixin, View):
    """One of the person's own lists (phones, documents, household) with its add form and delete buttons.

    GET shows the list (an htmx fragment inside the person's page, or a page of its own); POST adds a record;
    POST with `delete=<id>` removes one. Reading needs the record type's view permission over the person's region,
    writing the person's change permission.
    """

    queryset: Any = None
    form_class: ClassVar[type[forms.ModelForm]]
    title: ClassVar[Any]
    tab_key: ClassVar[str]
    identifiers: ClassVar[bool] = False  # the numbers are identifiers, shown masked unless the user may unmask

    def person(self) -> Person:
        permission = permission_name(self.scoped_model, "view")
        people = Person.objects.restrict(self.request.user, permission=permission).filter(merged_into__isnull=True)
        return get_object_or_404(people, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(self.person(), self.form_class())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self.person()
        if not covers(request.user.jurisdiction_codes(permission_name(Person, "change")), person.region_id):  # type: ignore[union-attr]
            raise PermissionDenied
        form = self.form_class(request.POST)
        try:
            if "delete" in request.POST:
                record = get_object_or_404(self.scoped_model._default_manager, person=person, pk=request.POST["delete"])
                services.person_child_delete(actor=request.user, record=record)  # type: ignore[arg-type]
                messages.success(request, _("Dihapus."))
                form = self.form_class()
            elif form.is_valid():
                form.instance.person = person
                self.save(form.instance)
                messages.success(request, _("Tersimpan."))
                form = self.form_class()
        except (ServiceError, ValidationError) as error:
            add_errors_to_form(form, error)
        return self._render(person, form)

    def save(self, record: Any) -> None:
        raise NotImplementedError

    def _render(self, person: Person, form: forms.ModelForm) -> HttpResponse:
        unmasked = self.identifiers and may_unmask(self.request.user, UNMASK_IDENTIFIERS, person)
        rows = list(self.scoped_model._default_manager.filter(person=person))
        if unmasked and rows:
            record_access(self.request, person)
        can_change = covers(
            self.request.user.jurisdiction_codes(permission_name(Person, "change")),  # type: ignore[union-attr]
            person.region_id,
        )
        context = {
            "person": person,
            "rows": rows,
            "form": form,
            "unmasked": unmasked,
            "can_change": can_change and person.merged_into_id is None,
            "title": self.title,
            "tab_key": self.tab_key,
            "fragment": f"registry/people/tab_{self.tab_key}.html",
        }
        template = context["fragment"] if self.request.htmx else "registry/people/tab_page.html"  # type: ignore[attr-defined]
        return render(self.request, template, context)


class PhonesTab(PersonChildTab):
    queryset = Phone.objects.all()
    form_class = forms_people.PhoneForm
    title = _l("Telepon")
    tab_key = "phones"
    identifiers = True

    def save(self, record: Any) -> None:
        services.phone_save(actor=self.request.user, phone=record)  # type: ignore[arg-type]


class DocumentsTab(PersonChildTab):
    queryset = IdentityDocument.objects.all()
    form_class = forms_people.IdentityDocumentForm
    title = _l("Dokumen identitas")
    tab_key = "documents"
    identifiers = True

    def save(self, record: Any) -> None:
        services.document_save(actor=self.request.user, document=record)  # type: ignore[arg-type]


class HouseholdTab(PersonChildTab):
    queryset = HouseholdMember.objects.all()
    form_class = forms_people.HouseholdMemberForm
    title = _l("Keluarga")
    tab_key = "household"

    def save(self, record: Any) -> None:
        services.household_member_save(actor=self.request.user, member=record)  # type: ignore[arg-type]
