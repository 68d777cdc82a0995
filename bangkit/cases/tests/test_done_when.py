"""Issue 3's "Done when", tried end to end as new users would: each user signs in through the login page in a
browser of their own, reads the pages and submits their forms as a browser does (every field the page sends, the CSRF
token, the region picker's selects), and the API parts go through the REST API.

* A Kupang case worker registers a returnee with a valid NIK, a bank account and a migration history, opens a case,
  records an assessment, gets the plan approved by the Kupang supervisor and closes it (termination, approved too).
* An Indramayu user gets 404 on that person and case, by UI and API.
* A spreadsheet with errors is previewed, reported and imported as chosen.
* Two near-duplicate records are merged with their history intact.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
import xlsxwriter
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from bangkit.accounts.models import User
from bangkit.accounts.testing import TEST_PASSWORD, People, local_today
from bangkit.cases.choices import SRQ20_QUESTIONS
from bangkit.cases.models import Case, CaseApproval
from bangkit.dataimport.models import ImportJob
from bangkit.regions.nik import build_nik, mask_nik
from bangkit.registry.models import BankAccount, DuplicatePair, MigrationStay, Person

pytestmark = pytest.mark.django_db

TARUS = ["53", "53.01", "53.01.08", "53.01.08.1007"]  # what the region picker's four selects send for Kelurahan Tarus
MARIA_NIK = build_nik("53.01.08", date(1990, 7, 1), "F", 1)  # 5301084107900001
MARIA_ACCOUNT = "0123-01-000001-50-1"


# --- A browser ------------------------------------------------------------------------------------------------------


@dataclass
class Control:
    tag: str  # input, select or textarea
    type: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class PageForm:
    action: str  # resolved against the page's URL
    method: str
    controls: list[Control] = field(default_factory=list)

    def named(self, name: str) -> list[Control]:
        return [control for control in self.controls if control.name == name]

    def successful(self) -> dict[str, list[str]]:
        """What a browser sends when the user changes nothing (HTML's "successful controls")."""
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if control.disabled or control.type in ("submit", "button", "reset", "image", "file"):
                continue
            if control.type in ("checkbox", "radio"):
                if control.checked:
                    data.setdefault(control.name, []).append(control.value)
            elif control.tag == "select":
                chosen = [value for value, selected in control.options if selected]
                if not chosen and not control.multiple and control.options:
                    chosen = [control.options[0][0]]
                data.setdefault(control.name, []).extend(chosen)
            else:
                data.setdefault(control.name, []).append(control.value)
        return data


class FormParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: Control | None = None
        self.option: list[Any] | None = None  # [value or None, text, selected]
        self.textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.form = PageForm(
                action=urljoin(self.url, attributes.get("action") or ""),
                method=(attributes.get("method") or "get").lower(),
            )
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        if tag == "option" and self.select is not None:
            self.option = [attributes.get("value"), "", "selected" in attributes]
            return
        name = attributes.get("name")
        if tag not in ("input", "select", "textarea") or not name:
            return
        control = Control(
            tag=tag,
            type=(attributes.get("type") or "text").lower() if tag == "input" else tag,
            name=name,
            value=attributes.get("value") or "",
            checked="checked" in attributes,
            disabled="disabled" in attributes,
            multiple="multiple" in attributes,
        )
        if control.type in ("checkbox", "radio") and "value" not in attributes:
            control.value = "on"
        self.form.controls.append(control)
        if tag == "select":
            self.select = control
        elif tag == "textarea":
            self.textarea = control

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option[1] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.option is not None and self.select is not None:
            value, text, selected = self.option
            self.select.options.append((value if value is not None else text.strip(), selected))
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one line break that follows <textarea>.
            self.textarea.value = self.textarea.value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.form = None


def page_url(response: Any) -> str:
    query = response.request.get("QUERY_STRING", "")
    return response.request["PATH_INFO"] + (f"?{query}" if query else "")


def text_of(response: Any) -> str:
    """The page as a user reads it: tags dropped, entities decoded, whitespace collapsed."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", content)))


def links_to(response: Any, url: str) -> bool:
    """Whether the page offers `url` as a link (or as the URL htmx loads into it)."""
    content = response.content.decode()
    return f'href="{escape(url)}"' in content or f'hx-get="{escape(url)}"' in content


class Browser:
    """One user at one computer: a client that enforces CSRF as a real server does, signed in through the login
    page. Form submissions send what the page's form sends, changed only where the user types or clicks; the work a
    real server does after each commit (background tasks, duplicate checks) runs as it would."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        login = self.open(reverse("account_login"))
        response = self.submit(login, action=reverse("account_login"), login=user.email, password=TEST_PASSWORD)
        assert response.status_code == 302, text_of(response)[:2000]
        assert f"Berhasil masuk sebagai {user.full_name}." in text_of(self.follow(response))

    def open(self, url: str, *, htmx: bool = False, status: int = 200) -> Any:
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code)
        return response

    def follow(self, response: Any, *, htmx: bool = False) -> Any:
        """The page a redirect leads to."""
        assert response.status_code == 302, (response.status_code, text_of(response)[:3000])
        return self.open(response["Location"], htmx=htmx)

    def form(self, page: Any, action: str | None = None) -> PageForm:
        """The page's POST form sent to `action` (default: the page's own URL)."""
        url = page_url(page)
        wanted = urljoin(url, action) if action is not None else url
        forms = [form for form in page_forms(page) if form.method == "post" and form.action == wanted]
        assert len(forms) == 1, f"{len(forms)} forms post to {wanted} on {url}: {[f.action for f in page_forms(page)]}"
        return forms[0]

    def submit(self, page: Any, *, action: str | None = None, files: dict[str, Any] | None = None, **typed: Any) -> Any:
        """Fills the page's form as the user would and sends it.

        `typed` maps a field's name to what the user enters: a string (typed, or the option or radio button
        chosen), a list (several checkboxes or options; the region picker's selects), True / False to tick or
        untick a single checkbox. A name the form does not have, or an option it does not offer, fails the test:
        a user could not have sent it.
        """
        form = self.form(page, action)
        data = form.successful()
        for name, value in typed.items():
            controls = form.named(name)
            assert controls, f"the form has no field {name!r}; it has {sorted({c.name for c in form.controls})}"
            kind = controls[0].type
            if value is True or value is False:
                assert kind == "checkbox", name
                data.pop(name, None)
                if value:
                    data[name] = [controls[0].value]
                continue
            values = [str(item) for item in value] if isinstance(value, list) else [str(value)]
            if kind in ("checkbox", "radio"):
                offered = {control.value for control in controls}
                assert set(values) <= offered, f"{name}: {values} not among {sorted(offered)}"
            elif kind == "select" and not isinstance(value, list):
                offered = {option for option, _ in controls[0].options}
                assert values[0] in offered, f"{name}: {values[0]!r} not among {sorted(offered)}"
            data[name] = values
        for name, upload in (files or {}).items():
            assert any(control.type == "file" for control in form.named(name)), f"no file field {name!r}"
            data[name] = upload
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(form.action, data)

    def post(self, url: str, data: dict[str, Any] | None = None) -> Any:
        """A request the page does not offer (typed by hand), with the session's CSRF token as a page would send."""
        token = self.client.cookies["csrftoken"].value
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, {"csrfmiddlewaretoken": token, **(data or {})})


