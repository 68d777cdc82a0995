"""allauth's pages (sign-in, second factor, account pages) render inside the site layout with Bootstrap forms."""

from __future__ import annotations

from typing import Any

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.urls import reverse

from bangkit.accounts.testing import TEST_PASSWORD

ADMIN_NOTE = "Akun dibuat oleh administrator organisasi Anda."


def assert_site_layout(html: str) -> None:
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert 'class="navbar-brand' in html
    assert "Menu:" not in html  # allauth's bare default layout


def test_it_shows_the_login_page_in_the_site_layout_without_a_sign_up_invitation(client: Any, db: None) -> None:
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert_site_layout(html)
    assert reverse("account_signup") not in html
    assert "belum membuat akun" not in html  # allauth's "If you have not created an account yet, ... sign up"
    assert ADMIN_NOTE in html
    assert reverse("account_reset_password") in html
    assert 'class="form-control"' in html
    assert 'class="btn btn-primary w-100"' in html


def test_it_shows_a_form_error_for_a_wrong_password(client: Any, people: Any) -> None:
    cache.clear()  # login failures are rate-limited per address
    response = client.post(
        reverse("account_login"), {"login": people.kupang_case_worker.email, "password": "not-the-password"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="alert alert-danger"' in html
    assert f'value="{people.kupang_case_worker.email}"' in html
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_it_shows_the_signup_closed_page_without_a_form(client: Any, db: None) -> None:
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert_site_layout(html)
    assert ADMIN_NOTE in html
    assert 'name="password1"' not in html


def test_it_asks_for_the_second_factor_in_the_site_layout_and_accepts_a_recovery_code(client: Any, people: Any) -> None:
    cache.clear()
    user = people.kupang_supervisor
    TOTP.activate(user, generate_totp_secret())
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    html = response.content.decode()
    assert_site_layout(html)
    assert "kode pemulihan" in html
    assert 'class="form-control"' in html
    response = client.post(reverse("mfa_authenticate"), {"code": "00000000"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    cache.clear()


def test_it_shows_account_pages_with_cards_and_field_errors(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    html = client.get(reverse("mfa_index")).content.decode()
    assert_site_layout(html)
    assert 'class="card mb-3"' in html
    assert reverse("account_change_password") in html
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong-old-password", "password1": "short", "password2": "different"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in html
    assert 'class="invalid-feedback d-block"' in html
