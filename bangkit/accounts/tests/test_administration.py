"""Administrators manage organisations, users and grants inside their jurisdiction only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bangkit.accounts.models import Grant, Organisation, User
from bangkit.accounts.roles import Role


def _organisation_form(region: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "LKS Harapan Baru",
        "short_name": "",
        "kind": "lks",
        "region": region,
        "is_active": "on",
    } | overrides


def test_it_lets_an_administrator_add_an_organisation_in_their_regency(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.post(reverse("accounts:organisation_add"), _organisation_form("53.01.08"))
    organisation = Organisation.objects.get(name="LKS Harapan Baru")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.region_id == "53.01.08"


def test_it_refuses_an_organisation_outside_the_administrators_jurisdiction(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.post(reverse("accounts:organisation_add"), _organisation_form("32.12"))
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert not Organisation.objects.filter(name="LKS Harapan Baru").exists()


def test_it_explains_a_missing_name_and_saves_nothing(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.post(reverse("accounts:organisation_add"), _organisation_form("53.01", name=""))
    assert "name" in response.context["form"].errors
    assert Organisation.objects.count() == 4


def test_it_forbids_a_case_worker_to_add_organisations(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("accounts:organisation_add")).status_code == 403


def test_it_answers_404_when_editing_an_organisation_of_another_regency(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:organisation_edit", args=[people.orgs.indramayu_dinsos.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _organisation_form("53.01")).status_code == 404
    people.orgs.indramayu_dinsos.refresh_from_db()
    assert people.orgs.indramayu_dinsos.region_id == "32.12"


def _user_form(organisation: Organisation, **overrides: Any) -> dict[str, Any]:
    return {
        "email": "Maria.Tefa@Example.id",
        "full_name": "Maria Tefa",
        "organisation": organisation.pk,
        "phone": "",
        "language": "id",
        "is_active": "on",
        "password1": "tenun-ikat-kupang-1990",
        "password2": "tenun-ikat-kupang-1990",
    } | overrides


def test_it_creates_a_user_who_can_then_sign_in(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.post(reverse("accounts:user_add"), _user_form(people.orgs.kupang_lks))
    user = User.objects.get(email="maria.tefa@example.id")
    assert response.status_code == 302
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "maria.tefa@example.id", "password": "tenun-ikat-kupang-1990"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_it_rejects_mismatched_passwords_and_a_duplicate_email(client: Any, people: Any) -> None:
    users = User.objects.count()
    client.force_login(people.kupang_admin)
    response = client.post(
        reverse("accounts:user_add"),
        _user_form(people.orgs.kupang_lks, email=people.kupang_case_worker.email, password2="something-else-1"),
    )
    errors = response.context["form"].errors
    assert "email" in errors
    assert "password2" in errors
    assert User.objects.count() == users


def test_it_does_not_offer_organisations_of_another_regency(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.post(reverse("accounts:user_add"), _user_form(people.orgs.indramayu_dinsos))
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="maria.tefa@example.id").exists()


def test_it_grants_a_role_inside_the_jurisdiction(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    target = people.kupang_nobody
    response = client.post(
        reverse("accounts:grant_add", args=[target.pk]), {"role": Role.CASE_WORKER, "region": "53.01"}
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=target)
    assert (grant.role, grant.region_id, grant.granted_by) == (Role.CASE_WORKER, "53.01", people.kupang_admin)


def test_it_refuses_grants_beyond_the_administrators_jurisdiction(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_nobody.pk])
    for region in ("32.12", "53", ""):
        response = client.post(url, {"role": Role.CASE_WORKER, "region": region})
        assert response.status_code == 400, region
        assert response.context["grant_form"].errors["region"], region
    assert not Grant.objects.filter(user=people.kupang_nobody).exists()


def test_it_refuses_a_duplicate_grant_with_a_message(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_case_worker.pk])
    response = client.post(url, {"role": Role.CASE_WORKER, "region": "53.01"})
    assert response.status_code == 400
    assert response.context["grant_form"].non_field_errors() or response.context["grant_form"].errors
    assert Grant.objects.filter(user=people.kupang_case_worker).count() == 1


def test_it_does_not_let_administrators_grant_themselves_roles(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_admin.pk])
    response = client.post(url, {"role": Role.FINANCE_OFFICER, "region": "53.01"})
    assert response.status_code == 400
    assert not people.kupang_admin.grants.filter(role=Role.FINANCE_OFFICER).exists()


def test_it_revokes_a_grant_and_the_user_loses_access(client: Any, people: Any) -> None:
    grant = people.kupang_case_worker.grants.get()
    client.force_login(people.kupang_admin)
    assert client.post(reverse("accounts:grant_revoke", args=[grant.pk])).status_code == 302
    client.force_login(people.kupang_case_worker)
    assert client.get(reverse("accounts:organisation_list")).status_code == 403


def test_it_answers_404_for_revoking_a_grant_of_another_regency(client: Any, people: Any) -> None:
    grant = people.indramayu_case_worker.grants.get()
    client.force_login(people.kupang_admin)
    assert client.post(reverse("accounts:grant_revoke", args=[grant.pk])).status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_lets_a_national_administrator_grant_national_roles(client: Any, people: Any) -> None:
    client.force_login(people.national_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_nobody.pk])
    assert client.post(url, {"role": Role.ANALYST, "region": ""}).status_code == 302
    assert Grant.objects.get(user=people.kupang_nobody).region is None


def test_it_shows_the_kupang_case_worker_only_kupang_organisations(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("accounts:organisation_list"))
    names = {organisation.name for organisation in response.context["object_list"]}
    assert names == {"LKS Rumah Perempuan Kupang", "Dinas Sosial Kabupaten Kupang"}
    url = reverse("accounts:organisation_detail", args=[people.orgs.indramayu_dinsos.pk])
    assert client.get(url).status_code == 404


def test_it_filters_organisations_and_reports_bad_filter_input(client: Any, people: Any) -> None:
    client.force_login(people.national_admin)
    response = client.get(reverse("accounts:organisation_list"), {"q": "indramayu"})
    assert [o.name for o in response.context["object_list"]] == ["Dinas Sosial Kabupaten Indramayu"]
    response = client.get(reverse("accounts:organisation_list"), {"kind": "bank"})
    assert response.status_code == 200
    assert response.context["filterset"].errors["kind"]


def test_it_keeps_one_national_grant_per_role_in_the_database(people: Any) -> None:
    import pytest
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(user=people.national_analyst, role=Role.ANALYST, region=None)


def test_it_does_not_let_a_regional_administrator_take_over_a_wider_account(client: Any, people: Any) -> None:
    national = people.kupang_case_worker
    Grant.objects.create(user=national, role=Role.ANALYST, region=None)
    client.force_login(people.kupang_admin)
    url = reverse("accounts:user_edit", args=[national.pk])
    response = client.post(
        url, {"email": "taken@example.id", "full_name": "X", "organisation": national.organisation_id, "language": "id"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    national.refresh_from_db()
    assert national.email == "kupang.worker@test.id"


def test_it_never_lets_an_administrator_set_an_existing_users_password(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    response = client.get(reverse("accounts:user_edit", args=[people.kupang_nobody.pk]))
    assert "password1" not in response.context["form"].fields


def test_it_keeps_powerful_roles_for_national_administrators(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    url = reverse("accounts:grant_add", args=[people.kupang_nobody.pk])
    for role in (Role.AUDITOR, Role.ADMINISTRATOR, Role.FINANCE_OFFICER):
        response = client.post(url, {"role": role, "region": "53.01"})
        assert response.status_code == 400, role
    assert not Grant.objects.filter(user=people.kupang_nobody).exists()
    client.force_login(people.national_admin)
    assert client.post(url, {"role": Role.FINANCE_OFFICER, "region": "53.01"}).status_code == 302


def test_it_shows_an_administrator_the_change_history_on_organisation_and_user_pages(client: Any, people: Any) -> None:
    client.force_login(people.kupang_admin)
    client.post(
        reverse("accounts:organisation_edit", args=[people.orgs.kupang_lks.pk]),
        _organisation_form("53.01", name="LKS Rumah Perempuan Kupang Timur"),
    )

    organisation_page = client.get(people.orgs.kupang_lks.get_absolute_url()).content.decode()
    user_page = client.get(people.kupang_case_worker.get_absolute_url()).content.decode()

    assert "Riwayat perubahan" in organisation_page
    assert "LKS Rumah Perempuan Kupang Timur" in organisation_page
    assert "Kupang.Admin" in organisation_page or "Kupang Admin" in organisation_page
    assert "Riwayat perubahan" in user_page


def test_it_shows_a_case_worker_no_change_history_on_an_organisation_page(client: Any, people: Any) -> None:
    client.force_login(people.kupang_case_worker)

    page = client.get(people.orgs.kupang_lks.get_absolute_url()).content.decode()

    assert "Riwayat perubahan" not in page