def page_forms(page: Any) -> list[PageForm]:
    parser = FormParser(page_url(page))
    parser.feed(page.content.decode())
    return parser.forms


def api_for(user: User) -> APIClient:
    client = APIClient()
    assert client.login(email=user.email, password=TEST_PASSWORD)
    return client


# --- Steps every story takes ----------------------------------------------------------------------------------------


def register_person(browser: Browser, **typed: Any) -> Person:
    """People → "Daftarkan orang" → the form → the person's page."""
    people_list = browser.open(reverse("registry:person_list"))
    assert links_to(people_list, reverse("registry:person_add"))
    form = browser.open(reverse("registry:person_add"))
    response = browser.submit(form, **typed)
    assert response.status_code == 302, text_of(response)[:3000]
    person = Person.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert response["Location"] == person.get_absolute_url()
    return person


def register_maria(browser: Browser) -> Person:
    return register_person(
        browser,
        full_name="Maria Goreti Bria",
        sex="F",
        birth_date="1990-07-01",
        nik="5301 0841 0790 0001",  # as copied from her KTP, in groups
        region=TARUS,
        street="Jl. Timor Raya km 12, RT 005/RW 002",
        marital_status="married",
        education="sd",
    )


def add_bank_account(browser: Browser, person: Person) -> BankAccount:
    tab = browser.open(reverse("registry:person_bank_accounts", args=[person.pk]), htmx=True)
    assert "Belum ada rekening." in text_of(tab)
    add_url = reverse("registry:bankaccount_add", args=[person.pk])
    assert links_to(tab, add_url)
    response = browser.submit(
        browser.open(add_url), bank="002", account_number=MARIA_ACCOUNT, holder_name="MARIA G. BRIA"
    )
    assert response.status_code == 302, text_of(response)[:3000]
    assert response["Location"] == f"{person.get_absolute_url()}?tab=bank_accounts"
    return BankAccount.objects.get(person=person)


def add_migration_stay(browser: Browser, person: Person, **typed: Any) -> MigrationStay:
    tab = browser.open(reverse("registry:person_migration", args=[person.pk]), htmx=True)
    add_url = reverse("registry:migrationstay_add", args=[person.pk])
    assert links_to(tab, add_url)
    before = set(MigrationStay.objects.filter(person=person).values_list("pk", flat=True))
    response = browser.submit(
        browser.open(add_url),
        **{
            "country": "MY",
            "city": "Kota Kinabalu",
            "work_sector": "plantation",
            "employer": "Ladang Sawit Sabah",
            "recruiting_agency": "Calo kampung",
            "agency_licensed": "no",
            "departure_route": "non_procedural",
            "documents_held": ["visit_visa"],
            "departed_on": "2016-03-14",
            "returned_on": "2019-08-02",
            "return_mode": "deported",
            "debarkation_point": "Nunukan",
            "referred_by": "bp3mi",
            **typed,
        },
    )
    assert response.status_code == 302, text_of(response)[:3000]
    assert response["Location"] == f"{person.get_absolute_url()}?tab=migration"
    return MigrationStay.objects.filter(person=person).exclude(pk__in=before).get()


