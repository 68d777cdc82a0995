"""What a page offers depends on where the user may act, not on whether they may act somewhere: a user who may change
records in their own regency but only view those elsewhere sees no edit button, and cannot add grants, elsewhere."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bangkit.accounts.models import Grant
from bangkit.accounts.roles import Role


def _edit_link(url_name: str, pk: int) -> str:
    return f'href="{reverse(url_name, args=[pk])}"'


def test_it_offers_to_change_an_organisation_only_inside_the_administrators_jurisdiction(
    client: Any, people: Any
) -> None:
    admin = people.kupang_admin
    Grant.objects.create(user=admin, role=Role.ANALYST, region=None)  # views organisations everywhere
    client.force_login(admin)

    elsewhere = client.get(reverse("accounts:organisation_detail", args=[people.orgs.indramayu_dinsos.pk]))
    assert elsewhere.status_code == 200
    assert elsewhere.context["can_change"] is False
    assert elsewhere.context["can_delete"] is False
    assert _edit_link("accounts:organisation_edit", people.orgs.indramayu_dinsos.pk) not in elsewhere.content.decode()
    edit = client.get(reverse("accounts:organisation_edit", args=[people.orgs.indramayu_dinsos.pk]))
    assert edit.status_code == 404

    own = client.get(reverse("accounts:organisation_detail", args=[people.orgs.kupang_lks.pk]))
    assert own.context["can_change"] is True
    assert _edit_link("accounts:organisation_edit", people.orgs.kupang_lks.pk) in own.content.decode()


def test_it_offers_to_change_users_and_their_grants_only_inside_the_jurisdiction(client: Any, people: Any) -> None:
    admin = people.kupang_admin
    Grant.objects.create(user=admin, role=Role.SUPERVISOR, region=None)  # views users everywhere
    client.force_login(admin)

    elsewhere = client.get(reverse("accounts:user_detail", args=[people.indramayu_case_worker.pk]))
    page = elsewhere.content.decode()
    assert elsewhere.status_code == 200
    assert (elsewhere.context["can_change"], elsewhere.context["can_grant"]) == (False, False)
    assert _edit_link("accounts:user_edit", people.indramayu_case_worker.pk) not in page
    assert reverse("accounts:grant_add", args=[people.indramayu_case_worker.pk]) not in page
    assert "grants/" not in page  # no revoke buttons either

    own = client.get(reverse("accounts:user_detail", args=[people.kupang_case_worker.pk]))
    page = own.content.decode()
    assert (own.context["can_change"], own.context["can_grant"]) == (True, True)
    assert _edit_link("accounts:user_edit", people.kupang_case_worker.pk) in page
    grant = people.kupang_case_worker.grants.get()
    assert reverse("accounts:grant_revoke", args=[grant.pk]) in page


def test_it_offers_no_changes_to_an_account_with_roles_wider_than_the_administrators_jurisdiction(
    client: Any, people: Any
) -> None:
    national = Grant.objects.create(user=people.kupang_case_worker, role=Role.ANALYST, region=None)
    client.force_login(people.kupang_admin)
    response = client.get(reverse("accounts:user_detail", args=[people.kupang_case_worker.pk]))
    page = response.content.decode()
    assert response.context["can_change"] is False  # saving would be refused: see services.user_save
    assert _edit_link("accounts:user_edit", people.kupang_case_worker.pk) not in page
    assert reverse("accounts:grant_revoke", args=[national.pk]) not in page
    kupang = people.kupang_case_worker.grants.get(role=Role.CASE_WORKER)
    assert reverse("accounts:grant_revoke", args=[kupang.pk]) in page


def test_it_does_not_let_an_administrator_grant_roles_to_a_user_they_may_only_view(client: Any, people: Any) -> None:
    admin = people.kupang_admin
    Grant.objects.create(user=admin, role=Role.SUPERVISOR, region=None)  # views users everywhere
    client.force_login(admin)
    target = people.indramayu_case_worker

    response = client.post(reverse("accounts:grant_add", args=[target.pk]), {"role": Role.ANALYST, "region": "53.01"})

    assert response.status_code == 404
    assert not target.grants.filter(role=Role.ANALYST).exists()


def test_it_forbids_adding_grants_to_a_user_who_may_view_users_but_grant_nothing(client: Any, people: Any) -> None:
    client.force_login(people.kupang_supervisor)
    url = reverse("accounts:grant_add", args=[people.kupang_nobody.pk])
    assert client.post(url, {"role": Role.CASE_WORKER, "region": "53.01"}).status_code == 403
    assert not people.kupang_nobody.grants.exists()
