"""Generic scoped views, NetBox style: a view declares `queryset`, and optionally `filterset_class`, `form_class`,
`columns`; permission checks and jurisdiction scoping happen here and nowhere else.

Anonymous → login page; no permission anywhere → 403; a record outside the user's jurisdictions → 404.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from bangkit.core.exceptions import ServiceError
from bangkit.core.scoping import ALL_REGIONS, ScopedQuerySet, permission_name

# Every model shown by a scoped view or API; the meta-test demands generated authorization tests for each.
EXPOSED_MODELS: set[type[models.Model]] = set()


def expose(model: type[models.Model]) -> None:
    EXPOSED_MODELS.add(model)


def add_errors_to_form(form: BaseForm, error: ValidationError | ServiceError) -> None:
    """Shows a service's refusal on the form: on its field when the form has it, else above the form."""
    if isinstance(error, ServiceError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def record_permitted(user: Any, queryset: Any, pk: Any, action: str = "view", *, permission: str | None = None) -> bool:
    """Whether `user` may take `action` (or hold `permission`) on the record `pk` of `queryset`: inside their
    jurisdictions for that action, not merely somewhere. Answers without a query when the user holds it nowhere
    or everywhere."""
    permission = permission or permission_name(queryset.model, action)
    if not user.is_authenticated or not user.has_perm(permission):
        return False
    if user.is_superuser or ALL_REGIONS in user.jurisdiction_codes(permission):
        return True
    return bool(queryset.all().restrict(user, action, permission=permission).filter(pk=pk).exists())


class ScopedViewMixin(AccessMixin):
    queryset: Any = None
    action: Any = "view"
    # The permission checked and scoped by when it is not the model's own for `action`, e.g. "accounts.add_grant"
    # for the page that adds a grant to a user.
    permission: str | None = None
    request: HttpRequest

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        queryset = cls.__dict__.get("queryset")
        if queryset is not None:
            expose(queryset.model)

    @property
    def scoped_model(self) -> type[models.Model]:
        return self.queryset.model

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission or permission_name(self.scoped_model, self.action)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_queryset(self) -> ScopedQuerySet[Any]:
        return self.queryset.all().restrict(self.request.user, self.action, permission=self.permission)


class ObjectListView(ScopedViewMixin, generic.ListView):
    """A filtered, scoped, paginated list. `columns` are (label, attribute) pairs shown by the generic template."""

    template_name = "core/object_list.html"
    paginate_by = 50
    filterset_class: ClassVar[Any] = None
    columns: ClassVar[list[tuple[Any, str]]] = []
    add_url_name: ClassVar[str | None] = None

    def get_queryset(self) -> ScopedQuerySet[Any]:
        queryset = super().get_queryset()
        self.filterset = (
            self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
            if self.filterset_class
            else None
        )
        if self.filterset is not None and self.filterset.is_bound:
            return self.filterset.qs if self.filterset.is_valid() else queryset.none()
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        opts = self.scoped_model._meta
        context.update(
            filterset=self.filterset,
            columns=self.columns,
            title=opts.verbose_name_plural,
            can_add=self.add_url_name is not None
            and self.request.user.has_perm(permission_name(self.scoped_model, "add")),
            add_url_name=self.add_url_name,
        )
        return context


class ObjectDetailView(ScopedViewMixin, generic.DetailView):
    """One record. Templates get `can_change` and `can_delete`: whether the user may take that action on this
    record, which lies inside the jurisdictions where they may view it but perhaps not where they may change it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for action in ("change", "delete"):
            context[f"can_{action}"] = record_permitted(self.request.user, self.queryset, self.object.pk, action)
        return context


class ObjectEditView(ScopedViewMixin, generic.UpdateView):
    """Create (no pk in the URL) or change a record.

    Subclasses put the write in `save_form` (normally a service call). The write runs in a transaction that is
    rolled back when the saved record would lie outside the user's jurisdictions.
    """

    template_name = "core/object_form.html"

    def get_object(self, queryset: Any = None) -> Any:
        if "pk" not in self.kwargs:
            return None
        return super().get_object(queryset)

    @property
    def action(self) -> str:
        return "change" if "pk" in self.kwargs else "add"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.kwargs = kwargs
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save_form(self, form: BaseForm) -> models.Model:
        return form.save()  # type: ignore[attr-defined]

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            with transaction.atomic():
                self.object = self.save_form(form)
                if not self.queryset.restrict(self.request.user, self.action).filter(pk=self.object.pk).exists():
                    raise ServiceError(_("Wilayah ini di luar yurisdiksi Anda."), field="region")
        except (ServiceError, ValidationError) as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Tersimpan."))
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = (
            str(self.object) if self.object else _("Tambah %(model)s") % {"model": self.scoped_model._meta.verbose_name}
        )
        return context


class ObjectDeleteView(ScopedViewMixin, generic.DeleteView):
    action = "delete"
    template_name = "core/object_confirm_delete.html"


class RecordFormView(ScopedViewMixin, SingleObjectMixin, generic.FormView):
    """A form about one record whose valid POST calls a service (`perform`), in one transaction.

    The record is looked up among those where the user holds the view's permission. A refusal by the service shows
    on the form (on the field it names) and nothing is saved; success shows `success_message` and redirects.
    """

    success_message: str | Promise = _l("Tersimpan.")  # a view may set its own after the write
    object: Any

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            with transaction.atomic():
                self.perform(form)
        except (ServiceError, ValidationError) as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(request, str(self.success_message))
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, form: Any) -> Any:
        raise NotImplementedError
