"""`manage.py load_demo` adds what is missing and never undoes an administrator's work."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from bangkit.accounts.demo import DEMO_PASSWORD, demo_email
from bangkit.accounts.models import Grant, Organisation, User
from bangkit.accounts.roles import Role
from bangkit.accounts.services import grant_revoke, user_save
from bangkit.core.testing.regions import create_seed_regions

NEW_PASSWORD = "sasando-rote-ndao-2024"


@override_settings(BANGKIT_MFA_REQUIRED_ROLES=[])
def test_it_leaves_revoked_grants_changed_passwords_and_edited_organisations_alone(client: Any, db: None) -> None:
    create_seed_regions()
    call_command("load_demo", stdout=StringIO())
    admin = User.objects.get(email=demo_email("rsts", Role.ADMINISTRATOR))
    worker = User.objects.get(email=demo_email("dinsos-kupang", Role.CASE_WORKER))
    supervisor = User.objects.get(email=demo_email("dinsos-kupang", Role.SUPERVISOR))
    grant_revoke(actor=admin, grant=worker.grants.get())
    user_save(actor=admin, user=supervisor, password=NEW_PASSWORD)
    organisation = worker.organisation
    assert organisation is not None
    organisation.short_name = "Dinsos Kab. Kupang"
    organisation.save()
    User.objects.filter(pk=admin.pk).update(is_active=False)
    counts = (Organisation.objects.count(), User.objects.count(), Grant.objects.count())

    for _run in range(2):
        output = StringIO()
        call_command("load_demo", stdout=output)
        assert "0 new demo users" in output.getvalue()

    assert (Organisation.objects.count(), User.objects.count(), Grant.objects.count()) == counts
    assert not worker.grants.exists()
    organisation.refresh_from_db()
    assert organisation.short_name == "Dinsos Kab. Kupang"
    assert not User.objects.get(pk=admin.pk).is_active
    response = client.post(reverse("account_login"), {"login": supervisor.email, "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {"login": supervisor.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


@override_settings(BANGKIT_MFA_REQUIRED_ROLES=[])
def test_it_recreates_a_demo_user_that_was_deleted(db: None) -> None:
    create_seed_regions()
    call_command("load_demo", stdout=StringIO())
    email = demo_email("dinsos-kupang", Role.CASE_WORKER)
    User.objects.filter(email=email).delete()

    output = StringIO()
    call_command("load_demo", stdout=output)

    assert "1 new demo users" in output.getvalue()
    assert User.objects.get(email=email).grants.get().region_id == "53.01"
