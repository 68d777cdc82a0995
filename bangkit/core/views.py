from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bangkit.core import health as health_checks
from bangkit.core.selectors import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": home_summary(user=request.user)})


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    database = health_checks.database_state()
    worker = health_checks.worker_state() if database["ok"] else {"ok": False, "error": "database down"}
    status = "ok" if database["ok"] and worker["ok"] else "degraded" if database["ok"] else "down"
    # Only a dead database takes a web node out of rotation; a stalled worker is reported, not fatal.
    return JsonResponse(
        {"status": status, "database": database, "worker": worker}, status=200 if database["ok"] else 503
    )


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404
