"""The workflow's rules as the services apply them: which steps exist, who takes them, and races."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bangkit.cases.choices import CaseEventKind
from bangkit.cases.models import Case, CaseApproval
from bangkit.cases.services import care
from bangkit.cases.services.cases import (
    approval_decide,
    case_assign,
    case_reopen,
    case_submit_for_approval,
    case_transition,
)
from bangkit.cases.testing import make_case
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError


def _to_plan(people: Any, case: Case) -> Case:
    worker = people.kupang_case_worker
    case_transition(actor=worker, case=case, target="assessment")
    care.assessment_record(actor=worker, case=case)
    case_transition(actor=worker, case=case, target="intervention_plan")
    care.plan_line_add(actor=worker, case=case, component="vocational", description="Pelatihan usaha")
    return case


def test_it_refuses_a_step_the_table_does_not_have_with_a_clear_message(people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        case_transition(actor=people.kupang_case_worker, case=case, target="monitoring")
    assert refused.value.field == "target"
    assert "Rujukan diterima" in refused.value.message
    assert "Pemantauan" in refused.value.message
    case.refresh_from_db()
    assert case.state == "referral_received"
    assert not case.events.filter(kind=CaseEventKind.TRANSITION).exists()


def test_it_refuses_an_unknown_target(people: Any) -> None:
    case = make_case(people)
    with pytest.raises(ServiceError, match="tidak dapat dipindah"):
        case_transition(actor=people.kupang_case_worker, case=case, target="nowhere")


def test_it_refuses_to_take_a_step_that_needs_approval_directly(people: Any) -> None:
    case = _to_plan(people, make_case(people))
    with pytest.raises(ServiceError, match="memerlukan persetujuan supervisor"):
        case_transition(actor=people.kupang_supervisor, case=case, target="intervention")
    assert Case.objects.get(pk=case.pk).state == "intervention_plan"


def test_it_needs_an_assessment_before_the_plan_and_a_plan_line_before_submitting(people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    case_transition(actor=worker, case=case, target="assessment")
    with pytest.raises(ServiceError, match="asesmen"):
        case_transition(actor=worker, case=case, target="intervention_plan")
    care.assessment_record(actor=worker, case=case)
    case_transition(actor=worker, case=case, target="intervention_plan")
    with pytest.raises(ServiceError, match="belum berisi kegiatan"):
        case_submit_for_approval(actor=worker, case=case, kind="plan")
    assert not CaseApproval.objects.exists()


def test_it_refuses_a_step_taken_on_a_state_the_user_no_longer_sees(people: Any) -> None:
    """Two users saw the case in "assessment"; the first moved it on, the second's step is refused."""
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    case = make_case(people)
    case_transition(actor=worker, case=case, target="assessment")
    care.assessment_record(actor=worker, case=case)
    stale = Case.objects.get(pk=case.pk)
    case_transition(actor=supervisor, case=case, target="intervention_plan")
    with pytest.raises(ServiceError, match="baru saja diubah oleh pengguna lain"):
        case_transition(actor=worker, case=stale, target="closed", reason="Pindah", closure_reason="moved")
    case.refresh_from_db()
    assert case.state == "intervention_plan"
    assert case.events.filter(kind=CaseEventKind.TRANSITION).count() == 2


def test_it_refuses_a_stale_step_posted_from_the_case_page(client: Any, people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    case_transition(actor=worker, case=case, target="assessment")
    client.force_login(worker)
    # The page was opened while the case was still "referral received".
    response = client.post(
        reverse("cases:case_transition", args=[case.pk, "closed"]),
        {"expected_state": "referral_received", "reason": "Tidak dapat dihubungi", "closure_reason": "unreachable"},
    )
    assert response.status_code == 200
    assert "baru saja diubah" in str(response.context["form"].non_field_errors())
    case.refresh_from_db()
    assert case.state == "assessment"


def test_it_never_lets_the_submitter_decide_their_own_request(people: Any) -> None:
    supervisor = people.kupang_supervisor
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=supervisor, case=case, kind="plan")
    with pytest.raises(ServiceError, match="Yang mengajukan tidak boleh memutuskan pengajuannya sendiri"):
        approval_decide(actor=supervisor, approval=approval, approve=True)
    approval.refresh_from_db()
    assert approval.decision == "pending"
    assert Case.objects.get(pk=case.pk).state == "intervention_plan"


