"""Health of the parts a request depends on: the database and the background task worker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone


def database_state() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the class name says why
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def worker_state() -> dict[str, Any]:
    """For the database queue: stalled when a task has waited longer than TASK_WORKER_STALL_MINUTES.

    For RQ: the number of live workers registered in Redis.
    """
    backend = settings.TASK_BACKEND
    if backend == "immediate":
        return {"ok": True, "backend": backend}
    if backend == "rq":
        return _rq_worker_state()
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.ready()
        stall_before = timezone.now() - timedelta(minutes=settings.TASK_WORKER_STALL_MINUTES)
        oldest = waiting.order_by("run_after").values_list("run_after", flat=True).first()
        last_finished = (
            DBTaskResult.objects.filter(finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        queued = waiting.count()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": backend, "error": type(exc).__name__}
    return {
        "ok": oldest is None or oldest >= stall_before,
        "backend": backend,
        "queued": queued,
        "oldest_queued_at": oldest.isoformat() if oldest else None,
        "last_finished_at": last_finished.isoformat() if last_finished else None,
    }


def _rq_worker_state() -> dict[str, Any]:
    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        workers = Worker.count(connection=queue.connection)
        queued = queue.count
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": "rq", "error": type(exc).__name__}
    return {"ok": workers > 0, "backend": "rq", "workers": workers, "queued": queued}
