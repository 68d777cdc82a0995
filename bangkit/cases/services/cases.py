"""Writes on a case itself: opening, assignment, workflow steps, supervisor approvals, following a person merge.

Every step checks the actor's permission over the case's region, runs in one transaction and writes the case's
timeline. The workflow table (`cases.workflow`) decides which steps exist; the database decides races: the case row
is locked (`select_for_update`; SQLite's IMMEDIATE transactions serialise writers) and compared with the state the
actor saw, so two people who both saw "assessment" cannot both move the case on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.models import Organisation, User
from bangkit.accounts.roles import APPROVE_CASE
from bangkit.cases import workflow
from bangkit.cases.choices import (
    FINAL_STATES,
    ApprovalDecision,
    ApprovalKind,
    CaseCategory,
    CaseEventKind,
    CaseState,
    ClosureReason,
    PlanLineStatus,
    Priority,
)
from bangkit.cases.models import Case, CaseApproval, CaseNumberCounter
from bangkit.cases.services.access import (
    eligible_users,
    holds_on_case,
    require_on_case,
    site_language,
)
from bangkit.cases.services.timeline import record_event
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.scoping import covers
from bangkit.core.validation import clean
from bangkit.registry.models import Person

ADD_CASE = "cases.add_case"
CHANGE_CASE = "cases.change_case"
ADD_APPROVAL = "cases.add_caseapproval"
NUMBER_PREFIX: dict[str, str] = {CaseCategory.TRAFFICKING_VICTIM: "KPO", CaseCategory.MIGRANT_IN_TROUBLE: "PMIB"}
REASON_MAX = 500


def home_regency_code(region_code: str) -> str | None:
    """`53.01.08.1007` → `53.01`: the regency a person's address lies in; None for an address at province level."""
    parts = region_code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def next_case_number(*, region_code: str, year: int) -> int:
    """The next number of `region_code`'s cases in `year`. Call inside the transaction that uses it.

    A conditional UPDATE increments the counter row and holds its lock until the transaction ends, so a concurrent
    opening in the same regency waits and then gets the next number; the first case of a regency-year creates the
    row, and a concurrent creator loses on the unique constraint and increments the winner's row instead.
    """
    counters = CaseNumberCounter.objects.filter(region_id=region_code, year=year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(region_id=region_code, year=year, last_number=1)
            return 1
        except IntegrityError:
            counters.update(last_number=F("last_number") + 1)
    return counters.values_list("last_number", flat=True).get()


def format_case_number(*, category: str, region_code: str, year: int, number: int) -> str:
    return f"{NUMBER_PREFIX.get(category, 'KASUS')}-{region_code}-{year}-{number:06d}"


def _require_case_worker(case_worker: User | None, region_code: str) -> None:
    if case_worker is None:
        return
    if not eligible_users(permission=CHANGE_CASE, region_code=region_code).filter(pk=case_worker.pk).exists():
        raise ServiceError(
            _("Pengguna ini bukan pendamping yang bertugas di kabupaten/kota kasus."), field="case_worker"
        )


@transaction.atomic
def case_open(
    *,
    actor: User,
    person: Person,
    category: str,
    referral_source: str,
    organisation: Organisation | None = None,
    case_worker: User | None = None,
    priority: str = Priority.NORMAL,
    opened_on: date | None = None,
) -> Case:
    """Opens a case for `person` in their home regency, numbered `KPO-53.01-2026-000123`."""
    if not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists():
        raise OutOfJurisdiction(_("Orang ini tidak ditemukan atau di luar yurisdiksi Anda."), field="person")
    if person.merged_into_id is not None:
        raise ServiceError(
            _("Data orang ini sudah digabung ke data lain; buka kasus pada data yang dipertahankan."), field="person"
        )
    region_code = home_regency_code(person.region_id)
    if region_code is None:
        raise ServiceError(
            _("Alamat orang ini baru sampai provinsi; lengkapi alamatnya sampai kabupaten/kota."), field="person"
        )
    if not (actor.is_superuser or covers(actor.jurisdiction_codes(ADD_CASE), region_code)):
        raise OutOfJurisdiction(
            _("Kabupaten/kota tempat tinggal orang ini di luar yurisdiksi Anda untuk membuka kasus."), field="person"
        )
    organisation = organisation or actor.organisation
    if organisation is None:
        raise ServiceError(_("Pilih organisasi penanggung jawab."), field="organisation")
    if not organisation.is_active:
        raise ServiceError(_("Organisasi ini tidak aktif."), field="organisation")
    _require_case_worker(case_worker, region_code)
    today = timezone.localdate()
    opened_on = opened_on or today
    if opened_on > today:
        raise ServiceError(_("Tanggal dibuka tidak boleh di masa depan."), field="opened_on")
    case = Case(
        person=person,
        category=category,
        referral_source=referral_source,
        organisation=organisation,
        case_worker=case_worker,
        region_id=region_code,
        priority=priority,
        opened_on=opened_on,
        state=CaseState.REFERRAL_RECEIVED,
        state_changed_at=timezone.now(),
    )
    clean(case, exclude=["number"])
    number = next_case_number(region_code=region_code, year=opened_on.year)
    case.number = format_case_number(category=category, region_code=region_code, year=opened_on.year, number=number)
    case.save()
    with site_language():
        record_event(
            case=case,
            kind=CaseEventKind.OPENED,
            actor=actor,
            summary=_("Kasus %(number)s dibuka (%(category)s, rujukan dari %(source)s) oleh %(organisation)s.")
            % {
                "number": case.number,
                "category": case.get_category_display(),
                "source": case.get_referral_source_display(),
                "organisation": organisation.name,
            },
            to_state=case.state,
        )
        if case_worker is not None:
            _record_assignment(case, actor, case_worker)
    return case


def _record_assignment(case: Case, actor: User, case_worker: User | None) -> None:
    record_event(
        case=case,
        kind=CaseEventKind.ASSIGNED,
        actor=actor,
        summary=(
            _("Pendamping: %(name)s.") % {"name": case_worker.full_name or case_worker.email}
            if case_worker is not None
            else _("Pendamping dilepas dari kasus.")
        ),
    )


@transaction.atomic
def case_assign(*, actor: User, case: Case, case_worker: User | None) -> Case:
    require_on_case(actor, CHANGE_CASE, case)
    locked = _lock(case)
    if not locked.is_open:
        raise ServiceError(_("Kasus ini sudah selesai; buka kembali lebih dulu."), field="case_worker")
    _require_case_worker(case_worker, locked.region_id)
    if locked.case_worker_id == (case_worker.pk if case_worker else None):
        return locked
    locked.case_worker = case_worker
    locked.save(update_fields=["case_worker", "updated_at"])
    with site_language():
        _record_assignment(locked, actor, case_worker)
    return locked


@transaction.atomic
def case_update(*, actor: User, case: Case, priority: str | None = None, referral_source: str | None = None) -> Case:
    """Changes what the case worker may correct without a workflow step: priority and referral source."""
    require_on_case(actor, CHANGE_CASE, case)
    locked = _lock(case)
    if priority is not None:
        locked.priority = priority
    if referral_source is not None:
        locked.referral_source = referral_source
    clean(locked)
    locked.save()
    return locked


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _state_label(state: str) -> str:
    return str(CaseState(state).label) if state in CaseState.values else state


def _stale() -> ServiceError:
    return ServiceError(
        _("Kasus ini baru saja diubah oleh pengguna lain. Muat ulang halaman, periksa tahapnya, lalu coba lagi.")
    )


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case: Case,
    target: str,
    reason: str = "",
    closure_reason: str = "",
    expected_state: str | None = None,
) -> Case:
    """Moves `case` to `target` by a step of the workflow table that needs no approval.

    `expected_state` is the state the actor saw (default: `case.state` as loaded); if the case has moved since,
    the step is refused rather than applied to a state the actor did not see.
    """
    expected = expected_state or case.state
    transition = workflow.transition_to(expected, target)
    if transition is None:
        raise ServiceError(
            _("Kasus pada tahap “%(source)s” tidak dapat dipindah ke tahap “%(target)s”.")
            % {"source": _state_label(expected), "target": _state_label(target)},
            field="target",
        )
    if transition.approval:
        raise ServiceError(
            _("Langkah ke tahap “%(target)s” memerlukan persetujuan supervisor: ajukan persetujuan lebih dulu.")
            % {"target": _state_label(target)},
            field="target",
        )
    return _apply(
        actor=actor,
        case=case,
        transition=transition,
        expected=expected,
        reason=reason,
        closure_reason=closure_reason,
    )


