"""Pages: the user's own notifications (list, mark read, the bell's badge), the administrators' list of failed
notification e-mails, and the outbox of messages to people (list, a message's page, cancelling, writing one from a
person's page, the person's "Pesan" tab).

A notification is its recipient's alone: anyone else's answers 404, whatever their role. Outbox messages follow the
person's region: 403 without the permission anywhere, 404 outside the jurisdictions. The number is always masked.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET, require_POST
from django.views.generic.detail import SingleObjectMixin

from bangkit.audit.history import AccessLoggedMixin
from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ObjectDetailView, ObjectListView, ScopedViewMixin, add_errors_to_form
from bangkit.notifications import selectors, services
from bangkit.notifications.choices import MessageState
from bangkit.notifications.filtersets import NotificationFilterSet, OutboxMessageFilterSet
from bangkit.notifications.forms import MessageForm
from bangkit.notifications.kinds import kind_of
from bangkit.notifications.models import OutboxMessage
from bangkit.notifications.quiet_hours import quiet_hours
from bangkit.registry.models import Person
from bangkit.registry.selectors.details import holds_on_person, visible_person

VIEW_MESSAGES = "notifications.view_outboxmessage"
ADD_MESSAGES = "notifications.add_outboxmessage"

# --- Notifications ------------------------------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, generic.ListView):
    """ "Pemberitahuan": the user's notifications, newest first, 25 a page; `?unread=true` only the unread."""

    template_name = "notifications/notification_list.html"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.filterset = NotificationFilterSet(
            self.request.GET or None, queryset=selectors.own_notifications(self.request.user)
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for notification in context["object_list"]:
            notification.kind_spec = kind_of(notification.kind)
        context.update(
            unread=selectors.unread_count(self.request.user),
            only_unread=self.request.GET.get("unread") == "true",
        )
        return context


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    """The list page the form was sent from (its page and filter kept), else the list itself."""
    target = request.POST.get("next", "")
    listing = reverse("notifications:list")
    if target.startswith(listing) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(listing)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks one of the user's notifications read; with `open`, goes on to the page it is about."""
    notification = get_object_or_404(selectors.own_notifications(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)  # type: ignore[arg-type]
    if request.POST.get("open") and notification.url:
        return HttpResponseRedirect(notification.url)
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(count)d pemberitahuan ditandai sudah dibaca.") % {"count": count})
    return _back_to_list(request)


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The top bar's bell with the unread count, fetched by htmx after each page has loaded. Rendered without the
    request's context processors: the fragment needs no menu, and they would cost queries."""
    return HttpResponse(render_to_string("notifications/_bell.html", {"unread": selectors.unread_count(request.user)}))


# The administrators' page of failed e-mails: whoever manages users, where they manage them.
VIEW_USERS = "accounts.view_user"


class EmailFailureListView(LoginRequiredMixin, generic.ListView):
    """ "E-mail gagal terkirim": the notification e-mails that failed (for good, or waiting for another attempt) of
    the users in the administrator's jurisdictions, with the error; never a notification's title or body."""

    template_name = "notifications/email_failures.html"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.has_perm(VIEW_USERS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.email_failures(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for notification in context["object_list"]:
            notification.kind_spec = kind_of(notification.kind)
        return context


# --- Outbox -------------------------------------------------------------------------------------------------


class OutboxListView(ObjectListView):
    queryset = selectors.outbox_list(OutboxMessage.objects.all())
    filterset_class = OutboxMessageFilterSet
    template_name = "notifications/outbox_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "title": _("Pesan ke orang")}


class OutboxDetailView(AccessLoggedMixin, ObjectDetailView):
    """One message: to whom, the masked number, what it says, its state and attempts. Seeing it is logged."""

    queryset = OutboxMessage.objects.select_related("person", "created_by")
    template_name = "notifications/outbox_detail.html"
    context_object_name = "message"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_cancel"] = context["can_change"] and self.object.state == MessageState.QUEUED
        return context


class OutboxCancelView(ScopedViewMixin, SingleObjectMixin, generic.View):
    queryset = OutboxMessage.objects.select_related("person")
    action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        message = self.get_object()
        try:
            services.outbox_message_cancel(actor=request.user, message=message)  # type: ignore[arg-type]
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Pesan dibatalkan."))
        return HttpResponseRedirect(message.get_absolute_url())


class MessageComposeView(ScopedViewMixin, generic.FormView):
    """Writes a message to a person; the service checks consent, picks the number and the time."""

    queryset = OutboxMessage.objects.all()
    action = "add"
    form_class = MessageForm
    template_name = "notifications/message_form.html"

    @cached_property
    def person(self) -> Person:
        person = visible_person(self.request.user, self.kwargs["person_pk"])
        if person is None or not holds_on_person(self.request.user, ADD_MESSAGES, person):
            raise Http404
        return person

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "person": self.person, "title": _("Kirim pesan"), "quiet_hours": quiet_hours()}

    def form_valid(self, form: MessageForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            with transaction.atomic():
                message = services.message_person(
                    actor=self.request.user,  # type: ignore[arg-type]
                    person=self.person,
                    body=data["body"],
                    purpose=data["purpose"],
                    channel=data["channel"] or None,
                )
        except ServiceError as exc:
            add_errors_to_form(form, exc)
            return self.form_invalid(form)
        if message.not_before > timezone.now():
            when = date_format(timezone.localtime(message.not_before), "SHORT_DATETIME_FORMAT")
            messages.success(
                self.request,
                _("Pesan masuk antrean dan dikirim %(when)s, setelah jam tenang di tempat orang itu.") % {"when": when},
            )
        else:
            messages.success(self.request, _("Pesan masuk antrean dan segera dikirim."))
        return HttpResponseRedirect(message.get_absolute_url())


@require_GET
@login_required
def person_messages(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The "Pesan" tab of a person's page: the messages to them, newest first, and a button to write one."""
    if not request.user.has_perm(VIEW_MESSAGES):
        raise PermissionDenied
    person = visible_person(request.user, person_pk)
    if person is None or not holds_on_person(request.user, VIEW_MESSAGES, person):
        raise Http404
    context = {
        "person": person,
        "outbox": list(selectors.person_messages(request.user, person)[:50]),
        "may_write": holds_on_person(request.user, ADD_MESSAGES, person) and person.merged_into_id is None,
    }
    htmx = getattr(request, "htmx", False)
    return render(
        request, "notifications/person_messages.html" if htmx else "notifications/person_messages_page.html", context
    )
