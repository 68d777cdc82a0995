"""The public safe-migration checklist: open to anyone, in Indonesian and English, it sets no cookie, loads nothing
from elsewhere, keeps nothing but a daily tally per province, and limits how often one client may submit it. And
the staff page that shows the tallies."""

from __future__ import annotations

import re
import threading
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import connection
from django.db.models import Sum
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangkit.prevention import checklist, ratelimit, services
from bangkit.prevention.checklist import OFFICIAL_CONTACTS, QUESTIONS, Level, assess
from bangkit.prevention.models import ChecklistUse
from bangkit.regions.models import Region

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
SAFE = {
    "agency": "yes",
    "sponsor": "no",
    "alone": "no",
    "documents": "yes",
    "contract": "yes",
    "registered": "yes",
    "offer": "no",
    "passport": "self",
    "fees": "no",
    "route": "no",
    "help_abroad": "yes",
}
URL = "/migrasi-aman/"
URL_EN = "/migrasi-aman/en/"


@pytest.fixture(autouse=True)
def fresh_allowance():
    """Each test starts with the full allowance of submissions (the count lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provinces(db):
    from bangkit.core.testing.regions import create_seed_regions

    return create_seed_regions()


def submit(client: Client, answers: dict[str, str] | None = None, url: str = URL, address: str = ADDRESS, **extra):
    return client.post(url, answers if answers is not None else SAFE, REMOTE_ADDR=address, **extra)


def _used() -> dict[str | None, int]:
    """Completed checklists per province code (None: not said), whatever the day."""
    return dict(ChecklistUse.objects.values_list("province").annotate(total=Sum("completed")).order_by())


# --- open to anyone, in two languages --------------------------------------------------------------------------


def test_the_short_address_needs_no_sign_in(client):
    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in page
    assert response["Content-Language"] == "id"
    assert 'name="agency"' in page
    assert 'method="post"' in page
    for question in QUESTIONS:
        assert str(question.text) in page
    assert "Command Center 171" in page


def test_it_reads_in_english_at_its_english_address(client):
    response = client.get(URL_EN)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert response["Content-Language"] == "en"
    assert f'action="{URL_EN}"' in page
    assert f'href="{URL}" hreflang="id"' in page


def test_the_address_not_the_language_cookie_decides_the_language(client):
    client.cookies["django_language"] = "en"

    assert '<html lang="id">' in client.get(URL).content.decode()


def test_its_answer_is_in_the_language_of_the_address(client, provinces):
    response = submit(client, url=URL_EN)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_it_loads_nothing_from_elsewhere_and_runs_no_script(client):
    response = client.get(URL)

    page = response.content.decode()
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert addresses
    assert all(address.startswith(("/", "#", "tel:")) for address in addresses), addresses
    assert "<script" not in page
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # none: default-src 'none' forbids every script
    assert response["Referrer-Policy"] == "no-referrer"


# --- no cookie, nothing personal kept --------------------------------------------------------------------------


def test_it_sets_no_cookie_when_read_or_answered(client, provinces):
    read = client.get(URL)
    answered = submit(client, {**SAFE, "province": "53"})
    refused = submit(client, {})

    for response in (read, answered, refused):
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response
    assert not client.cookies
    assert not Session.objects.exists()


def test_it_is_answered_without_a_csrf_token(provinces):
    strict = Client(enforce_csrf_checks=True)

    response = submit(strict)

    assert response.status_code == 200
    assert "Rencana Anda tampak sesuai jalur resmi" in response.content.decode()
    assert "csrfmiddlewaretoken" not in strict.get(URL).content.decode()


def test_no_browser_or_proxy_keeps_a_copy_of_the_answer(client, provinces):
    response = submit(client)

    assert "no-store" in response["Cache-Control"]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.managed}


def test_an_answer_leaves_only_one_more_in_the_tally(client, provinces):
    before = _row_counts()

    submit(client, {**SAFE, "fees": "yes", "province": "53"})

    after = _row_counts()
    changed = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    assert changed == {"prevention.ChecklistUse": 1}  # no history entry, no session, nothing else
    assert [field.name for field in ChecklistUse._meta.concrete_fields] == ["id", "day", "province", "completed"]
    assert _used() == {"53": 1}


def test_the_rate_limit_keeps_no_address(client, provinces):
    submit(client, address=ADDRESS)
    submit(client, address="2001:db8:0:1::7")

    stored: Any = caches["default"]._cache  # type: ignore[attr-defined]  # LocMemCache: key → pickled value
    assert stored
    for text in (ADDRESS, "2001:db8", "2001:0db8"):
        assert not any(text in key or text.encode() in value for key, value in stored.items())


# --- the tally -------------------------------------------------------------------------------------------------


def test_each_completed_checklist_counts_once_for_the_chosen_province_or_none(client, provinces):
    submit(client, {**SAFE, "province": "53"})
    submit(client, {**SAFE, "province": "53"})
    submit(client, {**SAFE, "province": "32"})
    submit(client, SAFE)

    assert _used() == {"53": 2, "32": 1, None: 1}
    assert ChecklistUse.objects.get(province=None).day == services.checklist_day(None)
    assert ChecklistUse.objects.filter(province="53").get().day == services.checklist_day(provinces["53"])


def test_an_unfinished_checklist_is_not_counted_and_says_what_is_missing(client, provinces):
    response = submit(client, {"agency": "yes", "province": "53"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada pertanyaan yang belum dijawab" in page
    assert "Pilih salah satu jawaban." in page
    assert response.context["form"]["agency"].value() == "yes"  # what was answered stays answered
    assert not ChecklistUse.objects.exists()


def test_only_a_province_may_be_chosen(client, provinces):
    response = submit(client, {**SAFE, "province": "53.01"})

    assert response.context["form"].errors["province"]
    assert not ChecklistUse.objects.exists()
    with pytest.raises(ValueError, match="not a province"):
        services.checklist_use_record(province=provinces["53.01"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_visitors_lose_no_count() -> None:
    from bangkit.core.testing.regions import create_seed_regions

    ntt = create_seed_regions()["53"]
    visitors, each = 8, 5
    barrier = threading.Barrier(visitors)
    failures: list[BaseException] = []

    def visit(province: Region | None) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(each):
                services.checklist_use_record(province=province)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit, args=(ntt if number % 2 else None,)) for number in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert _used() == {"53": visitors // 2 * each, None: visitors // 2 * each}


# --- the rate limit --------------------------------------------------------------------------------------------


def test_a_client_that_submits_too_often_is_asked_politely_to_wait(client, provinces):
    answers = [submit(client, {**SAFE, "province": "53"}).status_code for _ in range(ratelimit.SUBMISSIONS_PER_WINDOW)]

    refused = submit(client, {**SAFE, "province": "53"})
    elsewhere = submit(client, address="203.0.113.9")

    assert answers == [200] * ratelimit.SUBMISSIONS_PER_WINDOW
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "Mohon tunggu sebentar" in page
    assert "Command Center 171" in page  # help stays one tap away
    assert 0 < int(refused["Retry-After"]) <= ratelimit.WINDOW_SECONDS
    assert not refused.cookies
    assert elsewhere.status_code == 200
    assert _used() == {"53": ratelimit.SUBMISSIONS_PER_WINDOW, None: 1}
    assert client.get(URL).status_code == 200  # reading the questions is never limited


def test_the_allowance_is_whole_again_in_the_next_window(rf):
    request = rf.post(URL, REMOTE_ADDR=ADDRESS)
    start = 1_800_000_000.0 - 1_800_000_000.0 % ratelimit.WINDOW_SECONDS

    spent = [ratelimit.spend_a_submission(request, now=start + 1) for _ in range(ratelimit.SUBMISSIONS_PER_WINDOW + 1)]

    assert spent[-1] is False
    assert ratelimit.spend_a_submission(request, now=start + ratelimit.WINDOW_SECONDS) is True
    assert ratelimit.seconds_left(start + 1) == ratelimit.WINDOW_SECONDS - 1


def test_the_addresses_of_one_ipv6_network_share_an_allowance(client, provinces):
    for number in range(ratelimit.SUBMISSIONS_PER_WINDOW):
        submit(client, address=f"2001:db8:0:1::{number + 1:x}")

    assert submit(client, address="2001:db8:0:1::ffff").status_code == 429
    assert submit(client, address="2001:db8:0:2::1").status_code == 200


@override_settings(BANGKIT_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_allowance(client, provinces):
    proxy = "10.0.0.2"
    for _ in range(ratelimit.SUBMISSIONS_PER_WINDOW):
        submit(client, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")

    # A client cannot escape by writing its own X-Forwarded-For: the proxy appends the address it saw.
    assert submit(client, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code == 429
    assert submit(client, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


# --- the advice ------------------------------------------------------------------------------------------------


def test_safe_answers_get_a_plain_all_clear(client, provinces):
    page = submit(client).content.decode()

    assert "Rencana Anda tampak sesuai jalur resmi" in page
    assert "Yang perlu Anda perhatikan" not in page
    assert "Telepon 110" in page
    assert 'href="tel:171"' in page


def test_signs_of_trafficking_get_a_warning_and_advice_for_each(client, provinces):
    risky = {**SAFE, "agency": "no", "passport": "other", "fees": "yes", "registered": "unsure"}

    page = submit(client, risky).content.decode()

    assert "Tanda bahaya: jangan berangkat dulu" in page
    by_key = {question.key: question for question in QUESTIONS}
    for key in ("agency", "passport", "fees", "registered"):
        assert str(by_key[key].advice) in page
    assert str(by_key["route"].advice) not in page


def test_the_verdict_weighs_the_answers():
    assert assess(SAFE).level is Level.SAFE
    assert assess(SAFE).concerns == ()
    unsure = assess({**SAFE, "registered": "unsure", "offer": "yes"})
    assert unsure.level is Level.CAUTION
    assert [question.key for question in unsure.concerns] == ["registered", "offer"]
    for key, answer in [("sponsor", "yes"), ("documents", "no"), ("route", "yes"), ("passport", "other")]:
        assert assess({**SAFE, key: answer}).level is Level.DANGER, key


def test_every_risky_or_dangerous_answer_is_one_the_question_offers():
    for question in QUESTIONS:
        offered = {value for value, _label in question.choices}
        assert question.risky <= offered, question.key
        assert question.dangerous <= question.risky, question.key


def test_the_official_contacts_name_the_services_and_only_numbers_we_are_sure_of():
    names = " ".join(str(contact.name) for contact in OFFICIAL_CONTACTS)
    for service in ("BP2MI / KP2MI", "Command Center 171", "Polisi", "Safe Travel"):
        assert service in names
    assert {contact.phone for contact in OFFICIAL_CONTACTS if contact.phone} == {"110", "171", "129"}
    assert checklist.OFFICIAL_CONTACTS is OFFICIAL_CONTACTS


# --- the staff page --------------------------------------------------------------------------------------------


def _tally(provinces: dict[str, Region]) -> None:
    for day, province, completed in [
        (date(2025, 3, 4), "53", 4),
        (date(2025, 3, 20), "53", 3),
        (date(2025, 11, 1), "53", 1),
        (date(2025, 3, 5), "32", 9),
        (date(2025, 7, 5), None, 2),
        (date(2024, 7, 5), "53", 100),
    ]:
        ChecklistUse.objects.create(day=day, province=provinces.get(province or ""), completed=completed)


def test_analysts_see_the_uses_per_province_and_month(client, people):
    _tally(people.regions)
    client.force_login(people.national_analyst)

    response = client.get(reverse("prevention:overview"), {"year": 2025})

    uses = response.context["uses"]
    assert response.status_code == 200
    assert [(row.province_name, row.months[2], row.months[10], row.total) for row in uses.rows] == [
        ("Jawa Barat", 9, 0, 9),
        ("Nusa Tenggara Timur", 7, 1, 8),
        ("", 0, 0, 2),
    ]
    assert uses.total == 19
    assert "Tidak disebutkan" in response.content.decode()
    assert response.context["years"] == sorted({2024, 2025, date.today().year}, reverse=True)


def test_a_regency_program_officer_sees_the_uses_of_their_province_only(client, people):
    _tally(people.regions)
    client.force_login(people.kupang_program_officer)

    response = client.get(reverse("prevention:overview"), {"year": 2025})

    assert [row.province_code for row in response.context["uses"].rows] == ["53"]
    assert "Tidak disebutkan" not in response.content.decode()


def test_the_overview_is_for_program_officers_and_analysts(client, people):
    url = reverse("prevention:overview")
    assert reverse("account_login") in client.get(url)["Location"]
    client.force_login(people.kupang_case_worker)
    assert client.get(url).status_code == 403


def test_the_overview_shows_the_head_counts_per_province_or_regency(client, people):
    from bangkit.prevention.testing import make_headcount, venue_today

    make_headcount(people, women=10, men=5)
    make_headcount(people, "indramayu", women=7, men=3, youths=0, former_migrants=0)
    client.force_login(people.national_analyst)
    year = venue_today("kupang").year

    provinces = client.get(reverse("prevention:overview"), {"year": year}).context
    regencies = client.get(reverse("prevention:overview"), {"year": year, "by": "regency"}).context

    assert [(total.region_code, total.total) for total in provinces["totals"]] == [("32", 10), ("53", 15)]
    assert provinces["totals_sum"]["total"] == 25
    assert [total.region_name for total in regencies["totals"]] == ["Kabupaten Indramayu", "Kabupaten Kupang"]


def test_the_overview_costs_a_fixed_number_of_queries(client, people):
    from bangkit.prevention.testing import make_headcount

    client.force_login(people.national_analyst)
    url = reverse("prevention:overview")
    today = services.checklist_day(None)
    make_headcount(people)
    ChecklistUse.objects.create(day=today, province=people.regions["53"], completed=3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for province in (people.regions["32"], people.regions["35"], None):
        ChecklistUse.objects.create(day=today, province=province, completed=5)
    make_headcount(people, "indramayu")
    make_headcount(people)
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"by": "regency"})

    # The user and their grants, the years, the two tables (the head counts' with their regions' names), and the
    # session's save.
    assert len(few) == len(more) == 10, [query["sql"] for query in more.captured_queries]