def _apply(
    *,
    actor: User,
    case: Case,
    transition: workflow.Transition,
    expected: str,
    reason: str = "",
    closure_reason: str = "",
    approval: CaseApproval | None = None,
) -> Case:
    require_on_case(
        actor,
        transition.permission,
        case,
        _("Anda tidak berwenang memindahkan kasus ke tahap “%(target)s”.")
        % {"target": _state_label(transition.target)},
    )
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise ServiceError(_("Tuliskan alasannya."), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_("Alasan paling banyak %(max)d karakter.") % {"max": REASON_MAX}, field="reason")
    if transition.target == CaseState.CLOSED and closure_reason not in ClosureReason.values:
        raise ServiceError(_("Pilih alasan penutupan."), field="closure_reason")
    locked = _lock(case)
    if locked.state != expected:
        raise _stale()
    if transition.needs_assessment and not locked.assessments.exists():
        raise ServiceError(_("Catat asesmen lebih dulu sebelum menyusun rencana intervensi."), field="target")
    if transition.needs_plan and not locked.plan_lines.exclude(status=PlanLineStatus.CANCELLED).exists():
        raise ServiceError(_("Rencana intervensi belum berisi kegiatan."), field="target")
    if approval is None:
        pending = locked.approvals.filter(decision=ApprovalDecision.PENDING).first()
        if pending is not None:
            raise ServiceError(
                _(
                    "Pengajuan “%(kind)s” masih menunggu keputusan supervisor; "
                    "tunggu keputusannya atau minta pengajuan itu dikembalikan."
                )
                % {"kind": pending.get_kind_display()},
                field="target",
            )
    reopening = expected in FINAL_STATES
    today = timezone.localdate()
    locked.state = transition.target
    locked.state_changed_at = timezone.now()
    if transition.target in FINAL_STATES:
        locked.closed_on = max(today, locked.opened_on)
        locked.closure_reason = closure_reason if transition.target == CaseState.CLOSED else ""
        locked.closure_note = reason
    else:
        locked.closed_on = None
        locked.closure_reason = ""
        locked.closure_note = ""
    clean(locked)
    locked.save()
    with site_language():
        summary = _("Tahap: %(source)s → %(target)s.") % {
            "source": _state_label(expected),
            "target": _state_label(transition.target),
        }
        if reopening:
            summary = _("Kasus dibuka kembali: %(source)s → %(target)s.") % {
                "source": _state_label(expected),
                "target": _state_label(transition.target),
            }
        if transition.target == CaseState.CLOSED:
            summary += " " + _("Alasan penutupan: %(reason)s.") % {"reason": locked.get_closure_reason_display()}
        if approval is not None:
            summary += " " + _("Disetujui oleh %(name)s.") % {"name": actor.full_name or actor.email}
        if reason:
            summary += " " + _("Keterangan: %(reason)s") % {"reason": reason}
        record_event(
            case=locked,
            kind=CaseEventKind.REOPENED if reopening else CaseEventKind.TRANSITION,
            actor=actor,
            summary=summary,
            from_state=expected,
            to_state=transition.target,
        )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_submit_for_approval(*, actor: User, case: Case, kind: str, note: str = "") -> CaseApproval:
    """Asks a supervisor to approve the intervention plan or the termination; the step waits for the decision."""
    if kind not in ApprovalKind.values:
        raise ServiceError(_("Jenis pengajuan tidak dikenal."), field="kind")
    transition = workflow.approval_transition(kind)
    require_on_case(actor, ADD_APPROVAL, case)
    locked = _lock(case)
    if locked.state not in transition.source:
        raise ServiceError(
            _("Pengajuan “%(kind)s” hanya dapat dibuat pada tahap “%(state)s”; kasus ini pada tahap “%(current)s”.")
            % {
                "kind": ApprovalKind(kind).label,
                "state": _state_label(workflow.APPROVAL_SOURCE[kind]),
                "current": locked.get_state_display(),
            },
            field="kind",
        )
    if transition.needs_plan and not locked.plan_lines.exclude(status=PlanLineStatus.CANCELLED).exists():
        raise ServiceError(_("Rencana intervensi belum berisi kegiatan; tambahkan kegiatan lebih dulu."), field="kind")
    if transition.needs_assessment and not locked.assessments.exists():
        raise ServiceError(_("Catat asesmen lebih dulu."), field="kind")
    approval = CaseApproval(
        case=locked, kind=kind, submitted_by=actor, submitted_at=timezone.now(), submission_note=note.strip()
    )
    clean(approval)
    try:
        with transaction.atomic():
            approval.save()
    except IntegrityError as exc:  # a concurrent submission of the same kind won the race
        raise ServiceError(_("Sudah ada pengajuan yang menunggu keputusan."), field="kind") from exc
    with site_language():
        record_event(
            case=locked,
            kind=CaseEventKind.APPROVAL_SUBMITTED,
            actor=actor,
            summary=_("Diajukan untuk persetujuan: %(kind)s.") % {"kind": approval.get_kind_display()},
        )
    return approval


