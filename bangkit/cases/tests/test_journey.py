"""The issue's "done when", tried as a user would through the pages: a Kupang case worker opens a case for a
registered returnee, assesses, plans and submits; the Kupang supervisor approves; the case is monitored, terminated
with approval, and reopened with a reason. Indramayu users never see it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bangkit.accounts.testing import local_today
from bangkit.cases.choices import SRQ20_QUESTIONS, AtensiComponent, CaseEventKind, RiskFactor
from bangkit.cases.models import Case, CaseApproval
from bangkit.registry.testing import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}


def _assessment_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "assessed_on": timezone.localdate().isoformat(),
        "stress": "moderate",
        "depression": "mild",
        "isolation": "none",
        "family_situation": "strained",
        "psychosocial_note": "Sering menangis sejak pulang.",
        "health_note": "",
        "family_note": "Suami belum menerima kepulangan.",
        "debt_amount": "4500000",
        "debt_note": "Kepada perekrut",
        "summary": "Perlu dukungan keluarga dan pelatihan usaha.",
        "need_family_support": "on",
        "need_family_support_note": "Mediasi dengan suami",
        "need_vocational": "on",
        "risk_debt_trap": "on",
        "risk_debt_trap_note": "Utang kepada perekrut",
    }
    for number in range(1, len(SRQ20_QUESTIONS) + 1):
        form[f"srq_{number}"] = "1" if number in (1, 3, 5) else "0"
    form.update(overrides)
    return form


def _move(client: Any, case: Case, target: str, **data: Any) -> Any:
    case.refresh_from_db()
    return client.post(reverse("cases:case_transition", args=[case.pk, target]), {"expected_state": case.state, **data})


def test_it_takes_a_case_from_referral_to_termination_and_back(client: Any, api_client: Any, people: Any) -> None:
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    person = make_person(people, "kupang")
    client.force_login(worker)

    # The person's "Kasus" tab offers to open a case.
    tab = client.get(reverse("cases:person_cases", args=[person.pk]), **HTMX)
    assert tab.status_code == 200
    assert reverse("cases:case_open", args=[person.pk]) in tab.content.decode()

    response = client.post(
        reverse("cases:case_open", args=[person.pk]),
        {
            "category": "kpo",
            "referral_source": "bp3mi",
            "priority": "high",
            "organisation": people.orgs.kupang_lks.pk,
            "case_worker": worker.pk,
            "opened_on": timezone.localdate().isoformat(),
        },
    )
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert re.fullmatch(rf"KPO-53\.01-{timezone.localdate().year}-000001", case.number)
    assert case.region_id == "53.01"
    assert case.state == "referral_received"

    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "Mulai asesmen" in page.content.decode()

    assert _move(client, case, "assessment").status_code == 302
    response = client.post(reverse("cases:assessment_add", args=[case.pk]), _assessment_form())
    assert response.status_code == 302, response.context["form"].errors
    assessment = case.assessments.get()
    assert assessment.sequence == 1
    assert assessment.srq20_score == 3
    assert assessment.needs.count() == len(AtensiComponent.values)
    assert assessment.risk_factors.count() == len(RiskFactor.values)
    assert set(assessment.needs.filter(needed=True).values_list("component", flat=True)) == {
        "family_support",
        "vocational",
    }
    assert list(assessment.risk_factors.filter(present=True).values_list("factor", flat=True)) == ["debt_trap"]

    assert _move(client, case, "intervention_plan").status_code == 302
    response = client.post(
        reverse("cases:plan_line_add", args=[case.pk]),
        {
            "component": "vocational",
            "description": "Pelatihan membuat kue dan bantuan stimulan usaha",
            "responsible_organisation": people.orgs.kupang_dinsos.pk,
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ajukan rencana intervensi untuk disetujui" in page

    response = client.post(reverse("cases:case_submit", args=[case.pk, "plan"]), {"note": "Mohon persetujuan."})
    assert response.status_code == 302
    approval = CaseApproval.objects.get(case=case, kind="plan")
    assert approval.decision == "pending"

    # The case worker can neither take the step directly nor decide the request.
    assert _move(client, case, "intervention").status_code == 404
    assert client.get(reverse("cases:approval_detail", args=[approval.pk])).status_code == 403
    api_client.force_authenticate(worker)
    response = api_client.post(reverse("case-approval-decide", args=[approval.pk]), {"approve": True}, format="json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "intervention_plan"

    # The Kupang supervisor finds it among their pending approvals and approves it.
    client.force_login(supervisor)
    pending = client.get(reverse("cases:approval_list"))
    assert approval in pending.context["object_list"]
    response = client.post(reverse("cases:approval_detail", args=[approval.pk]), {"approve": "1", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "intervention"

    client.force_login(worker)
    assert _move(client, case, "monitoring").status_code == 302
    response = client.post(reverse("cases:case_submit", args=[case.pk, "termination"]), {"note": "Usaha berjalan."})
    assert response.status_code == 302
    termination = CaseApproval.objects.get(case=case, kind="termination")

    client.force_login(supervisor)
    response = client.post(reverse("cases:approval_detail", args=[termination.pk]), {"approve": "1", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "terminated"
    assert case.closed_on == local_today(people.kupang_supervisor)

    # Only a supervisor reopens, and only with a reason.
    client.force_login(worker)
    assert _move(client, case, "assessment", reason="Kambuh").status_code == 403
    client.force_login(supervisor)
    response = _move(client, case, "assessment", reason="")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = _move(client, case, "assessment", reason="Berniat berangkat lagi lewat jalur nonprosedural.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "assessment"
    assert case.closed_on is None

    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[0] == CaseEventKind.OPENED
    assert kinds[-1] == CaseEventKind.REOPENED
    assert kinds.count(CaseEventKind.APPROVAL_DECIDED) == 2
    timeline = client.get(reverse("cases:case_summary_tab", args=[case.pk]), **HTMX).content.decode()
    assert "Berniat berangkat lagi" in timeline
    assert "<html" not in timeline  # the htmx answer is the fragment alone


def test_it_answers_404_to_indramayu_users_for_a_kupang_case(client: Any, api_client: Any, people: Any) -> None:
    from bangkit.cases.testing import make_case

    case = make_case(people, "kupang")
    for user in (people.indramayu_case_worker, people.indramayu_supervisor):
        client.force_login(user)
        api_client.force_authenticate(user)
        for url in (
            case.get_absolute_url(),
            reverse("cases:case_summary_tab", args=[case.pk]),
            reverse("cases:case_notes", args=[case.pk]),
            reverse("cases:case_assessments", args=[case.pk]),
            reverse("cases:case_pdf", args=[case.pk]),
            reverse("cases:case_edit", args=[case.pk]),
            reverse("cases:case_transition", args=[case.pk, "assessment"]),
            reverse("cases:assessment_add", args=[case.pk]),
            reverse("cases:person_cases", args=[case.person_id]),
            reverse("cases:case_open", args=[case.person_id]),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("cases:note_add", args=[case.pk]), {"text": "x"}).status_code == 404
        assert api_client.get(reverse("case-detail", args=[case.pk])).status_code == 404
        response = api_client.post(reverse("case-transition", args=[case.pk]), {"target": "assessment"}, format="json")
        assert response.status_code == 404
        assert set(response.json()) == {"message", "errors"}
        response = api_client.post(reverse("case-note-list"), {"case": case.pk, "text": "Catatan"}, format="json")
        assert response.status_code == 400
        assert "case" in response.json()["errors"]
    case.refresh_from_db()
    assert case.state == "referral_received"
    assert not case.notes.exists()