def test_it_keeps_the_submitter_from_deciding_even_past_the_service(people: Any) -> None:
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=people.kupang_supervisor, case=case, kind="plan")
    # The database itself refuses, whatever code writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseApproval.objects.filter(pk=approval.pk).update(
            decision="approved", decided_by=people.kupang_supervisor, decided_at=timezone.now()
        )


def test_it_shows_the_submitter_that_another_supervisor_must_decide(client: Any, people: Any) -> None:
    supervisor = people.kupang_supervisor
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=supervisor, case=case, kind="plan")
    client.force_login(supervisor)
    page = client.get(reverse("cases:approval_detail", args=[approval.pk]))
    assert "supervisor lain yang harus memutuskannya" in page.content.decode()
    response = client.post(reverse("cases:approval_detail", args=[approval.pk]), {"approve": "1"})
    assert response.status_code == 200
    assert "Yang mengajukan tidak boleh" in str(response.context["form"].errors)
    assert Case.objects.get(pk=case.pk).state == "intervention_plan"


def test_it_returns_a_plan_with_a_note_and_keeps_the_case_where_it_was(people: Any) -> None:
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=worker, case=case, kind="plan")
    with pytest.raises(ServiceError) as refused:
        approval_decide(actor=supervisor, approval=approval, approve=False, note="")
    assert refused.value.field == "note"
    approval_decide(actor=supervisor, approval=approval, approve=False, note="Tambahkan dukungan keluarga.")
    approval.refresh_from_db()
    assert approval.decision == "rejected"
    assert approval.decided_by == supervisor
    assert Case.objects.get(pk=case.pk).state == "intervention_plan"
    # Returned: the case worker may submit again.
    assert case_submit_for_approval(actor=worker, case=case, kind="plan").decision == "pending"


def test_it_refuses_a_second_pending_request_and_a_decision_taken_twice(people: Any) -> None:
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=worker, case=case, kind="plan")
    with pytest.raises(ServiceError, match="menunggu keputusan"):
        case_submit_for_approval(actor=worker, case=case, kind="plan")
    approval_decide(actor=supervisor, approval=approval, approve=True)
    with pytest.raises(ServiceError, match="sudah diputuskan"):
        approval_decide(actor=supervisor, approval=approval, approve=False, note="Salah")
    assert Case.objects.get(pk=case.pk).state == "intervention"


def test_it_holds_other_steps_while_a_request_is_pending(people: Any) -> None:
    worker = people.kupang_case_worker
    case = _to_plan(people, make_case(people))
    case_submit_for_approval(actor=worker, case=case, kind="plan")
    with pytest.raises(ServiceError, match="masih menunggu keputusan"):
        case_transition(actor=worker, case=case, target="assessment")


def test_it_refuses_an_approval_by_a_case_worker(people: Any) -> None:
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=people.kupang_supervisor, case=case, kind="plan")
    with pytest.raises(ServiceError, match="Hanya supervisor"):
        approval_decide(actor=people.kupang_case_worker, approval=approval, approve=True)


def test_it_refuses_a_decision_from_another_jurisdiction_as_if_the_case_did_not_exist(people: Any) -> None:
    case = _to_plan(people, make_case(people))
    approval = case_submit_for_approval(actor=people.kupang_case_worker, case=case, kind="plan")
    with pytest.raises(OutOfJurisdiction):
        approval_decide(actor=people.indramayu_supervisor, approval=approval, approve=True)
    with pytest.raises(OutOfJurisdiction):
        case_transition(actor=people.indramayu_case_worker, case=case, target="assessment")


def test_it_closes_a_case_only_with_a_reason_and_sets_the_closing_date(people: Any) -> None:
    worker = people.kupang_case_worker
    case = make_case(people)
    with pytest.raises(ServiceError) as refused:
        case_transition(actor=worker, case=case, target="closed", reason="", closure_reason="moved")
    assert refused.value.field == "reason"
    with pytest.raises(ServiceError) as refused:
        case_transition(actor=worker, case=case, target="closed", reason="Pindah ke Batam")
    assert refused.value.field == "closure_reason"
    case_transition(actor=worker, case=case, target="closed", reason="Pindah ke Batam", closure_reason="moved")
    case.refresh_from_db()
    assert (case.state, case.closure_reason, case.closure_note) == ("closed", "moved", "Pindah ke Batam")
    assert case.closed_on == timezone.localdate()


