"""Login protection: second factor for sensitive roles, lockout after failed logins, idle sessions end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.services import api_token_create
from bangkit.accounts.testing import TEST_PASSWORD


@override_settings(BANGKIT_MFA_REQUIRED_ROLES=["supervisor"])
def test_it_sends_a_supervisor_without_a_second_factor_to_enrol(client: Any, api_client: Any, people: Any) -> None:
    client.post(reverse("account_login"), {"login": people.kupang_supervisor.email, "password": TEST_PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    _token, key = api_token_create(user=people.kupang_supervisor, name="skrip")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get(reverse("organisation-list"))
    assert response.status_code == 401
    assert "dua langkah" in response.json()["message"]


@override_settings(BANGKIT_MFA_REQUIRED_ROLES=["supervisor"])
def test_it_lets_an_enrolled_supervisor_in_and_leaves_other_roles_alone(client: Any, people: Any) -> None:
    TOTP.activate(people.kupang_supervisor, generate_totp_secret())
    client.force_login(people.kupang_supervisor)
    assert client.get(reverse("home")).status_code == 200
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("home")).status_code == 200


def test_it_asks_an_enrolled_user_for_the_code_after_the_password(client: Any, people: Any) -> None:
    TOTP.activate(people.kupang_supervisor, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": people.kupang_supervisor.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302
    assert Authenticator.objects.filter(user=people.kupang_supervisor).count() == 1


def test_it_locks_the_login_after_repeated_failures(client: Any, people: Any) -> None:
    cache.clear()
    email = people.kupang_case_worker.email
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": email, "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_it_ends_a_session_after_thirty_idle_minutes(client: Any, people: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date <= timezone.now() + timedelta(minutes=30, seconds=5)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_hashes_passwords_with_argon2_in_production() -> None:
    from bangkit import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_it_offers_no_self_sign_up(client: Any, db: None) -> None:
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert b"signup_form" not in response.content


def test_it_marks_signed_in_pages_no_store(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("accounts:organisation_list"))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


def test_it_does_not_let_users_change_their_login_email(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    assert client.get("/accounts/email/").status_code == 404


def test_it_offers_no_remember_me(client: Any, db: None) -> None:
    assert b'name="remember"' not in client.get(reverse("account_login")).content


def test_it_shows_times_in_the_zone_of_the_users_organisation(client: Any, people: Any) -> None:
    from bangkit.accounts.models import Organisation, OrganisationKind
    from bangkit.accounts.testing import make_user

    assert people.kupang_case_worker.time_zone == "Asia/Makassar"
    assert people.indramayu_case_worker.time_zone == "Asia/Jakarta"
    jayapura = people.regions["53"].__class__.objects.create(code="91", name="Papua", level=1)
    papua = make_user(
        "papua@test.id",
        Organisation.objects.create(name="Dinsos Papua", kind=OrganisationKind.DINSOS_PROVINCE, region=jayapura),
    )
    assert papua.time_zone == "Asia/Jayapura"
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("home"))
    assert response.context["TIME_ZONE"] == "Asia/Makassar"


def test_it_leaves_no_time_zone_behind_after_a_request(client: Any, people: Any) -> None:
    """A Kupang officer's WITA belongs to their request only: after it, "today" is the service's again (between
    16:00 and 17:00 UTC WITA is a day ahead of WIB, and a leaked zone moved grants' and forms' dates)."""
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("home")).context["TIME_ZONE"] == "Asia/Makassar"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
