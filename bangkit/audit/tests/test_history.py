from __future__ import annotations

import json

import pytest
from auditlog.cid import correlation_id
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from rest_framework.test import APIClient

from bangkit.accounts.models import Organisation, OrganisationKind, User
from bangkit.audit.history import MASK, record_access, register_history, unregistered_domain_models
from bangkit.audit.tests.conftest import Cast
from bangkit.core.tests.encryption_app.models import SecretRecord

pytestmark = pytest.mark.django_db


def entries_for(obj: object) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "id"))


def test_it_gives_every_domain_model_history() -> None:
    """Every model of a bangkit app is registered with register_history, or exempted in HISTORY_EXEMPT."""
    assert unregistered_domain_models() == []


@pytest.mark.urls("bangkit.audit.tests.urls")
@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)  # the proxy's request id is kept
def test_it_records_a_change_made_through_a_request_with_actor_and_request_id(client: Client, cast: Cast) -> None:
    client.force_login(cast.kupang_worker)

    url = f"/organisations/{cast.kupang.pk}/rename/"
    response = client.post(url, {"name": "LKS Kupang Baru"}, headers={"X-Request-ID": "req-rename-01"})

    assert response.status_code == 200
    update = entries_for(cast.kupang)[-1]
    assert update.action == LogEntry.Action.UPDATE
    assert update.actor == cast.kupang_worker
    assert update.cid == "req-rename-01" == response["X-Request-ID"]
    assert update.remote_addr == "127.0.0.1"
    assert update.changes == {"name": ["LKS Kupang", "LKS Kupang Baru"]}


@pytest.mark.urls("bangkit.audit.tests.urls")
@pytest.mark.parametrize("headers", [{}, {"X-Request-ID": "not a valid id!"}], ids=["no header", "malformed header"])
def test_it_records_the_request_id_the_middleware_chose(client: Client, cast: Cast, headers: dict[str, str]) -> None:
    client.force_login(cast.kupang_worker)

    response = client.post(f"/organisations/{cast.kupang.pk}/rename/", {"name": "LKS Kupang Baru"}, headers=headers)

    assert entries_for(cast.kupang)[-1].cid == response["X-Request-ID"]


def test_it_records_create_update_and_delete_made_outside_a_request(cast: Cast) -> None:
    token = correlation_id.set("task-0001")
    try:
        with set_actor(cast.national_auditor):
            organisation = Organisation.objects.create(name="LKS Baru", kind=OrganisationKind.LKS, region_id="53.01")
            organisation.address = "Jl. Timor Raya 1"
            organisation.save()
            organisation_pk = organisation.pk
            organisation.delete()
    finally:
        correlation_id.reset(token)

    entries = list(LogEntry.objects.filter(object_pk=str(organisation_pk), content_type__model="organisation"))
    assert sorted(entry.action for entry in entries) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {entry.actor for entry in entries} == {cast.national_auditor}
    assert {entry.cid for entry in entries} == {"task-0001"}


def test_it_leaves_out_bookkeeping_fields(cast: Cast) -> None:
    created = entries_for(cast.kupang)[0]
    assert created.action == LogEntry.Action.CREATE
    assert "created_at" not in created.changes
    assert "updated_at" not in created.changes

    cast.kupang.save()  # only updated_at moves

    assert len(entries_for(cast.kupang)) == 1


def test_it_records_password_changes_masked_and_never_logins(cast: Cast) -> None:
    user = cast.kupang_worker
    assert entries_for(user)[0].changes["password"] == ["None", MASK]

    user.set_password("another-long-password")
    user.save()
    user_logged_in.send(sender=User, request=None, user=user)  # updates last_login

    assert len(entries_for(user)) == 2
    assert entries_for(user)[-1].changes == {"password": [MASK, MASK]}


