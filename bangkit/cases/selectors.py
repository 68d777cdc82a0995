"""Reads of cases and their work, each narrowed to what the user may see and fetched in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkit.accounts.roles import APPROVE_CASE
from bangkit.cases.choices import ApprovalDecision
from bangkit.cases.models import Assessment, Case, CaseApproval, CaseEvent, Task
from bangkit.cases.screening import srq20_flagged
from bangkit.cases.services.access import holds_on_case
from bangkit.core.exceptions import ServiceError

PAGE_SIZE = 50


def overdue_tasks_q() -> Q:
    """Open tasks past their due date."""
    return Q(done_at__isnull=True, due_on__lt=timezone.localdate())


def with_overdue(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotates `has_overdue_tasks` without a query per case."""
    return cases.annotate(has_overdue_tasks=Exists(Task.objects.filter(overdue_tasks_q(), case=OuterRef("pk"))))


def case_list(*, user: Any) -> QuerySet[Case]:
    """The cases `user` may see, newest first, with what a list row shows."""
    cases = Case.objects.restrict(user, "view").select_related("person", "region", "organisation", "case_worker")
    return with_overdue(cases).order_by("-id")


def keyset_page(rows: QuerySet[Any], after: str, size: int = PAGE_SIZE) -> tuple[list[Any], str]:
    """One page of `rows` (ordered by -id) after the id `after`, and the cursor of the next page ("" on the last).

    Keyset pagination: a page costs one indexed range scan however deep the reader goes, never a count or offset.
    """
    if after:
        try:
            last = int(after)
        except ValueError as exc:
            raise ServiceError(
                _("Tautan halaman ini tidak valid. Mulai lagi dari halaman pertama."), field="after"
            ) from exc
        rows = rows.filter(id__lt=last)
    page = list(rows[: size + 1])
    return page[:size], str(page[size - 1].pk) if len(page) > size else ""


def person_cases(*, user: Any, person: Any) -> QuerySet[Case]:
    return case_list(user=user).filter(person=person)


def case_timeline(*, user: Any, case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline, oldest first; empty for users who may not read it."""
    return CaseEvent.objects.restrict(user, "view").filter(case=case).select_related("actor").order_by("at", "id")


def case_approvals(*, user: Any, case: Case) -> QuerySet[CaseApproval]:
    return (
        CaseApproval.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("submitted_by", "decided_by")
        .order_by("-submitted_at", "-id")
    )


def pending_approvals(*, user: Any) -> QuerySet[CaseApproval]:
    """Requests waiting for a decision inside the jurisdictions where `user` may approve, oldest first."""
    return (
        CaseApproval.objects.restrict(user, "view", permission=APPROVE_CASE)
        .filter(decision=ApprovalDecision.PENDING)
        .select_related("case", "case__person", "case__region", "case__case_worker", "submitted_by")
        .order_by("submitted_at", "id")
    )


def assessments(*, user: Any, case: Case) -> QuerySet[Assessment]:
    return (
        Assessment.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("assessor")
        .prefetch_related("needs", "risk_factors")
        .order_by("-sequence")
    )


def srq20_warning(*, user: Any, case: Case) -> Assessment | None:
    """The latest assessment when its SRQ-20 result calls for a referral and `user` may read assessments."""
    if not holds_on_case(user, "cases.view_assessment", case):
        return None
    latest = Assessment.objects.filter(case=case).order_by("-sequence").only("id", "sequence", "srq20_answers").first()
    return latest if latest is not None and srq20_flagged(latest.srq20_answers) else None


def _tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.restrict(user, "view").select_related("case", "case__person", "assigned_to")


def my_open_tasks(*, user: Any) -> QuerySet[Task]:
    """Open tasks assigned to `user`, most urgent first (overdue ones on top)."""
    return _tasks(user).filter(assigned_to=user, done_at__isnull=True).order_by("due_on", "id")


def overdue_tasks_in_jurisdiction(*, user: Any) -> QuerySet[Task]:
    """Overdue tasks of everyone inside the jurisdictions where `user` may approve cases (a supervisor's view)."""
    if not user.has_perm(APPROVE_CASE):
        return Task.objects.none()
    tasks = Task.objects.restrict(user, "view", permission=APPROVE_CASE).filter(overdue_tasks_q())
    return tasks.select_related("case", "case__person", "assigned_to").order_by("due_on", "id")


def case_tasks(*, user: Any, case: Case) -> QuerySet[Task]:
    return (
        Task.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("assigned_to", "done_by")
        .order_by("done_at", "due_on", "id")
    )


def case_for_summary(*, user: Any, pk: int) -> Case:
    """One case with everything its page header shows; raises Case.DoesNotExist outside the user's scope."""
    return (
        Case.objects.restrict(user, "view")
        .select_related("person", "person__region", "region", "organisation", "case_worker")
        .prefetch_related(Prefetch("approvals", queryset=CaseApproval.objects.order_by("-submitted_at")))
        .get(pk=pk)
    )
