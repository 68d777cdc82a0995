"""Consent: who signed what for which purpose, in force between its dates until withdrawn, never deleted; the scan of
the signed form kept under a random name and handed only to those who may see the consent."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import People
from bangkit.core.exceptions import ServiceError
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.core.uploads import SCAN_MAX_BYTES
from bangkit.registry.models import Consent
from bangkit.registry.selectors.consents import consent_for_sharing, valid_consents
from bangkit.registry.services.consents import consent_record, consent_withdraw
from bangkit.registry.testing import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}
WORKERS = {"kupang": "kupang_case_worker", "indramayu": "indramayu_case_worker"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def today() -> Any:
    return timezone.localdate()


def make_consent(people: People, place: str = "kupang", **fields: Any) -> Consent:
    person = fields.pop("person", None) or make_person(people, place)
    values: dict[str, Any] = {"purpose": "case_management", "signed_on": today() - timedelta(days=3)}
    values.update(fields)
    return consent_record(actor=getattr(people, WORKERS[place]), person=person, **values)


class TestConsentAccess(ScopedModelTests):
    model = Consent
    permitted_user = "kupang_case_worker"
    reader_user = "national_auditor"  # reads everything, changes nothing
    detail_url = "registry:consent_detail"
    edit_url = "registry:consent_withdraw"  # a consent is withdrawn, never edited or deleted
    action_urls = {"registry:consent_scan_upload": None}
    api_list_url = "consent-list"
    api_detail_url = "consent-detail"
    api_writes: ClassVar[Collection[str]] = set()

    def make(self, people: Any, place: str) -> Consent:
        return make_consent(people, place)

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"withdrawn_on": today().isoformat(), "note": "Tidak bersedia lagi"}


# --- Validity -----------------------------------------------------------------------------------------------


def test_it_is_in_force_between_signing_and_its_end(people: People) -> None:
    consent = make_consent(people, signed_on=today() - timedelta(days=10), valid_until=today() + timedelta(days=5))
    assert consent.is_valid_on(today())
    assert not consent.is_valid_on(today() - timedelta(days=11))
    assert not consent.is_valid_on(today() + timedelta(days=6))
    assert valid_consents(person=consent.person, purpose="case_management") == [consent]
    assert valid_consents(person=consent.person, purpose="case_management", on=today() + timedelta(days=6)) == []


def test_it_stops_being_in_force_on_the_day_it_is_withdrawn_and_is_kept(people: People) -> None:
    consent = make_consent(people, signed_on=today() - timedelta(days=10))
    consent_withdraw(actor=people.kupang_case_worker, consent=consent, withdrawn_on=today(), note="Tidak mau lagi")
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()
    assert consent.withdrawal_note == "Tidak mau lagi"
    assert consent.is_valid_on(today() - timedelta(days=1))
    assert not consent.is_valid_on(today())
    assert valid_consents(person=consent.person, purpose="case_management") == []
    assert Consent.objects.filter(pk=consent.pk).exists()
    with pytest.raises(ServiceError, match="sudah ditarik"):
        consent_withdraw(actor=people.kupang_case_worker, consent=consent, withdrawn_on=today())


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"signed_on": "future"}, "signed_on", "masa depan"),
        ({"valid_until": "before"}, "valid_until", "sebelum tanggal tanda tangan"),
        ({"signed_by": "guardian"}, "guardian_name", "nama wali"),
        ({"purpose": "data_sharing"}, "shared_with", "organisasi"),
        ({"shared_with_any": True}, "shared_with", "berbagi data"),
    ],
)
def test_it_refuses_a_consent_that_does_not_hold_together(
    people: People, fields: dict[str, Any], field: str, words: str
) -> None:
    if fields.get("signed_on") == "future":
        fields["signed_on"] = today() + timedelta(days=1)
    if fields.get("valid_until") == "before":
        fields["valid_until"] = today() - timedelta(days=30)
    with pytest.raises(ServiceError) as refused:
        make_consent(people, **fields)
    assert refused.value.field == field
    assert words in refused.value.message
    assert not Consent.objects.exists()


def test_it_refuses_a_withdrawal_before_the_signing(people: People) -> None:
    consent = make_consent(people, signed_on=today() - timedelta(days=3))
    for day, words in [(today() - timedelta(days=4), "sebelum"), (today() + timedelta(days=1), "masa depan")]:
        with pytest.raises(ServiceError) as refused:
            consent_withdraw(actor=people.kupang_case_worker, consent=consent, withdrawn_on=day)
        assert refused.value.field == "withdrawn_on"
        assert words in refused.value.message
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_it_records_a_guardian_who_signs(people: People) -> None:
    consent = make_consent(people, signed_by="guardian", guardian_name="Yosefina Bria", guardian_relationship="Ibu")
    assert consent.guardian_name == "Yosefina Bria"
    own = make_consent(people, person=consent.person, guardian_name="Ignored")
    assert own.guardian_name == ""


def test_it_shares_data_only_with_the_organisations_named_or_any_when_it_says_so(people: People) -> None:
    person = make_person(people)
    named = make_consent(people, person=person, purpose="data_sharing", shared_with=[people.orgs.kupang_dinsos])
    assert consent_for_sharing(person=person, organisation=people.orgs.kupang_dinsos) == named
    assert consent_for_sharing(person=person, organisation=people.orgs.directorate) is None
    assert consent_for_sharing(person=person, organisation=None) is None
    anyone = make_consent(people, person=person, purpose="data_sharing", shared_with_any=True)
    assert consent_for_sharing(person=person, organisation=people.orgs.directorate) == anyone
    assert consent_for_sharing(person=person, organisation=None) == anyone
    with pytest.raises(ServiceError, match="tidak keduanya"):
        make_consent(
            people, person=person, purpose="data_sharing", shared_with=[people.orgs.kupang_dinsos], shared_with_any=True
        )


# --- Pages and API ------------------------------------------------------------------------------------------


def test_it_records_a_consent_with_its_scan_and_serves_it_to_those_who_may_see_it(client: Any, people: People) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    scan = SimpleUploadedFile("Maria Goreti Bria - persetujuan.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("registry:consent_add", args=[person.pk]),
        {
            "purpose": "data_sharing",
            "shared_with": [people.orgs.kupang_dinsos.pk],
            "signed_by": "person",
            "signed_on": (today() - timedelta(days=1)).isoformat(),
            "scan": scan,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    consent = Consent.objects.get()
    assert "Maria" not in consent.scan.name
    assert consent.scan.name.endswith(".pdf")
    tab = client.get(reverse("registry:person_consents", args=[person.pk]), **HTMX).content.decode()
    assert "Dinas Sosial Kabupaten Kupang" in tab
    assert "Berlaku" in tab
    download = client.get(reverse("registry:consent_scan", args=[consent.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f"persetujuan-{consent.pk}.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(consent.pk)).count() == 1
    client.force_login(people.indramayu_case_worker)
    assert client.get(reverse("registry:consent_scan", args=[consent.pk])).status_code == 404
    client.force_login(people.kupang_nobody)
    assert client.get(reverse("registry:consent_scan", args=[consent.pk])).status_code == 403


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), "PDF, JPEG atau PNG"),
        (SimpleUploadedFile("form.png", PNG + b"\x00" * SCAN_MAX_BYTES, content_type="image/png"), "paling besar"),
    ],
)
def test_it_refuses_a_scan_that_is_not_a_document_and_saves_nothing(
    client: Any, people: People, upload: Any, words: str
) -> None:
    person = make_person(people)
    client.force_login(people.kupang_case_worker)
    response = client.post(
        reverse("registry:consent_add", args=[person.pk]),
        {"purpose": "case_management", "signed_by": "person", "signed_on": today().isoformat(), "scan": upload},
    )
    assert response.status_code == 400
    assert words in str(response.context["form"].errors["scan"])
    assert not Consent.objects.exists()


def test_it_withdraws_a_consent_from_its_page(client: Any, people: People) -> None:
    consent = make_consent(people)
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:consent_withdraw", args=[consent.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"withdrawn_on": today().isoformat(), "note": "Pindah ke Malaysia"}).status_code == 302
    page = client.get(reverse("registry:consent_detail", args=[consent.pk])).content.decode()
    assert "Ditarik" in page
    assert "Pindah ke Malaysia" in page


def test_it_records_and_withdraws_consents_by_api(api_client: Any, people: People) -> None:
    person = make_person(people)
    api_client.force_authenticate(people.kupang_case_worker)
    bad = api_client.post(
        reverse("consent-list"),
        {"person": person.pk, "purpose": "data_sharing", "signed_on": today().isoformat()},
        format="json",
    )
    assert bad.status_code == 400
    assert "shared_with" in bad.json()["errors"]
    created = api_client.post(
        reverse("consent-list"),
        {
            "person": person.pk,
            "purpose": "data_sharing",
            "signed_on": today().isoformat(),
            "shared_with": [people.orgs.kupang_dinsos.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["in_force"] is True
    assert body["shared_with"] == [people.orgs.kupang_dinsos.pk]
    withdrawn = api_client.post(
        reverse("consent-withdraw", args=[body["id"]]), {"withdrawn_on": today().isoformat()}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["in_force"] is False
    assert api_client.delete(reverse("consent-detail", args=[body["id"]])).status_code in (403, 405)
    assert Consent.objects.filter(pk=body["id"]).exists()
    listed = api_client.get(reverse("consent-list"), {"person": person.pk, "in_force": "false"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_it_uploads_a_scan_by_api(api_client: Any, people: People) -> None:
    consent = make_consent(people)
    api_client.force_authenticate(people.kupang_case_worker)
    url = reverse("consent-upload-scan", args=[consent.pk])
    response = api_client.post(url, {"scan": SimpleUploadedFile("scan.png", PNG)}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["has_scan"] is True
    download = api_client.get(reverse("consent-scan", args=[consent.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"


def test_it_answers_404_to_indramayu_for_a_kupang_consent(client: Any, api_client: Any, people: People) -> None:
    consent = make_consent(people)
    client.force_login(people.indramayu_case_worker)
    for name, args in [
        ("registry:person_consents", [consent.person_id]),
        ("registry:consent_add", [consent.person_id]),
        ("registry:consent_detail", [consent.pk]),
        ("registry:consent_withdraw", [consent.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    api_client.force_authenticate(people.indramayu_case_worker)
    url = reverse("consent-withdraw", args=[consent.pk])
    assert api_client.post(url, {"withdrawn_on": today().isoformat()}, format="json").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_it_lists_the_consents_with_a_fixed_number_of_queries(client: Any, people: People) -> None:
    person = make_person(people)
    make_consent(people, person=person, purpose="data_sharing", shared_with=[people.orgs.kupang_dinsos])
    client.force_login(people.kupang_case_worker)
    url = reverse("registry:person_consents", args=[person.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url, **HTMX)
    for organisation in (people.orgs.directorate, people.orgs.kupang_lks, people.orgs.indramayu_dinsos):
        make_consent(
            people, person=person, purpose="data_sharing", shared_with=[organisation, people.orgs.kupang_dinsos]
        )
    with CaptureQueriesContext(connection) as several:
        client.get(url, **HTMX)
    assert len(one) == len(several), [query["sql"] for query in several.captured_queries]