def open_case(browser: Browser, person: Person) -> Case:
    """The person's "Kasus" tab → "Buka kasus" → the form, with its defaults (the worker's organisation, themself
    as case worker, today) → the case's page."""
    tab = browser.open(reverse("cases:person_cases", args=[person.pk]), htmx=True)
    assert "Belum ada kasus." in text_of(tab)
    open_url = reverse("cases:case_open", args=[person.pk])
    assert links_to(tab, open_url)
    response = browser.submit(browser.open(open_url), category="kpo", referral_source="bp3mi", priority="high")
    assert response.status_code == 302, text_of(response)[:3000]
    case = Case.objects.get(person=person)
    assert response["Location"] == case.get_absolute_url()
    return case


_STEP_BUTTON = re.compile(r'<a class="btn btn-sm[^"]*" href="([^"]+)">\s*<i[^>]*></i>\s*([^<]+?)\s*</a>')


def step_buttons(browser: Browser, case: Case) -> dict[str, str]:
    """The case page's workflow buttons: label → the URL they open."""
    page = browser.open(case.get_absolute_url())
    return {unescape(label): unescape(url) for url, label in _STEP_BUTTON.findall(page.content.decode())}


def take_step(browser: Browser, case: Case, label: str, **typed: Any) -> Any:
    """Clicks the case page's workflow button `label` and sends the form behind it."""
    buttons = step_buttons(browser, case)
    assert label in buttons, f"no button {label!r} on the case page, only {list(buttons)}"
    response = browser.submit(browser.open(buttons[label]), **typed)
    assert response.status_code == 302, text_of(response)[:3000]
    return response


def assessment_answers(user: User) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "assessed_on": local_today(user).isoformat(),
        "stress": "moderate",
        "depression": "mild",
        "isolation": "mild",
        "family_situation": "strained",
        "psychosocial_note": "Sering menangis sejak dideportasi.",
        "family_note": "Suami belum menerima kepulangannya.",
        "debt_amount": "4500000",
        "debt_note": "Kepada perekrut",
        "summary": "Perlu dukungan keluarga dan pelatihan usaha.",
        "need_family_support": True,
        "need_family_support_note": "Mediasi dengan suami",
        "need_vocational": True,
        "risk_debt_trap": True,
        "risk_debt_trap_note": "Utang kepada perekrut",
        "risk_non_procedural_remigration": True,
    }
    for number in range(1, len(SRQ20_QUESTIONS) + 1):
        answers[f"srq_{number}"] = "1" if number in (1, 3, 5) else "0"
    return answers


def decide(browser: Browser, approval: CaseApproval, *, approve: bool, note: str = "") -> Any:
    """The supervisor's "Persetujuan" list → the request → the decision form."""
    pending = browser.open(reverse("cases:approval_list"))
    detail_url = reverse("cases:approval_detail", args=[approval.pk])
    assert links_to(pending, detail_url)
    response = browser.submit(browser.open(detail_url), approve="1" if approve else "0", note=note)
    assert response.status_code == 302, text_of(response)[:3000]
    return response


# --- Fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture
def worker(people: People) -> Browser:
    """The Kupang case worker (LKS Rumah Perempuan Kupang), signed in."""
    return Browser(people.kupang_case_worker)


@pytest.fixture
def supervisor(people: People) -> Browser:
    """The Kupang supervisor (Dinas Sosial Kabupaten Kupang), signed in."""
    return Browser(people.kupang_supervisor)


# --- 1. Registering a returnee --------------------------------------------------------------------------------------


