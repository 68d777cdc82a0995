"""`manage.py load_demo` gives a demo user a small, realistic registry of Kabupaten Kupang and Kabupaten Indramayu."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from bangkit.accounts.demo import demo_email, load_demo_accounts
from bangkit.accounts.models import User
from bangkit.accounts.roles import Role
from bangkit.core.scoping import covers
from bangkit.core.testing.regions import create_seed_regions
from bangkit.regions.nik import parse_nik
from bangkit.registry.choices import BankAccountStatus, DuplicateStatus
from bangkit.registry.demo import DEMO_PEOPLE, DEMO_PEOPLE_BY_KEY, DEMO_REQUEST_ID, district_of, find_demo_person
from bangkit.registry.models import (
    BankAccount,
    Consent,
    DuplicatePair,
    IdentityDocument,
    MigrationStay,
    Person,
    Phone,
    TraffickingIdentification,
)
from bangkit.registry.selectors.duplicates import candidates_for, resolvable_pairs
from bangkit.registry.selectors.people import people_visible_to, person_find_exact
from bangkit.registry.services.duplicates import duplicate_pair_merge

KUPANG = {spec.full_name for spec in DEMO_PEOPLE if spec.regency == "53.01"}
INDRAMAYU = {spec.full_name for spec in DEMO_PEOPLE if spec.regency == "32.12"}


def load_demo(capture: Any) -> str:
    """Runs the command as `make run` does; the duplicate check runs once the loader's transaction commits."""
    output = StringIO()
    with capture(execute=True):
        call_command("load_demo", stdout=output)
    return output.getvalue()


def demo_user(slug: str, role: str) -> User:
    return User.objects.get(email=demo_email(slug, role))


def registry_counts() -> tuple[int, ...]:
    models = (
        Person,
        Phone,
        BankAccount,
        Consent,
        MigrationStay,
        IdentityDocument,
        TraffickingIdentification,
        DuplicatePair,
    )
    return (*(model.objects.count() for model in models), LogEntry.objects.count())


@pytest.fixture
def demo(db: None, django_capture_on_commit_callbacks: Any) -> str:
    create_seed_regions()
    return load_demo(django_capture_on_commit_callbacks)


def test_it_loads_a_small_registry_mostly_in_kupang(demo: str) -> None:
    assert "[registry] 18 demo people (18 new)" in demo
    assert Person.objects.count() == 18
    assert len(KUPANG) == 12
    assert len(INDRAMAYU) == 6
    assert MigrationStay.objects.filter(country="MY", debarkation_point="Nunukan", return_mode="deported").count() >= 6
    assert TraffickingIdentification.objects.filter(outcome="confirmed").count() == 4
    # Deportees without papers: one knows only her age, one was typed again at another office.
    assert set(Person.objects.filter(nik=None).values_list("full_name", flat=True)) == {"Orpa Selan", "Juliana Benu"}
    assert Person.objects.get(full_name="Orpa Selan").birth_date_estimated


def test_it_adds_nothing_when_loaded_again(demo: str, django_capture_on_commit_callbacks: Any) -> None:
    counts = registry_counts()

    output = load_demo(django_capture_on_commit_callbacks)

    assert "[registry] 18 demo people (0 new)" in output
    assert registry_counts() == counts


def test_it_gives_each_person_a_nik_of_their_district_sex_and_birth_date(demo: str) -> None:
    for spec in DEMO_PEOPLE:
        person = find_demo_person(spec)
        assert person is not None, spec.full_name
        # Where they live: their village, or as near to it as the regions loaded allow (the tests have few villages).
        assert covers(frozenset({spec.regency}), person.region_id)
        assert spec.village.startswith(person.region_id)
        if spec.nik is None:
            continue
        info = parse_nik(person.nik or "")
        assert (info.district_code, info.sex, info.birth_date) == (
            district_of(spec.village),
            person.sex,
            person.birth_date,
        ), spec.full_name


def test_it_shows_a_kupang_case_worker_the_kupang_people_and_hides_them_from_indramayu(demo: str, client: Any) -> None:
    kupang_worker = demo_user("lks-rpk", Role.CASE_WORKER)
    indramayu_worker = demo_user("dinsos-indramayu", Role.CASE_WORKER)

    assert {person.full_name for person in people_visible_to(kupang_worker)} == KUPANG
    assert {person.full_name for person in people_visible_to(indramayu_worker)} == INDRAMAYU
    maria_nik = DEMO_PEOPLE_BY_KEY["maria-ndun"].nik or ""
    assert [person.full_name for person in person_find_exact(kupang_worker, nik=maria_nik)] == ["Maria Yasinta Ndun"]
    assert person_find_exact(indramayu_worker, nik=maria_nik) == []

    client.force_login(indramayu_worker)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert "Casmirah" in page
    assert "Maria Yasinta Ndun" not in page
    maria = find_demo_person(DEMO_PEOPLE_BY_KEY["maria-ndun"])
    assert maria is not None
    assert client.get(reverse("registry:person_detail", args=[maria.pk])).status_code == 404


