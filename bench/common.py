"""What every benchmark shares: Django on a throw-away database, bounded timing loops, percentiles, the machine
description and the result files in bench/results/.

A benchmark module defines `run_benchmark() -> dict` and is run by `python -m bench` (see __main__.py).
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

RESULTS_DIR = Path(__file__).resolve().parent / "results"

T = TypeVar("T")


def setup_django() -> None:
    """Configures Django with the test settings on SQLite, or on PostgreSQL when BENCH_DATABASE_URL is set.

    The application's own DATABASE_URL is never used: a benchmark creates and drops its own database.
    """
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "bangkit.test_settings"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or "sqlite://:memory:"
    django.setup()


@contextmanager
def temporary_database() -> Iterator[Any]:
    """A new, migrated database for one benchmark, dropped afterwards; SQLite goes to a file, as in production."""
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="bangkit-bench-") as folder:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
        original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield connection
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)


def measure(
    action: Callable[[T], object],
    inputs: Sequence[T],
    *,
    count: int,
    warmup: int = 0,
    time_limit: float = 60.0,
) -> list[float]:
    """Milliseconds of `count` calls of `action`, cycling through `inputs`, after `warmup` untimed calls.

    Stops early, with fewer samples, once `time_limit` seconds have gone, so that a slow machine still finishes.
    """
    for index in range(warmup):
        action(inputs[index % len(inputs)])
    samples: list[float] = []
    deadline = time.monotonic() + time_limit
    for index in range(count):
        started = time.perf_counter()
        action(inputs[index % len(inputs)])
        samples.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return samples


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0–100) percentile, interpolated linearly between the two nearest samples."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summarise(samples: Sequence[float]) -> dict[str, float]:
    return {
        "count": len(samples),
        "p50_ms": round(percentile(samples, 50), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "max_ms": round(max(samples), 3),
        "mean_ms": round(sum(samples) / len(samples), 3),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def database_description(connection: Any) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": str(version)}


def describe_machine(connection: Any) -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "database": database_description(connection),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    """Writes bench/results/<name>.json, replacing it only once the new file is complete."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
    return path