def test_a_kupang_case_worker_registers_a_returnee_with_nik_account_and_migration_history(
    people: People, worker: Browser
) -> None:
    # A NIK whose birth date contradicts the one entered is refused on the field, and nothing is saved.
    form = worker.open(reverse("registry:person_add"))
    response = worker.submit(
        form, full_name="Maria Goreti Bria", sex="F", birth_date="1990-07-02", nik=MARIA_NIK, region=TARUS
    )
    assert response.status_code == 200
    assert "Tanggal lahir tidak cocok dengan NIK, yang menunjukkan 01-07-1990." in text_of(response)
    assert "nik" in response.context["form"].errors
    assert not Person.objects.exists()

    maria = register_maria(worker)
    assert Person.objects.filter_exact(nik=MARIA_NIK).get() == maria
    assert (maria.region_id, maria.organisation) == ("53.01.08.1007", people.orgs.kupang_lks)

    page = worker.open(maria.get_absolute_url())
    shown = text_of(page)
    assert "Maria Goreti Bria" in shown
    assert "Tarus" in shown
    assert MARIA_NIK in shown  # a case worker may see the NIK in clear, and that view is logged...
    assert LogEntry.objects.get_for_object(maria).filter(action=LogEntry.Action.ACCESS, actor=worker.user).exists()
    assert page["Cache-Control"].startswith("no-store")
    # ...a programme officer of Kupang sees the same page with the NIK masked.
    officer_page = text_of(Browser(people.kupang_program_officer).open(maria.get_absolute_url()))
    assert mask_nik(MARIA_NIK) in officer_page
    assert MARIA_NIK not in officer_page
    # The page's tabs include the bank accounts, the migration history and the cases.
    for url in (
        reverse("registry:person_bank_accounts", args=[maria.pk]),
        reverse("registry:person_migration", args=[maria.pk]),
        reverse("cases:person_cases", args=[maria.pk]),
    ):
        assert links_to(page, url), url

    account = add_bank_account(worker, maria)
    assert (account.bank_id, account.account_number, account.status, account.is_primary) == (
        "002",
        "012301000001501",
        "unverified",
        True,
    )
    assert not account.name_mismatch  # "MARIA G. BRIA" is her name, abbreviated
    page = worker.open(f"{maria.get_absolute_url()}?tab=bank_accounts")
    assert f'hx-get="{reverse("registry:person_bank_accounts", args=[maria.pk])}" hx-trigger="load"' in (
        page.content.decode()
    )
    tab = text_of(worker.open(reverse("registry:person_bank_accounts", args=[maria.pk]), htmx=True))
    assert "BRI ***********1501" in tab  # masked: a case worker may not see account numbers
    assert "012301000001501" not in tab
    assert "Belum diverifikasi" in tab
    assert "Nomor rekening disamarkan untuk peran Anda." in tab

    stay = add_migration_stay(worker, maria)
    assert (stay.country.code, stay.departed_on, stay.returned_on, stay.departure_route, stay.return_mode) == (
        "MY",
        date(2016, 3, 14),
        date(2019, 8, 2),
        "non_procedural",
        "deported",
    )
    assert stay.documents_held == ["visit_visa"]
    tab = text_of(worker.open(reverse("registry:person_migration", args=[maria.pk]), htmx=True))
    assert "Malaysia, Kota Kinabalu" in tab
    assert "14-03-2016 – 02-08-2019" in tab
    assert "Nonprosedural · Dideportasi · debarkasi Nunukan" in tab


# --- 2. Her case, from referral to termination ----------------------------------------------------------------------


