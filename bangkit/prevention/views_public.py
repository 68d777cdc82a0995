"""The public safe-migration checklist, open to anyone without signing in: `/migrasi-aman/` in Indonesian,
`/migrasi-aman/en/` in English.

It keeps nothing about a visitor: the answers are assessed and shown, never stored; the only write is one added to
today's tally of completed checklists for the province the visitor chose, if any (`services.checklist_use_record`).

It sets no cookie:
- the language comes from the address, not from the language cookie or the session;
- the form is posted without a CSRF token, so Django never sets its CSRF cookie. CSRF protects what a forged
  request could do with a visitor's credentials; this form uses none (it reads no session and writes nothing of
  anyone's), and a forged post can do no more than a direct one — add one to an anonymous tally — which the rate
  limit bounds. It is a POST, not a GET, so that the answers do not end up in the address bar, browser history or
  server logs;
- nothing touches the session, so none is created for an anonymous visitor.

Its pages load only this site's own files (a Content-Security-Policy says so to the browser) and no script at all.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bangkit.prevention import ratelimit, services
from bangkit.prevention.checklist import OFFICIAL_CONTACTS, QUESTIONS, REMINDERS, assess
from bangkit.prevention.forms import ChecklistForm

# Language code → the name of the checklist's address in that language. Indonesian, the default, is the shortest.
URL_NAMES = {"id": "safe_migration", "en": "safe_migration_en"}

# Only our own files; data: for the images Bootstrap's stylesheet draws radio buttons and select arrows with.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _public(response: HttpResponse, language: str) -> HttpResponse:
    # The answer page shows a person's situation: no browser or proxy keeps a copy, on a shared phone either.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Language"] = language
    return response


def _context(language: str, **extra: Any) -> dict[str, Any]:
    return {
        "language": language,
        "languages": [(code, reverse(name)) for code, name in URL_NAMES.items()],
        "form_url": reverse(URL_NAMES[language]),
        "contacts": OFFICIAL_CONTACTS,
        **extra,
    }


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def checklist(request: HttpRequest, language: str) -> HttpResponse:
    """The questions (GET), or the advice for the answers given (POST)."""
    with translation.override(language):
        if request.method != "POST":
            form = ChecklistForm()
        elif not ratelimit.spend_a_submission(request):
            wait = ratelimit.seconds_left()
            context = _context(language, minutes=max(1, round(wait / 60)))
            response = render(request, "prevention/checklist_limited.html", context, status=429)
            response["Retry-After"] = str(wait)
            return _public(response, language)
        else:
            form = ChecklistForm(request.POST)
            if form.is_valid():
                services.checklist_use_record(province=form.cleaned_data["province"])
                verdict = assess(form.answers())
                return _public(
                    render(request, "prevention/checklist_result.html", _context(language, verdict=verdict)),
                    language,
                )
        context = _context(language, form=form, reminders=REMINDERS, questions=[form[q.key] for q in QUESTIONS])
        return _public(render(request, "prevention/checklist.html", context), language)