@transaction.atomic
def approval_decide(*, actor: User, approval: CaseApproval, approve: bool, note: str = "") -> CaseApproval:
    """A supervisor approves (the case takes the step) or returns the request (the case stays where it is)."""
    locked = CaseApproval.objects.select_for_update().select_related("case").get(pk=approval.pk)
    case = locked.case
    require_on_case(
        actor,
        APPROVE_CASE,
        case,
        _("Hanya supervisor yang berwenang atas wilayah kasus ini yang dapat memutuskan pengajuan."),
    )
    if locked.decision != ApprovalDecision.PENDING:
        raise ServiceError(_("Pengajuan ini sudah diputuskan."))
    if locked.submitted_by_id == actor.pk:
        raise ServiceError(
            _("Yang mengajukan tidak boleh memutuskan pengajuannya sendiri; minta supervisor lain memutuskannya."),
            field="approve",
        )
    note = note.strip()
    if not approve and not note:
        raise ServiceError(_("Tuliskan mengapa pengajuan ini dikembalikan."), field="note")
    locked.decision = ApprovalDecision.APPROVED if approve else ApprovalDecision.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    clean(locked)
    locked.save()
    with site_language():
        record_event(
            case=case,
            kind=CaseEventKind.APPROVAL_DECIDED,
            actor=actor,
            summary=(_("%(kind)s disetujui.") if approve else _("%(kind)s dikembalikan kepada pendamping: %(note)s"))
            % {"kind": locked.get_kind_display(), "note": note},
        )
    if approve:
        transition = workflow.approval_transition(locked.kind)
        source = workflow.APPROVAL_SOURCE[locked.kind]
        if case.state != source:
            raise ServiceError(
                _("Kasus sudah tidak pada tahap “%(state)s”; kembalikan pengajuan ini.")
                % {"state": _state_label(source)}
            )
        _apply(actor=actor, case=case, transition=transition, expected=source, approval=locked)
    return locked


