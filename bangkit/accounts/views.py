from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from bangkit.accounts import services
from bangkit.accounts.filtersets import OrganisationFilterSet, UserFilterSet
from bangkit.accounts.forms import ApiTokenForm, GrantForm, OrganisationForm, UserForm
from bangkit.accounts.models import ApiToken, Grant, Organisation, User
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_errors_to_form,
    record_permitted,
)
from bangkit.core.scoping import permission_name


class OrganisationListView(ObjectListView):
    queryset = Organisation.objects.select_related("region")
    filterset_class = OrganisationFilterSet
    columns = [(_l("Nama"), "name"), (_l("Jenis"), "get_kind_display"), (_l("Wilayah"), "region")]
    add_url_name = "accounts:organisation_add"


class OrganisationDetailView(ObjectDetailView):
    queryset = Organisation.objects.select_related("region", "region__parent", "region__parent__parent")
    template_name = "accounts/organisation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["members"] = User.objects.restrict(user).filter(organisation=self.object).order_by("full_name")
        return context


class OrganisationEditView(ObjectEditView):
    queryset = Organisation.objects.all()
    form_class = OrganisationForm

    def save_form(self, form: BaseForm) -> models.Model:
        return services.organisation_save(actor=self.request.user, organisation=form.instance)  # type: ignore[arg-type, attr-defined]

    def get_success_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.object.pk])


class UserListView(ObjectListView):
    queryset = User.objects.select_related("organisation")
    filterset_class = UserFilterSet
    columns = [(_l("Nama"), "full_name"), (_l("E-mail"), "email"), (_l("Organisasi"), "organisation")]
    add_url_name = "accounts:user_add"


class UserDetailView(ObjectDetailView):
    queryset = User.objects.select_related("organisation", "organisation__region")
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actor: User = self.request.user  # type: ignore[assignment]
        target = self.object
        others = actor.pk != target.pk  # nobody grants or revokes their own roles
        # Grants are placed by their holder's organisation: whether the actor may add or revoke them here is
        # whether the holder lies inside the jurisdictions where the actor holds that permission.
        add_grant, delete_grant = permission_name(Grant, "add"), permission_name(Grant, "delete")
        may_revoke_here = others and record_permitted(actor, User.objects.all(), target.pk, permission=delete_grant)
        grants = list(target.grants.select_related("region", "granted_by").order_by("role"))
        for grant in grants:
            grant.can_revoke = may_revoke_here and services.region_in_scope(
                actor=actor, permission=delete_grant, region=grant.region
            )
        context["grants"] = grants
        context["can_grant"] = others and record_permitted(actor, User.objects.all(), target.pk, permission=add_grant)
        if context["can_change"] and not actor.is_superuser:
            # As services.user_save: an account whose roles reach beyond the actor's jurisdiction is not theirs to
            # change.
            change_user = permission_name(User, "change")
            context["can_change"] = not target.is_superuser and all(
                services.region_in_scope(actor=actor, permission=change_user, region=grant.region)
                for grant in target.active_grants()
            )
        context["grant_form"] = kwargs.get("grant_form") or GrantForm(user=actor)
        return context


class UserEditView(ObjectEditView):
    queryset = User.objects.all()
    form_class = UserForm

    def save_form(self, form: BaseForm) -> models.Model:
        return services.user_save(
            actor=self.request.user,  # type: ignore[arg-type]
            user=form.instance,  # type: ignore[attr-defined]
            password=form.cleaned_data.get("password1") or None,
        )

    def get_success_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.object.pk])


class GrantAddView(UserDetailView):
    """POST a grant form from a user's page. The user must lie inside the jurisdictions where the actor may add
    grants (else 404), not merely where the actor may see users; without that permission anywhere, 403."""

    permission = permission_name(Grant, "add")
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = target = self.get_object()
        form = GrantForm(request.POST, user=request.user)  # type: ignore[arg-type]
        if form.is_valid():
            try:
                services.grant_create(
                    actor=request.user,  # type: ignore[arg-type]
                    user=target,
                    role=form.cleaned_data["role"],
                    region=form.cleaned_data["region"],
                    valid_until=form.cleaned_data["valid_until"],
                )
            except (ServiceError, ValidationError) as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(request, _("Hak akses diberikan."))
                return redirect("accounts:user_detail", pk=target.pk)
        return self.render_to_response(self.get_context_data(grant_form=form), status=400)


@require_POST
@login_required
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(permission_name(Grant, "delete")):
        raise PermissionDenied
    grant = get_object_or_404(Grant.objects.restrict(request.user, "delete").select_related("region"), pk=pk)
    try:
        services.grant_revoke(actor=request.user, grant=grant)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Hak akses dicabut."))
    return redirect("accounts:user_detail", pk=grant.user_id)


@login_required
@reauthentication_required(allow_get=True)
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: language, second factor and personal API tokens.

    Creating a token (POST) asks for the password again unless the user signed in or confirmed it within the last
    few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT): whoever finds an unlocked session must not leave with a key
    that outlives it. After the password, allauth replays the suspended POST and the new token is shown.
    """
    user: User = request.user  # type: ignore[assignment]
    new_key = None
    form = ApiTokenForm()
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = services.api_token_create(
                user=user, name=form.cleaned_data["name"], expires_at=form.cleaned_data["expires_at"]
            )
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    response = render(
        request,
        "accounts/profile.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=400 if form.errors else 200,
    )
    return response


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=pk)  # type: ignore[arg-type]
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Token dicabut; aplikasi yang memakainya tidak dapat masuk lagi."))
    return redirect("accounts:profile")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a signed-in user."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return django_set_language(request)
