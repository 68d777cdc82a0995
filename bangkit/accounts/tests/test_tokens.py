"""Personal API tokens: they expire, a token cannot make more, a new password revokes them all, and creating one
asks a signed-in user for their password again when they signed in a while ago."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.models import ApiToken
from bangkit.accounts.services import api_token_create, user_save
from bangkit.accounts.testing import TEST_PASSWORD
from bangkit.accounts.tests.helpers import sign_in

NEW_PASSWORD = "sasando-rote-ndao-2024"


def _works(api_client: Any, key: str) -> bool:
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    status = api_client.get(reverse("organisation-list")).status_code
    api_client.credentials()
    assert status in (200, 401)
    return status == 200


def test_it_gives_a_token_created_without_a_date_ninety_days(client: Any, people: Any) -> None:
    sign_in(client, people.kupang_case_worker)
    response = client.get(reverse("accounts:profile"))
    assert "90 hari" in response.content.decode()
    client.post(reverse("accounts:profile"), {"name": "Aplikasi lapangan"})
    token = ApiToken.objects.get(user=people.kupang_case_worker)
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_it_refuses_a_token_valid_longer_than_a_year_on_the_date_field(
    client: Any, api_client: Any, people: Any
) -> None:
    too_late = timezone.localtime() + timedelta(days=366)
    sign_in(client, people.kupang_case_worker)
    response = client.post(
        reverse("accounts:profile"), {"name": "Selamanya", "expires_at": too_late.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["expires_at"] == ["Token dapat berlaku paling lama 365 hari sejak dibuat."]
    assert "365 hari" in response.content.decode()

    sign_in(api_client, people.kupang_case_worker)
    response = api_client.post(
        reverse("api-token-list"), {"name": "Selamanya", "expires_at": too_late.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["expires_at"] == ["Token dapat berlaku paling lama 365 hari sejak dibuat."]
    assert not ApiToken.objects.exists()

    within_a_year = timezone.now() + timedelta(days=364)
    response = api_client.post(
        reverse("api-token-list"), {"name": "Setahun", "expires_at": within_a_year.isoformat()}, format="json"
    )
    assert response.status_code == 201


def test_it_does_not_let_a_token_create_another_token(api_client: Any, people: Any) -> None:
    _token, key = api_token_create(user=people.kupang_case_worker, name="Skrip")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.post(reverse("api-token-list"), {"name": "Cadangan"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Token API tidak dapat membuat token baru. Buat token dari halaman profil di situs."
    )
    assert ApiToken.objects.count() == 1
    # Listing tokens with a token still works.
    assert api_client.get(reverse("api-token-list")).status_code == 200


def test_it_asks_an_api_session_signed_in_long_ago_to_confirm_the_password(api_client: Any, people: Any) -> None:
    api_client.force_login(people.kupang_case_worker)
    response = api_client.post(reverse("api-token-list"), {"name": "Skrip"}, format="json")
    assert response.status_code == 403
    assert "masuk ulang" in response.json()["message"]
    assert not ApiToken.objects.exists()


def test_it_sends_a_session_signed_in_long_ago_to_confirm_the_password_first(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("accounts:profile")).status_code == 200  # looking needs no password

    response = client.post(reverse("accounts:profile"), {"name": "Aplikasi lapangan"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()
    # After the password, the token asked for is created and shown.
    response = client.post(response["Location"], {"password": TEST_PASSWORD}, follow=True)
    token = ApiToken.objects.get(user=people.kupang_case_worker)
    assert token.name == "Aplikasi lapangan"
    assert "Salin token ini sekarang" in response.content.decode()


@override_settings(ACCOUNT_REAUTHENTICATION_TIMEOUT=0)
def test_it_asks_again_once_the_last_password_is_older_than_the_window(client: Any, people: Any) -> None:
    sign_in(client, people.kupang_case_worker)
    response = client.post(reverse("accounts:profile"), {"name": "Aplikasi lapangan"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()


def test_it_revokes_every_token_when_the_user_changes_their_password(client: Any, api_client: Any, people: Any) -> None:
    user = people.kupang_case_worker
    keys = [api_token_create(user=user, name=name)[1] for name in ("Laptop", "Skrip")]
    _other, other_key = api_token_create(user=people.indramayu_case_worker, name="Laptop")
    sign_in(client, user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert "Token API Anda dicabut karena kata sandi berubah" in response.content.decode()
    assert not any(_works(api_client, key) for key in keys)
    assert _works(api_client, other_key)


def test_it_revokes_every_token_when_the_password_is_reset_by_email(client: Any, api_client: Any, people: Any) -> None:
    user = people.kupang_case_worker
    _token, key = api_token_create(user=user, name="Laptop")
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    form_url = client.get(link.group(1))["Location"]

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not _works(api_client, key)


def test_it_revokes_every_token_when_an_administrator_sets_the_password(api_client: Any, people: Any) -> None:
    user = people.kupang_case_worker
    _token, key = api_token_create(user=user, name="Laptop")
    user_save(actor=people.kupang_admin, user=user)  # other changes leave the tokens alone
    assert _works(api_client, key)

    user_save(actor=people.kupang_admin, user=user, password=NEW_PASSWORD)

    assert not _works(api_client, key)