def test_the_case_goes_from_referral_to_termination_with_the_supervisors_approval(
    people: People, worker: Browser, supervisor: Browser
) -> None:
    maria = register_maria(worker)
    case = open_case(worker, maria)
    assert case.state == "referral_received"
    assert (case.region_id, case.organisation, case.case_worker) == (
        "53.01",
        people.orgs.kupang_lks,
        people.kupang_case_worker,
    )
    assert case.priority == "high"
    page = worker.open(case.get_absolute_url())
    shown = text_of(page)
    assert case.number in shown
    assert "Rujukan diterima" in shown
    assert mask_nik(MARIA_NIK) in shown  # the case file shows the NIK masked, to everyone
    assert MARIA_NIK not in shown

    take_step(worker, case, "Mulai asesmen")
    case.refresh_from_db()
    assert case.state == "assessment"

    tab = worker.open(reverse("cases:case_assessments", args=[case.pk]), htmx=True)
    add_url = reverse("cases:assessment_add", args=[case.pk])
    assert links_to(tab, add_url)
    response = worker.submit(worker.open(add_url), **assessment_answers(worker.user))
    assert response.status_code == 302, text_of(response)[:3000]
    assessment = case.assessments.get()
    assert (assessment.sequence, assessment.srq20_score, assessment.debt_amount) == (1, 3, 4_500_000)
    assert set(assessment.needs.filter(needed=True).values_list("component", flat=True)) == {
        "family_support",
        "vocational",
    }
    assert set(assessment.risk_factors.filter(present=True).values_list("factor", flat=True)) == {
        "debt_trap",
        "non_procedural_remigration",
    }
    assert "Asesmen ke-1" in text_of(worker.open(reverse("cases:case_assessments", args=[case.pk]), htmx=True))

    take_step(worker, case, "Susun rencana intervensi")
    tab = worker.open(reverse("cases:case_plan", args=[case.pk]), htmx=True)
    add_url = reverse("cases:plan_line_add", args=[case.pk])
    assert links_to(tab, add_url)
    response = worker.submit(
        worker.open(add_url),
        component="vocational",
        description="Pelatihan membuat kue dan bantuan stimulan usaha",
        responsible_organisation=str(people.orgs.kupang_dinsos.pk),
        due_on=(local_today(worker.user) + timedelta(days=30)).isoformat(),
    )
    assert response.status_code == 302, text_of(response)[:3000]

    take_step(worker, case, "Ajukan rencana intervensi untuk disetujui", note="Mohon persetujuan.")
    case.refresh_from_db()
    assert case.state == "intervention_plan"  # not before the supervisor approves
    plan = CaseApproval.objects.get(case=case, kind="plan", decision="pending")
    shown = text_of(worker.open(case.get_absolute_url()))
    assert "Menunggu persetujuan supervisor: Rencana intervensi" in shown
    assert "Periksa dan putuskan" not in shown

    # The case worker who submitted may not approve: not through the page, not by hand, not through the API.
    worker.open(reverse("cases:approval_detail", args=[plan.pk]), status=403)
    assert worker.post(reverse("cases:approval_detail", args=[plan.pk]), {"approve": "1"}).status_code == 403
    worker.open(reverse("cases:approval_list"), status=403)
    assert worker.post(reverse("cases:case_transition", args=[case.pk, "intervention"])).status_code == 404
    response = api_for(people.kupang_case_worker).post(
        reverse("case-approval-decide", args=[plan.pk]), {"approve": True}, format="json"
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    case.refresh_from_db()
    assert (plan.decision, case.state) == ("pending", "intervention_plan")

    # The Kupang supervisor finds the request, reads the plan and approves it.
    detail = text_of(supervisor.open(reverse("cases:approval_detail", args=[plan.pk])))
    assert "Pelatihan membuat kue dan bantuan stimulan usaha" in detail
    assert "Mohon persetujuan." in detail
    response = decide(supervisor, plan, approve=True)
    assert response["Location"] == f"{case.get_absolute_url()}?tab=summary"
    case.refresh_from_db()
    assert case.state == "intervention"

    take_step(worker, case, "Mulai pemantauan")
    take_step(worker, case, "Ajukan terminasi untuk disetujui", note="Usaha kue berjalan, keluarga mendukung.")
    termination = CaseApproval.objects.get(case=case, kind="termination")
    case.refresh_from_db()
    assert case.state == "monitoring"
    worker.open(reverse("cases:approval_detail", args=[termination.pk]), status=403)

    decide(supervisor, termination, approve=True, note="Tujuan tercapai.")
    case.refresh_from_db()
    assert case.state == "terminated"
    assert case.closed_on == local_today(people.kupang_supervisor)

    # What the case worker sees afterwards: a terminated case she can no longer move, and its whole history.
    page = worker.open(case.get_absolute_url())
    shown = text_of(page)
    assert "Terminasi" in shown
    assert f"Selesai {local_today(people.kupang_supervisor):%d-%m-%Y}" in shown
    assert step_buttons(worker, case) == {}  # reopening is the supervisor's
    timeline = worker.open(reverse("cases:case_summary_tab", args=[case.pk]), htmx=True)
    shown = text_of(timeline)
    for what in (
        "Kasus dibuka",
        "Tahap berubah",
        "Asesmen dicatat",
        "Rencana intervensi diubah",
        "Diajukan untuk persetujuan",
        "Persetujuan diputuskan",
        "Usaha kue berjalan, keluarga mendukung.",
        "Tujuan tercapai.",
    ):
        assert what in shown, what
    assert "Rencana intervensi — Disetujui Diajukan oleh Kupang Worker" in shown
    assert "Terminasi — Disetujui Diajukan oleh Kupang Worker" in shown
    assert "Diputuskan oleh Kupang Supervisor" in shown
    cases_tab = text_of(worker.open(reverse("cases:person_cases", args=[maria.pk]), htmx=True))
    assert f"{case.number} Terminasi" in cases_tab


# --- 3. Indramayu sees none of it -----------------------------------------------------------------------------------


def test_an_indramayu_user_gets_404_on_that_person_and_case_by_ui_and_api(people: People, worker: Browser) -> None:
    maria = register_maria(worker)
    add_bank_account(worker, maria)
    stay = add_migration_stay(worker, maria)
    case = open_case(worker, maria)
    account = BankAccount.objects.get(person=maria)

    # The Kupang case worker herself reaches all of it (so the 404s below are about jurisdiction, not broken links).
    kupang_api = api_for(people.kupang_case_worker)
    assert kupang_api.get(reverse("person-detail", args=[maria.pk])).status_code == 200
    assert kupang_api.get(reverse("case-detail", args=[case.pk])).status_code == 200

    for user in (people.indramayu_case_worker, people.indramayu_supervisor):
        browser = Browser(user)
        for url in (
            maria.get_absolute_url(),
            reverse("registry:person_edit", args=[maria.pk]),
            reverse("registry:person_bank_accounts", args=[maria.pk]),
            reverse("registry:person_migration", args=[maria.pk]),
            reverse("registry:bankaccount_detail", args=[account.pk]),
            reverse("registry:migrationstay_detail", args=[stay.pk]),
            reverse("cases:person_cases", args=[maria.pk]),
            reverse("cases:case_open", args=[maria.pk]),
            case.get_absolute_url(),
            reverse("cases:case_summary_tab", args=[case.pk]),
            reverse("cases:case_pdf", args=[case.pk]),
        ):
            browser.open(url, status=404)
        assert browser.post(reverse("cases:case_transition", args=[case.pk, "assessment"])).status_code == 404
        # Nor does either show up in their lists or in an exact search by her NIK.
        assert "Maria" not in text_of(browser.open(reverse("registry:person_list")))
        assert case.number not in text_of(browser.open(reverse("cases:case_list")))
        found = browser.submit(browser.open(reverse("registry:person_list")), nik=MARIA_NIK)
        assert found.status_code == 200
        assert "Maria" not in text_of(found)

        api = api_for(user)
        for url in (
            reverse("person-detail", args=[maria.pk]),
            reverse("bankaccount-detail", args=[account.pk]),
            reverse("migrationstay-detail", args=[stay.pk]),
            reverse("case-detail", args=[case.pk]),
        ):
            response = api.get(url)
            assert response.status_code == 404, url
            assert response.json() == {"message": "Tidak ditemukan.", "errors": {}}
        response = api.patch(reverse("case-detail", args=[case.pk]), {"priority": "low"}, format="json")
        assert response.status_code == 404
        assert maria.pk not in [row["id"] for row in api.get(reverse("person-list")).json()["results"]]
        assert case.pk not in [row["id"] for row in api.get(reverse("case-list")).json()["results"]]

    case.refresh_from_db()
    assert (case.state, case.priority) == ("referral_received", "high")


# --- 4. A spreadsheet with errors -----------------------------------------------------------------------------------

HEADER = ["No", "Nama Lengkap", "NIK", "JK", "Tgl Lahir", "Kode Wilayah", "Bank", "No Rekening", "Negara", "Tgl Pulang"]


def sheet_rows() -> list[list[Any]]:
    """Three good rows and three with one mistake each (spreadsheet rows 2–7)."""
    return [
        [1, "Agustina Benu", build_nik("53.01.08", date(1993, 3, 3), "F", 5), "P", "03-03-1993", "53.01.08.1007",
         "BRI", "0123-01-000005-50-1", "Malaysia", "02-08-2019"],  # 2: valid
        [2, "Obed Tefa", build_nik("53.01.08", date(1992, 4, 9), "M", 3), "L", date(1992, 4, 9), "53.01.08.1007",
         "BNI", "0234567891", "Malaysia", "2 Agt 2019"],  # 3: valid, birth date as an Excel date
        [3, "Dorkas Lay", "5301084107901", "P", "01-07-1990", "53.01.08.1007",
         "BRI", "0123-01-000003-50-1", "Malaysia", "02-08-2019"],  # 4: NIK 13 digits long
        [4, "Naomi Selan", build_nik("53.01.08", date(1991, 1, 1), "F", 4), "P", "01-01-1991", "53.01.08.9999",
         "BRI", "0123-01-000004-50-1", "Malaysia", "02-08-2019"],  # 5: no such village
        [5, "Lodia Kase", build_nik("53.01.08", date(1994, 4, 4), "F", 6), "P", "31-02-1994", "53.01.08.1007",
         "BRI", "0123-01-000006-50-1", "Malaysia", "02-08-2019"],  # 6: 31 February
        [6, "Ruth Ndun", build_nik("53.01.08", date(1995, 12, 24), "F", 7), "P", "24-12-1995", "53.01.08.1007",
         "Mandiri", "1230004567890", "Malaysia", "02-08-2019"],  # 7: valid
    ]  # fmt: skip


VALID_NAMES = ["Agustina Benu", "Obed Tefa", "Ruth Ndun"]


def xlsx(rows: list[list[Any]]) -> bytes:
    """The file as a district office keeps it in Excel: dates typed as text or as date cells."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Peserta")
    date_cell = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(line, column, value, date_cell)
            elif isinstance(value, int):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, value)
    workbook.close()
    return out.getvalue()


def upload(browser: Browser, content: bytes) -> tuple[ImportJob, Any]:
    """Imports → "Unggah spreadsheet" → the file → the job's page once the check (a background task) is done."""
    jobs = browser.open(reverse("dataimport:job_list"))
    assert links_to(jobs, reverse("dataimport:job_upload"))
    form = browser.open(reverse("dataimport:job_upload"))
    response = browser.submit(form, files={"file": SimpleUploadedFile("peserta-tarus.xlsx", content)})
    assert response.status_code == 302, text_of(response)[:3000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url()
    return job, browser.follow(response)


def problem_rows(page: Any) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the preview's problem table."""
    body = page.content.decode().split("Masalah per baris dan kolom", 1)[1].split("</tbody>", 1)[0]
    lines = []
    for row in re.findall(r"<tr class=\"table-[a-z]+\">(.*?)</tr>", body, flags=re.S):
        cells = [
            re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        lines.append((cells[0], cells[1], cells[3]))
    return lines


def test_a_spreadsheet_with_errors_is_previewed_reported_and_only_its_valid_rows_imported(
    people: People, worker: Browser
) -> None:
    job, preview = upload(worker, xlsx(sheet_rows()))
    job.refresh_from_db()
    assert job.state == "validated", job.error_message
    shown = text_of(preview)
    assert "Baris data 6" in shown
    assert "Baris valid 3" in shown
    assert "Baris bermasalah 3" in shown
    assert not Person.objects.exists()  # nothing is saved before the user chooses

    # Every problem, by spreadsheet row and by the column as the file names it.
    assert problem_rows(preview) == [
        ("4", "NIK", "Kesalahan: NIK harus 16 digit, bukan 13."),
        ("5", "Kode Wilayah", "Kesalahan: Kode wilayah 53.01.08.9999 tidak ada dalam data wilayah."),
        ("6", "Tgl Lahir", "Kesalahan: Tanggal “31-02-1994” tidak ada di kalender."),
    ]

    # The report to take back to the office lists the same problems.
    response = worker.open(reverse("dataimport:job_report", args=[job.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    report = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    lines = report.get_sheet_by_index(0).to_python()
    assert lines[0] == ["Baris", "Kolom", "Nilai", "Tingkat", "Kode", "Pesan"]
    assert [(line[0], line[1], line[2], line[5]) for line in lines[1:]] == [
        (4, "NIK", "*********7901", "NIK harus 16 digit, bukan 13."),  # even a broken NIK is masked
        (5, "Kode Wilayah", "53.01.08.9999", "Kode wilayah 53.01.08.9999 tidak ada dalam data wilayah."),
        (6, "Tgl Lahir", "31-02-1994", "Tanggal “31-02-1994” tidak ada di kalender."),
    ]

    # "Import the valid rows".
    assert "Jangan impor apa pun sampai berkas diperbaiki" in shown
    response = worker.submit(preview, action=reverse("dataimport:job_confirm", args=[job.pk]))
    result = worker.follow(response)
    job.refresh_from_db()
    assert job.state == "imported", job.error_message
    assert "Diimpor: 3 orang, 3 rekening bank, 3 riwayat migrasi, 0 nomor telepon." in text_of(result)

    assert sorted(Person.objects.values_list("full_name", flat=True)) == VALID_NAMES
    assert BankAccount.objects.count() == MigrationStay.objects.count() == 3
    obed = Person.objects.get(full_name="Obed Tefa")
    assert (obed.sex, obed.birth_date, obed.region_id) == ("M", date(1992, 4, 9), "53.01.08.1007")
    assert BankAccount.objects.get(person=obed).bank_id == "009"
    assert MigrationStay.objects.get(person=obed).returned_on == date(2019, 8, 2)
    # The imported people are in the case worker's list like anyone registered by hand.
    listed = text_of(worker.open(reverse("registry:person_list")))
    assert all(name in listed for name in VALID_NAMES)


def test_a_spreadsheet_with_errors_imports_nothing_until_fixed_when_so_chosen(people: People, worker: Browser) -> None:
    job, preview = upload(worker, xlsx(sheet_rows()))
    assert len(problem_rows(preview)) == 3
    response = worker.submit(preview, action=reverse("dataimport:job_cancel", args=[job.pk]))
    result = worker.follow(response)
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert "Impor dibatalkan; tidak ada data yang disimpan." in text_of(result)
    assert not links_to(result, reverse("dataimport:job_confirm", args=[job.pk]))
    assert (Person.objects.count(), BankAccount.objects.count(), MigrationStay.objects.count()) == (0, 0, 0)
    # Nor can the cancelled job be imported afterwards.
    worker.post(reverse("dataimport:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert not Person.objects.exists()

    # The fixed file goes through whole.
    fixed = sheet_rows()
    fixed[2][2] = build_nik("53.01.08", date(1990, 7, 1), "F", 9)
    fixed[3][5] = "53.01.08.1007"
    fixed[4][4] = "04-04-1994"
    job, preview = upload(worker, xlsx(fixed))
    assert "Baris valid 6" in text_of(preview)
    assert "Masalah per baris dan kolom" not in text_of(preview)
    worker.submit(preview, action=reverse("dataimport:job_confirm", args=[job.pk]))
    assert Person.objects.count() == 6


# --- 5. Two records of one man, merged -----------------------------------------------------------------------------


def test_two_near_duplicate_records_are_merged_with_their_history_intact(
    people: People, worker: Browser, supervisor: Browser
) -> None:
    born = date(1988, 3, 2)
    # Yohanes, registered with his NIK and his first stay abroad...
    yohanes = register_person(
        worker,
        full_name="Yohanes Nahak",
        sex="M",
        birth_date=born.isoformat(),
        nik=build_nik("53.01.08", born, "M", 11),
        region=TARUS,
    )
    first_stay = add_migration_stay(
        worker,
        yohanes,
        city="Tawau",
        work_sector="construction",
        departure_route="procedural",
        documents_held=["passport", "work_visa"],
        departed_on="2010-05-01",
        returned_on="2012-05-01",
        return_mode="self_returned",
        debarkation_point="",
        referred_by="self",
    )
    # ...and again when BP3MI referred him after a deportation: no papers, his name spelled the Dutch way, the stay
    # he was deported from, and a case.
    johanes = register_person(worker, full_name="Johanes Nahak", sex="M", birth_date=born.isoformat(), region=TARUS)
    second_stay = add_migration_stay(worker, johanes)
    case = open_case(worker, johanes)
    take_step(worker, case, "Mulai asesmen")
    events_before = list(case.events.order_by("at", "id").values_list("kind", "summary"))

    # The supervisor finds the pair on the duplicate review screen...
    listing = supervisor.open(reverse("registry:duplicate_list"))
    pair = DuplicatePair.objects.get(first=yohanes, second=johanes)
    detail_url = reverse("registry:duplicate_detail", args=[pair.pk])
    assert links_to(listing, detail_url)
    assert "Yohanes Nahak" in text_of(listing)
    assert "Johanes Nahak" in text_of(listing)
    # ...and compares the two records side by side (case workers do not resolve duplicates).
    worker.open(detail_url, status=403)
    comparison = supervisor.open(detail_url)
    shown = text_of(comparison)
    assert "Nama mirip" in shown
    assert "tanggal lahir sama" in shown
    assert "Riwayat migrasi 1 1" in shown  # one stay abroad on each record

    # Keep Yohanes's record (with the NIK) and his spelling.
    response = supervisor.submit(
        comparison, action=reverse("registry:duplicate_merge", args=[pair.pk]), survivor="first", keep_full_name="first"
    )
    assert response.status_code == 302, text_of(response)[:3000]
    assert response["Location"] == yohanes.get_absolute_url()
    assert "Kedua data digabung" in text_of(supervisor.follow(response))
    pair.refresh_from_db()
    johanes.refresh_from_db()
    yohanes.refresh_from_db()
    assert (pair.status, johanes.merged_into_id, yohanes.full_name) == ("merged", yohanes.pk, "Yohanes Nahak")

    # The surviving record holds both records' links: both stays abroad, and the case opened on the other record.
    stays = text_of(worker.open(reverse("registry:person_migration", args=[yohanes.pk]), htmx=True))
    assert "Malaysia, Tawau" in stays
    assert "Malaysia, Kota Kinabalu" in stays
    cases_tab = text_of(worker.open(reverse("cases:person_cases", args=[yohanes.pk]), htmx=True))
    assert case.number in cases_tab
    case.refresh_from_db()
    assert case.person_id == yohanes.pk
    assert (
        f'href="{yohanes.get_absolute_url()}">Yohanes Nahak</a>'
        in worker.open(case.get_absolute_url()).content.decode()
    )

    # The case keeps every earlier event, and its timeline says the person's records were merged.
    events_after = list(case.events.order_by("at", "id").values_list("kind", "summary"))
    assert events_after[: len(events_before)] == events_before
    assert [kind for kind, _ in events_after[len(events_before) :]] == ["merged"]
    timeline = text_of(worker.open(reverse("cases:case_summary_tab", args=[case.pk]), htmx=True))
    assert "Kasus dibuka" in timeline
    assert "Data orang digabung" in timeline

    # The merged record is still there, read-only, pointing to the survivor...
    merged_page = worker.open(johanes.get_absolute_url())
    assert "Data ini sudah digabung ke data lain." in text_of(merged_page)
    assert links_to(merged_page, yohanes.get_absolute_url())
    worker.open(reverse("registry:person_edit", args=[johanes.pk]), status=404)
    # ...and so is its history, from registration to the merge, in the audit log.
    auditor = Browser(people.national_auditor)
    log = auditor.open(f"{reverse('audit:log')}?record_type=registry.person&record_id={johanes.pk}")
    assert {row.entry.object_pk for row in log.context["rows"]} == {str(johanes.pk)}
    shown = text_of(log)
    assert f"Kupang Worker LKS Rumah Perempuan Kupang Dibuat Orang Johanes Nahak #{johanes.pk}" in shown
    assert "Kupang Supervisor Dinas Sosial Kabupaten Kupang Diubah Orang Johanes Nahak" in shown
    assert "Digabung ke : — → menjadi Yohanes Nahak" in shown
    # Each stay's page shows its own history: the moved one, recorded on Johanes's record and moved at the merge.
    history = text_of(auditor.open(reverse("registry:migrationstay_detail", args=[second_stay.pk])))
    assert "Riwayat perubahan" in history
    assert "Kupang Supervisor · Diubah Orang : Johanes Nahak → menjadi Yohanes Nahak" in history
    assert "Kupang Worker · Dibuat ID" in history
    first_stay.refresh_from_db()
    second_stay.refresh_from_db()
    assert first_stay.person_id == second_stay.person_id == yohanes.pk
