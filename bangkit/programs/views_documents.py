"""Documents of an event: the attendance list of a session, certificates, the event report (page, PDF, XLSX), and
the public page where anyone holding a certificate checks it.

Documents with names (attendance lists, certificates) need `programs.view_enrolment` over the event's venue, are
sent with `Cache-Control: no-store` and leave an access entry in the history. The report holds figures only and
needs `programs.view_event`. A record outside the user's jurisdictions answers 404, as if it did not exist.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangkit.accounts.roles import ISSUE_CERTIFICATE
from bangkit.audit.history import record_access
from bangkit.core.exceptions import ServiceError
from bangkit.core.middleware import client_ip
from bangkit.core.scoping import ScopedQuerySet
from bangkit.programs import pdf, selectors, services, spreadsheets
from bangkit.programs.models import Certificate, Event, EventSession

VIEW_NAMES = "programs.view_enrolment"
VIEW_EVENT = "programs.view_event"
REVOKE_CERTIFICATE = "programs.change_certificate"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The public check: this many look-ups per client address in a window, then 429 until the window ends.
CHECKS_PER_WINDOW = 20
CHECK_WINDOW_SECONDS = 10 * 60
# Longer than any code, shorter than anything worth sending: what is typed beyond it is not looked at.
MAX_CODE_INPUT = 40


def _scoped(queryset: ScopedQuerySet[Any], request: HttpRequest, pk: int, permission: str) -> Any:
    """The record `pk` if the user holds `permission` over its region; 403 without it anywhere, else 404."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(queryset.restrict(request.user, "view", permission=permission), pk=pk)


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


def _pdf_response(content: bytes, filename: str) -> HttpResponseBase:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _no_store(response)


def _back(request: HttpRequest, event: Event) -> HttpResponseRedirect:
    """To `next` when it is a page of this site (the event page that holds the button), else the report."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("programs:event_report", args=[event.pk])
    return HttpResponseRedirect(target)


# --- attendance list -------------------------------------------------------------------------------------------


@login_required
@require_GET
def session_attendance_list_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The daftar hadir of one session, to print and take to the venue."""
    session: EventSession = _scoped(
        EventSession.objects.select_related("event__program", "event__organiser"), request, pk, VIEW_NAMES
    )
    content = pdf.attendance_list_pdf(session)
    record_access(request, session)
    return _pdf_response(content, f"daftar-hadir-{session.event_id}-{session.date:%Y%m%d}-{session.pk}.pdf")


# --- event report ----------------------------------------------------------------------------------------------


def _report_event(request: HttpRequest, pk: int) -> Event:
    event: Event = _scoped(Event.objects.select_related("program", "organiser", "region"), request, pk, VIEW_EVENT)
    return event


@login_required
@require_GET
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's figures on a page, with the event's documents: attendance lists, certificates, PDF, XLSX."""
    event = _report_event(request, pk)
    report = selectors.event_report(event)
    user = request.user
    return render(
        request,
        "programs/report.html",
        {
            "event": event,
            "report": report,
            "tables": [
                (table.title, table.header, [[pdf.cell_text(value) for value in row] for row in table.rows])
                for table in pdf.report_tables(report)
            ],
            "dates": pdf.date_range(event.start_date, event.end_date),
            "can_view_names": services.holds_over(user, VIEW_NAMES, event.region_id),
            "can_issue": services.holds_over(user, ISSUE_CERTIFICATE, event.region_id),
            "event_over": services.venue_today(event) >= event.end_date,
        },
    )


@login_required
@require_GET
def event_report_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _report_event(request, pk)
    content = pdf.event_report_pdf(selectors.event_report(event))
    return _pdf_response(content, f"laporan-kegiatan-{event.pk}.pdf")


@login_required
@require_GET
def event_report_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _report_event(request, pk)
    handle = spreadsheets.event_report_xlsx(selectors.event_report(event))
    return _no_store(
        FileResponse(handle, as_attachment=True, filename=f"laporan-kegiatan-{event.pk}.xlsx", content_type=XLSX)
    )


# --- certificates ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Issues a certificate to every participant who completed the event and has none yet."""
    if not request.user.has_perm(ISSUE_CERTIFICATE):
        raise PermissionDenied
    event = _report_event(request, pk)
    try:
        issued = services.certificates_issue(actor=request.user, event=event)  # type: ignore[arg-type]
    except ServiceError as refused:
        messages.error(request, refused.message)
        return _back(request, event)
    if issued:
        messages.success(
            request,
            ngettext("%(count)d sertifikat diterbitkan.", "%(count)d sertifikat diterbitkan.", len(issued))
            % {"count": len(issued)},
        )
    else:
        messages.info(request, _("Tidak ada sertifikat baru: semua peserta yang lulus sudah bersertifikat."))
    return _back(request, event)