def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """A finished case back to assessment, with a reason (`cases.reopen_case`)."""
    return case_transition(actor=actor, case=case, target=CaseState.ASSESSMENT, reason=reason)


def available_steps(user: Any, case: Case) -> list[dict[str, Any]]:
    """The buttons of a case page: each step of the table open from the case's state that `user` may take.

    A step that needs approval shows as "submit for approval" to whoever may submit, unless one is pending.
    """
    steps = []
    pending = {approval.kind for approval in case.approvals.all() if approval.decision == ApprovalDecision.PENDING}
    for transition in workflow.targets_from(case.state):
        if transition.approval:
            if transition.approval not in pending and holds_on_case(user, ADD_APPROVAL, case):
                steps.append({"transition": transition, "submit": True})
        elif holds_on_case(user, transition.permission, case) and not pending:
            steps.append({"transition": transition, "submit": False})
    return steps


def cases_follow_person_merge(*, survivor: Person, duplicate: Person, actor: Any) -> int:
    """Moves the duplicate's cases to the survivor, with a MERGED line on each timeline. Returns how many moved.

    Nothing is closed on its own: if the survivor now has two open cases, the case worker decides which one to
    close as a duplicate case (closure reason "Kasus ganda").
    """
    moved = 0
    for case in Case.objects.select_for_update().filter(person=duplicate).order_by("pk"):
        case.person = survivor
        case.save(update_fields=["person", "updated_at"])
        with site_language():
            record_event(
                case=case,
                kind=CaseEventKind.MERGED,
                actor=actor,
                summary=_(
                    "Data orang pada kasus ini digabung dengan data lain yang sama; kasus kini tercatat pada data "
                    "yang dipertahankan."
                ),
            )
        moved += 1
    return moved


def on_person_merged(sender: Any, *, survivor: Person, duplicate: Person, actor: Any, **kwargs: Any) -> None:
    """Receiver of `registry.signals.person_merged`, inside the merge's transaction."""
    cases_follow_person_merge(survivor=survivor, duplicate=duplicate, actor=actor)
