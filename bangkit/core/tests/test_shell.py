"""The shell every user meets: health check, home page, language, demo data, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.demo import DEMO_EXTRA_USERS, DEMO_ORGANISATIONS, demo_logins
from bangkit.accounts.models import Grant, Organisation, User
from bangkit.accounts.roles import Role
from bangkit.core.testing.regions import create_seed_regions


def test_it_reports_database_and_worker_health(client: Any, db: None) -> None:
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["worker"]["backend"] == settings.TASK_BACKEND


@override_settings(TASK_BACKEND="database")
def test_it_reports_a_stalled_task_worker(client: Any, db: None) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bangkit.core.tasks.example",
        backend_name="default",
        run_after=timezone.now() - timedelta(hours=1),
    )
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["worker"]["queued"] == 1


def test_it_shows_each_user_the_counts_inside_their_jurisdiction(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("home"))
    counts = {str(item.label): item.count for item in response.context["summary"]}
    assert counts["Organisasi"] == 2
    assert "Pengguna" not in counts  # a case worker may not see users
    client.force_login(people.national_admin)
    counts = {str(item.label): item.count for item in client.get(reverse("home")).context["summary"]}
    assert counts["Organisasi"] == 4
    assert counts["Pengguna"] == User.objects.count()


def test_it_switches_the_interface_to_english(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("home"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Di dalam yurisdiksi Anda" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Inside your jurisdictions" in client.get(reverse("home")).content.decode()
    people.kupang_case_worker.refresh_from_db()
    assert people.kupang_case_worker.language == "en"
    other_device = type(client)()
    other_device.force_login(people.kupang_case_worker)
    assert "Inside your jurisdictions" in other_device.get(reverse("home")).content.decode()


@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)
def test_it_keeps_the_request_id_sent_by_the_proxy(client: Any, db: None) -> None:
    response = client.get(reverse("health"), headers={"X-Request-ID": "abc12345-proxy"})
    assert response["X-Request-ID"] == "abc12345-proxy"
    response = client.get(reverse("health"), headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"


@override_settings(BANGKIT_MFA_REQUIRED_ROLES=["finance_officer", "auditor"])
def test_it_loads_the_demo_twice_without_duplicates(db: None) -> None:
    create_seed_regions()
    call_command("load_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Grant.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert counts == (Organisation.objects.count(), User.objects.count(), Grant.objects.count())
    grants_per_user = sum(len(spec.jurisdiction_codes) for spec in DEMO_ORGANISATIONS)
    extra_grants = sum(
        len(spec.jurisdiction_codes)
        for extra in DEMO_EXTRA_USERS
        for spec in DEMO_ORGANISATIONS
        if spec.slug == extra.organisation
    )
    users = len(DEMO_ORGANISATIONS) * len(Role) + len(DEMO_EXTRA_USERS)
    assert counts == (len(DEMO_ORGANISATIONS), users, grants_per_user * len(Role) + extra_grants)
    logins = demo_logins()
    finance = next(login for login in logins if login.email == "keuangan@dinsos-kupang.demo.bangkit.id")
    worker = next(login for login in logins if login.email == "pendamping@dinsos-kupang.demo.bangkit.id")
    assert len(finance.recovery_codes) == 10
    assert finance.totp_secret
    assert worker.recovery_codes == ()
    output = StringIO()
    call_command("demo_logins", stdout=output)
    assert finance.recovery_codes[0] in output.getvalue()


def test_it_lets_a_demo_user_sign_in_with_a_printed_recovery_code(client: Any, db: None) -> None:
    create_seed_regions()
    with override_settings(BANGKIT_MFA_REQUIRED_ROLES=["finance_officer"]):
        call_command("load_demo", stdout=StringIO())
        finance = next(login for login in demo_logins() if login.email.startswith("keuangan@dinsos-kupang"))
        response = client.post(reverse("account_login"), {"login": finance.email, "password": "Bangkit-Demo-2026"})
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": finance.recovery_codes[0]})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200


def test_it_refuses_demo_data_in_production(db: None) -> None:
    import pytest
    from django.core.management.base import CommandError

    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())


def test_it_passes_the_deployment_checklist_with_a_production_environment() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "BANGKIT_ENV", "DEBUG", "TASK_BACKEND"}
    } | {
        "DJANGO_SETTINGS_MODULE": "bangkit.settings",
        "BANGKIT_ENV": "production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "bangkit.kemensos.go.id",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktb25lLTMyLWJ5dGVzLWxvbmctLS0tLS0=",
        "BLIND_INDEX_KEY": "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMtLS0=",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_shows_the_demo_kupang_case_worker_kupang_and_hides_indramayu(
    client: Any, api_client: Any, db: None
) -> None:
    create_seed_regions()
    call_command("load_demo", stdout=StringIO())
    worker = User.objects.get(email="pendamping@lks-rpk.demo.bangkit.id")
    indramayu = Organisation.objects.get(name="Dinas Sosial Kabupaten Indramayu")
    client.force_login(worker)
    api_client.force_authenticate(worker)
    names = {o.name for o in client.get(reverse("accounts:organisation_list")).context["object_list"]}
    assert {"Dinas Sosial Kabupaten Kupang", "LKS Rumah Perempuan Kupang"} <= names
    assert indramayu.name not in names
    assert client.get(reverse("accounts:organisation_detail", args=[indramayu.pk])).status_code == 404
    assert api_client.get(reverse("organisation-detail", args=[indramayu.pk])).status_code == 404


def test_it_runs_sqlite_in_wal_mode(tmp_path: Any) -> None:
    import sqlite3

    from bangkit import settings as project_settings

    connection = sqlite3.connect(tmp_path / "wal.sqlite3")
    for statement in project_settings.SQLITE_OPTIONS["init_command"].split(";"):
        connection.execute(statement)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