def test_it_offers_the_same_woman_typed_twice_for_review(demo: str, client: Any) -> None:
    yuliana = find_demo_person(DEMO_PEOPLE_BY_KEY["yuliana-benu"])
    juliana = find_demo_person(DEMO_PEOPLE_BY_KEY["juliana-benu"])
    assert yuliana is not None
    assert juliana is not None
    supervisor = demo_user("dinsos-kupang", Role.SUPERVISOR)

    pairs = list(resolvable_pairs(supervisor).filter(status=DuplicateStatus.OPEN))

    assert [(pair.first, pair.second) for pair in pairs] == [(yuliana, juliana)]
    assert {reason["code"] for reason in pairs[0].reasons} >= {"name_birth"}
    report = candidates_for(demo_user("lks-rpk", Role.CASE_WORKER), yuliana)
    assert [candidate.other for candidate in report.visible] == [juliana]
    assert not resolvable_pairs(demo_user("dinsos-indramayu", Role.SUPERVISOR)).exists()
    client.force_login(supervisor)
    page = client.get(reverse("registry:duplicate_list")).content.decode()
    assert "Yuliana Benu" in page
    assert "Juliana Benu" in page


def test_it_verifies_most_accounts_and_leaves_the_doubtful_ones_to_check(demo: str) -> None:
    accounts = {account.person.full_name: account for account in BankAccount.objects.select_related("person")}

    unverified = {name for name, account in accounts.items() if account.status == BankAccountStatus.UNVERIFIED}
    assert unverified == {"Agustina Seran", "Dorkas Nomleni"}
    assert [name for name, account in accounts.items() if account.name_mismatch] == ["Agustina Seran"]
    assert {account.bank.short_name for account in accounts.values()} >= {"Bank NTT", "BRI", "BJB"}
    verifiers = {account.verified_by.email for account in accounts.values() if account.verified_by is not None}
    assert verifiers == {
        demo_email("dinsos-kupang", Role.FINANCE_OFFICER),
        demo_email("dinsos-indramayu", "finance_officer"),
    }
    # The passbook spells "Nurhayati" in one word, or adds her father's name: still her account.
    assert not accounts["Nur Hayati"].name_mismatch
    assert not accounts["Wartini"].name_mismatch


def test_it_records_consents_including_a_guardians_and_a_withdrawal(demo: str) -> None:
    child = Consent.objects.filter(person__full_name="Marselina Tanaem")
    assert {consent.signed_by for consent in child} == {"guardian"}
    assert {consent.guardian_name for consent in child} == {"Yosefina Tanaem"}
    withdrawn = Consent.objects.get(withdrawn_on__isnull=False)
    assert (withdrawn.person.full_name, withdrawn.purpose) == ("Melkianus Boimau", "statistics")
    assert Consent.objects.get(person__full_name="Maria Yasinta Ndun", purpose="data_sharing").shared_with_any


def test_it_names_the_demo_user_who_registered_each_person_in_the_history(demo: str) -> None:
    maria = find_demo_person(DEMO_PEOPLE_BY_KEY["maria-ndun"])
    created = LogEntry.objects.get_for_object(maria).get(action=LogEntry.Action.CREATE)
    assert created.actor == demo_user("lks-rpk", Role.CASE_WORKER)
    assert created.cid == DEMO_REQUEST_ID
    verified = LogEntry.objects.get_for_object(BankAccount.objects.get(person=maria)).latest("timestamp")
    assert verified.actor == demo_user("dinsos-kupang", Role.FINANCE_OFFICER)


def test_it_adds_nobody_again_after_the_pair_was_merged(demo: str, django_capture_on_commit_callbacks: Any) -> None:
    pair = DuplicatePair.objects.get()
    duplicate_pair_merge(actor=demo_user("dinsos-kupang", Role.SUPERVISOR), pair=pair, survivor=pair.second_id)
    counts = registry_counts()

    output = load_demo(django_capture_on_commit_callbacks)

    assert "[registry] 18 demo people (0 new)" in output
    assert registry_counts() == counts


def test_it_leaves_out_the_people_of_a_demo_user_who_was_deactivated(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    create_seed_regions()
    load_demo_accounts()
    User.objects.filter(email=demo_email("rsbm-tunas-mandiri", Role.CASE_WORKER)).update(is_active=False)

    output = load_demo(django_capture_on_commit_callbacks)

    assert "[registry] 16 demo people (16 new)" in output
    assert "2 demo people left out" in output
    assert not Person.objects.filter(full_name__in=["Casmirah", "Karsinah"]).exists()

    User.objects.filter(email=demo_email("rsbm-tunas-mandiri", Role.CASE_WORKER)).update(is_active=True)
    output = load_demo(django_capture_on_commit_callbacks)

    assert "[registry] 18 demo people (2 new)" in output
    assert Person.objects.count() == 18