def test_it_reopens_only_for_a_supervisor_with_a_reason(people: Any) -> None:
    worker, supervisor = people.kupang_case_worker, people.kupang_supervisor
    case = make_case(people)
    case_transition(actor=worker, case=case, target="referred_out", reason="Dirujuk ke RPTC")
    with pytest.raises(ServiceError, match="tidak berwenang"):
        case_reopen(actor=worker, case=case, reason="Kembali")
    with pytest.raises(ServiceError, match="alasan"):
        case_reopen(actor=supervisor, case=case, reason=" ")
    case_reopen(actor=supervisor, case=case, reason="Kembali dari RPTC")
    case.refresh_from_db()
    assert (case.state, case.closed_on, case.closure_note) == ("assessment", None, "")
    event = case.events.get(kind=CaseEventKind.REOPENED)
    assert "Kembali dari RPTC" in event.summary
    assert (event.from_state, event.to_state) == ("referred_out", "assessment")


def test_it_assigns_only_a_case_worker_of_the_case_regency(people: Any) -> None:
    case = make_case(people, case_worker=None)
    with pytest.raises(ServiceError) as refused:
        case_assign(actor=people.kupang_supervisor, case=case, case_worker=people.indramayu_case_worker)
    assert refused.value.field == "case_worker"
    case_assign(actor=people.kupang_supervisor, case=case, case_worker=people.kupang_case_worker)
    case.refresh_from_db()
    assert case.case_worker == people.kupang_case_worker
    assert case.events.filter(kind=CaseEventKind.ASSIGNED).count() == 1


def test_it_shows_only_the_steps_the_user_may_take(client: Any, people: Any) -> None:
    case = make_case(people)
    case_transition(actor=people.kupang_case_worker, case=case, target="closed", reason="x", closure_reason="refused")
    client.force_login(people.kupang_case_worker)
    assert "Buka kembali kasus" not in client.get(case.get_absolute_url()).content.decode()
    client.force_login(people.kupang_supervisor)
    assert "Buka kembali kasus" in client.get(case.get_absolute_url()).content.decode()
    client.force_login(people.kupang_program_officer)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert page.context["steps"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_steps_through() -> None:
    import threading

    from bangkit.accounts.testing import create_people

    people = create_people()
    case = make_case(people)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def step(actor: Any, target: str, **extra: Any) -> None:
        stale = Case.objects.get(pk=case.pk)
        try:
            barrier.wait()
            case_transition(actor=actor, case=stale, target=target, **extra)
            outcomes.append("moved")
        except ServiceError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=step, args=(people.kupang_case_worker, "assessment")),
        threading.Thread(
            target=step,
            args=(people.kupang_supervisor, "closed"),
            kwargs={"reason": "Pindah", "closure_reason": "moved"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("moved") == 1
    assert any("baru saja diubah" in outcome for outcome in outcomes)
    assert Case.objects.get(pk=case.pk).events.filter(kind=CaseEventKind.TRANSITION).count() == 1


def test_it_shows_the_current_values_on_the_edit_page_and_saves_a_change(client: Any, people: Any) -> None:
    case = make_case(people, priority="high")
    client.force_login(people.kupang_case_worker)
    form = client.get(reverse("cases:case_edit", args=[case.pk])).context["form"]
    assert form["priority"].value() == "high"
    assert form["case_worker"].value() == people.kupang_case_worker.pk
    response = client.post(
        reverse("cases:case_edit", args=[case.pk]),
        {"priority": "urgent", "referral_source": "police", "case_worker": people.kupang_supervisor.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.priority, case.referral_source, case.case_worker) == ("urgent", "police", people.kupang_supervisor)
    assignment = case.events.filter(kind=CaseEventKind.ASSIGNED).last()
    assert assignment is not None
    assert "Kupang Supervisor" in assignment.summary


def test_it_pages_the_case_list_by_keyset_newest_first(client: Any, people: Any) -> None:
    from bangkit.cases.selectors import case_list, keyset_page

    cases = [make_case(people) for _ in range(3)]
    first, cursor = keyset_page(case_list(user=people.kupang_case_worker), "", size=2)
    assert [case.pk for case in first] == [cases[2].pk, cases[1].pk]
    second, last_cursor = keyset_page(case_list(user=people.kupang_case_worker), cursor, size=2)
    assert [case.pk for case in second] == [cases[0].pk]
    assert last_cursor == ""
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("cases:case_list"), {"after": str(cases[1].pk)})
    assert [case.pk for case in response.context["object_list"]] == [cases[0].pk]
    response = client.get(reverse("cases:case_list"), {"after": "x"})
    assert response.context["page_error"]
    assert response.context["object_list"] == []
