"""The public page where anyone holding a printed certificate checks its code: it says valid (with initials only),
revoked or not found, to anyone, signed in or not, a limited number of times per address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from bangkit.programs import services
from bangkit.programs.tests.test_documents import certified_participants
from bangkit.programs.views_documents import CHECKS_PER_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_allowance():
    """Each test starts with the full allowance of checks (the count lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


def check(client, code: str, address: str = "198.51.100.7"):
    return client.get(reverse("certificate_verify"), {"code": code}, REMOTE_ADDR=address)


def test_the_form_is_open_to_anyone(client):
    response = client.get(reverse("certificate_verify"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_valid_code_names_the_holder_by_initials_only(client, people):
    (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
    person = certificate.enrolment.person
    event = certificate.enrolment.event

    response = check(client, certificate.code)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sah" in page
    assert "M.G.B." in page
    assert event.title in page
    assert "Maria" not in page
    assert "Bria" not in page
    assert person.nik not in page
    assert "Tarus" not in page  # neither the person's village nor the venue
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_code_typed_from_paper_in_lower_case_with_dashes_is_found(client, people):
    (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
    typed = f"{certificate.code[:4]}-{certificate.code[4:8]} {certificate.code[8:]}".lower()

    response = check(client, typed)

    assert "M.G.B." in response.content.decode()


def test_an_unknown_code_is_not_found(client, people):
    certified_participants(people, ["Maria Goreti Bria"])

    response = check(client, "ZZZZ-ZZZZ-ZZZZ")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tidak ditemukan" in page
    assert "ZZZZ-ZZZZ-ZZZZ" in page
    assert "M.G.B." not in page


def test_a_revoked_certificate_is_said_to_be_revoked_and_nothing_more(client, people):
    (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
    services.certificate_revoke(actor=people.kupang_supervisor, certificate=certificate, reason="Salah orang")

    response = check(client, certificate.code)

    page = response.content.decode()
    assert "Dicabut" in page
    assert "Sah" not in page
    assert "M.G.B." not in page
    assert "Salah orang" not in page


def test_text_that_cannot_be_a_code_asks_for_one_without_a_look_up(client):
    response = check(client, "---")

    assert "Kode verifikasi terdiri dari huruf dan angka" in response.content.decode()


def test_an_address_that_checks_too_often_is_told_to_wait(client, people):
    (certificate,) = certified_participants(people, ["Maria Goreti Bria"])
    answers = [check(client, f"UNKNOWN{number:04d}").status_code for number in range(CHECKS_PER_WINDOW)]

    refused = check(client, certificate.code)
    elsewhere = check(client, certificate.code, address="203.0.113.9")

    assert answers == [200] * CHECKS_PER_WINDOW
    assert refused.status_code == 429
    assert "Terlalu banyak pemeriksaan" in refused.content.decode()
    assert "M.G.B." not in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "no-store" in refused["Cache-Control"]
    assert elsewhere.status_code == 200
    assert "M.G.B." in elsewhere.content.decode()


def test_the_addresses_of_one_ipv6_network_share_an_allowance(client):
    for number in range(CHECKS_PER_WINDOW):
        check(client, f"UNKNOWN{number:04d}", address=f"2001:db8:0:1::{number + 1:x}")

    same_network = check(client, "UNKNOWN9999", address="2001:db8:0:1::ffff")
    other_network = check(client, "UNKNOWN9999", address="2001:db8:0:2::1")

    assert same_network.status_code == 429
    assert other_network.status_code == 200