def _certificates_of(event: Event) -> list[Certificate]:
    """The event's valid certificates in the participants' alphabetical order, with only the name loaded."""
    certificates = (
        Certificate.objects.filter(enrolment__event=event, revoked_on__isnull=True)
        .select_related("enrolment__person")
        .only("code", "issued_on", "revoked_on", "enrolment__person__full_name")
    )
    return sorted(certificates, key=lambda certificate: certificate.enrolment.person.full_name.casefold())


def _verify_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("certificate_verify"))


@login_required
@require_GET
def event_certificates_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every valid certificate of the event, one landscape page each, to print at once."""
    event: Event = _scoped(Event.objects.select_related("program", "organiser"), request, pk, VIEW_NAMES)
    certificates = _certificates_of(event)
    if not certificates:
        messages.warning(request, _("Kegiatan ini belum punya sertifikat yang berlaku."))
        return HttpResponseRedirect(reverse("programs:event_report", args=[event.pk]))
    content = pdf.certificates_pdf(event, certificates, verify_url=_verify_url(request))
    record_access(request, event)
    return _pdf_response(content, f"sertifikat-kegiatan-{event.pk}.pdf")


def _certificates() -> ScopedQuerySet[Certificate]:
    return Certificate.objects.select_related(
        "enrolment__person", "enrolment__event__program", "enrolment__event__organiser"
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One participant's certificate (a revoked one is stamped as such)."""
    certificate: Certificate = _scoped(_certificates(), request, pk, VIEW_NAMES)
    content = pdf.certificates_pdf(certificate.enrolment.event, [certificate], verify_url=_verify_url(request))
    record_access(request, certificate)
    return _pdf_response(content, f"sertifikat-{certificate.pk}.pdf")


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_l("Alasan pencabutan"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Misalnya: diterbitkan untuk orang yang salah, atau kehadiran ternyata salah dicatat."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Revokes a certificate with a reason: the public page then answers that it was revoked."""
    if not request.user.has_perm(REVOKE_CERTIFICATE):
        raise PermissionDenied
    certificate: Certificate = _scoped(_certificates(), request, pk, VIEW_NAMES)
    event = certificate.enrolment.event
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user,  # type: ignore[arg-type]
                certificate=certificate,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as refused:
            form.add_error("reason" if refused.field == "reason" else None, refused.message)
        else:
            messages.success(request, _("Sertifikat %(code)s dicabut.") % {"code": pdf.format_code(certificate.code)})
            return _back(request, event)
    response = render(
        request,
        "programs/certificate_revoke.html",
        {
            "certificate": certificate,
            "event": event,
            "code": pdf.format_code(certificate.code),
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )
    return _no_store(response)


# --- public check ----------------------------------------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    """Whom the allowance is counted against: the client's IPv4 address, or its IPv6 /64 (one subscriber's
    network, whose every address they may use)."""
    address = client_ip(request)
    if address and ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address or "unknown"


def _spend_a_check(request: HttpRequest) -> bool:
    """Counts one look-up against the client; False once the window's allowance is spent."""
    key = f"programs:certificate-check:{_client(request)}"
    cache.add(key, 0, timeout=CHECK_WINDOW_SECONDS)
    try:
        spent = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=CHECK_WINDOW_SECONDS)
        spent = 1
    return spent <= CHECKS_PER_WINDOW


def _public(response: HttpResponse) -> HttpResponse:
    _no_store(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a certificate's code. The answer says valid (with the holder's initials and the event),
    revoked, or not found — nothing else, and every code takes the same path: one look-up, one template."""
    typed = request.GET.get("code", "")[:MAX_CODE_INPUT]
    context: dict[str, Any] = {"typed": typed, "checked": False, "limit_minutes": CHECK_WINDOW_SECONDS // 60}
    code = services.normalise_certificate_code(typed)
    if code:
        if not _spend_a_check(request):
            response = render(request, "programs/certificate_verify_limited.html", context, status=429)
            response["Retry-After"] = str(CHECK_WINDOW_SECONDS)
            return _public(response)
        result = selectors.certificate_check(code)
        context.update(checked=True, code=pdf.format_code(code), result=result)
        if result is not None:
            context["dates"] = pdf.date_range(result.event_start, result.event_end)
    elif typed:
        context["error"] = _("Kode verifikasi terdiri dari huruf dan angka, seperti K7QM-2X9P-4R0A.")
    return _public(render(request, "programs/certificate_verify.html", context))