def test_it_masks_sensitive_values_completely(cast: Cast) -> None:
    """User.phone is registered with mask_fields: no entry may hold any part of the number."""
    user = User.objects.create_user(
        email="masked@test.id",
        password="a-long-test-password",
        full_name="Masked",
        organisation=cast.kupang,
        phone="081234567890",
    )
    user.phone = "085298765432"
    user.save()
    user_pk = user.pk
    user.delete()

    entries = list(LogEntry.objects.filter(content_type__model="user", object_id=user_pk).order_by("timestamp", "id"))
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert [entry.changes["phone"] for entry in entries] == [["None", MASK], [MASK, MASK], [MASK, "None"]]
    stored = json.dumps([[entry.changes, entry.changes_text, entry.serialized_data] for entry in entries])
    for secret in ("081234567890", "085298765432", "67890", "65432"):
        assert secret not in stored


def test_it_always_masks_encrypted_fields_and_blind_indexes() -> None:
    register_history(SecretRecord)  # no mask_fields: the field types alone decide
    try:
        record = SecretRecord.objects.create(nik="5301084107900001", narrative="Dibawa ke Malaysia", phone="0812")
        index = record.nik_index
        record.nik, record.narrative = "5301084107900002", "Dibawa ke Batam"
        record.save()
        record_pk = record.pk
        record.delete()
    finally:
        auditlog.unregister(SecretRecord)

    entries = list(LogEntry.objects.filter(content_type__model="secretrecord", object_id=record_pk))
    assert len(entries) == 3
    assert {entry.changes["nik"][1] for entry in entries if entry.action == LogEntry.Action.CREATE} == {MASK}
    stored = json.dumps([entry.changes for entry in entries])
    for secret in ("5301084107900001", "5301084107900002", "Malaysia", "Batam", "0812", index):
        assert secret not in stored


def test_it_refuses_a_misspelt_field_name_so_that_nothing_leaks_by_typo() -> None:
    with pytest.raises(ImproperlyConfigured, match="adress"):
        register_history(Organisation, mask_fields=["adress"])


@pytest.mark.urls("bangkit.audit.tests.urls")
@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)  # the proxy's request id is kept
def test_it_records_who_viewed_a_sensitive_record(client: Client, cast: Cast) -> None:
    client.force_login(cast.kupang_worker)

    response = client.get(
        f"/organisations/{cast.kupang.pk}/", headers={"X-Request-ID": "req-view-0001"}, REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 200
    access = entries_for(cast.kupang)[-1]
    assert access.action == LogEntry.Action.ACCESS
    assert access.actor == cast.kupang_worker
    assert access.actor_email == "kupang.worker@test.id"
    assert access.cid == "req-view-0001"
    assert access.remote_addr == "10.1.2.3"
    assert access.object_repr == "LKS Kupang"


@pytest.mark.urls("bangkit.audit.tests.urls")
@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)  # the proxy's request id is kept
def test_it_records_the_api_caller_who_viewed_a_record(cast: Cast) -> None:
    """The API authenticates inside the view, after auditlog's middleware has taken the caller for anonymous."""
    api = APIClient()
    api.force_authenticate(cast.indramayu_worker)

    response = api.get(f"/api/organisations/{cast.indramayu.pk}/", headers={"X-Request-ID": "req-api-view-01"})

    assert response.status_code == 200
    access = entries_for(cast.indramayu)[-1]
    assert (access.action, access.actor, access.cid) == (
        LogEntry.Action.ACCESS,
        cast.indramayu_worker,
        "req-api-view-01",
    )


@pytest.mark.urls("bangkit.audit.tests.urls")
def test_it_records_no_access_when_the_view_does_not_show_the_record(client: Client, cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.kupang.pk).update(is_active=False)
    client.force_login(cast.kupang_worker)

    assert client.get(f"/organisations/{cast.kupang.pk}/").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_records_access_by_a_user_outside_a_request(cast: Cast) -> None:
    entry = record_access(cast.national_auditor, cast.indramayu)

    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == cast.national_auditor
    assert entries_for(cast.indramayu)[-1] == entry
    assert entry.changes is None
