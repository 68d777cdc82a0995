"""Import pages: the user's imports, upload, the job's page (progress, then the preview with every problem, then
the result), confirm or cancel, and the downloads. Who may import people may use them, inside their jurisdiction
(`IMPORT_PEOPLE`); a job outside it answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View, generic

from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.core.generic import ObjectDetailView, ObjectListView, ScopedViewMixin, add_errors_to_form
from bangkit.dataimport import report, services
from bangkit.dataimport.choices import JobState, Severity
from bangkit.dataimport.forms import UploadForm
from bangkit.dataimport.models import IMPORT_PEOPLE, ImportJob
from bangkit.dataimport.selectors import job_progress, jobs_for, problems_of, visible_people

PROBLEMS_PER_PAGE = 50


class JobListView(ObjectListView):
    """The user's own imports, newest first; `?semua=1` shows every import of their jurisdiction."""

    queryset = ImportJob.objects.all()
    permission = IMPORT_PEOPLE
    template_name = "dataimport/job_list.html"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.filterset = None
        self.show_all = self.request.GET.get("semua") == "1"
        return jobs_for(self.request.user, only_own=not self.show_all)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=_("Impor spreadsheet"), show_all=self.show_all, can_add=True)
        return context


class JobUploadView(ScopedViewMixin, generic.FormView):
    queryset = ImportJob.objects.all()
    permission = IMPORT_PEOPLE
    action = "add"
    form_class = UploadForm
    template_name = "dataimport/job_upload.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: UploadForm) -> HttpResponse:
        try:
            job = services.import_job_create(
                actor=self.request.user,  # type: ignore[arg-type]
                upload=form.cleaned_data["file"],
                region=form.cleaned_data.get("region"),
            )
        except ServiceError as error:
            add_errors_to_form(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(job.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "title": _("Unggah spreadsheet")}


class _JobMixin(ScopedViewMixin):
    queryset = ImportJob.objects.all()
    permission = IMPORT_PEOPLE

    def get_queryset(self) -> Any:
        return jobs_for(self.request.user)

    def job(self, pk: int) -> ImportJob:
        return get_object_or_404(self.get_queryset(), pk=pk)


class JobDetailView(ObjectDetailView):
    """Progress while the job works; then the preview (every problem by row and column) and the choice; then the
    result. Problems are paged, errors or warnings only on request."""

    queryset = ImportJob.objects.all()
    permission = IMPORT_PEOPLE
    template_name = "dataimport/job_detail.html"

    def get_queryset(self) -> Any:
        return jobs_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job: ImportJob = self.object
        severity = self.request.GET.get("tingkat", "")
        page = Paginator(problems_of(job, severity=severity), PROBLEMS_PER_PAGE).get_page(self.request.GET.get("page"))
        shown = visible_people(self.request.user, (problem.person_id for problem in page.object_list))
        context.update(
            title=str(job),
            progress=job_progress(job),
            page_obj=page,
            problems=page.object_list,
            is_paginated=page.has_other_pages(),
            paginator=page.paginator,
            severity=severity,
            severities=Severity.choices,
            shown_people=shown,
            can_confirm=job.state == JobState.VALIDATED and job.rows_valid > 0,
            can_cancel=job.state in (JobState.UPLOADED, JobState.VALIDATING, JobState.VALIDATED, JobState.QUEUED),
            has_problems=job.problems.exists(),
        )
        return context


class JobProgressView(_JobMixin, View):
    """The progress bar alone, polled by htmx; once the job has finished working, the page reloads itself."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        response = render(request, "dataimport/_progress.html", {"object": job, "progress": job_progress(job)})
        if not job.is_active and getattr(request, "htmx", False):
            response["HX-Refresh"] = "true"
        return response


class _JobActionView(_JobMixin, View):
    action = "change"
    success_message = ""

    def act(self, job: ImportJob) -> ImportJob:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        try:
            self.act(job)
        except OutOfJurisdiction as error:
            raise Http404 from error
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.success_message)
        return redirect(job.get_absolute_url())


class JobConfirmView(_JobActionView):
    """ "Import the valid rows"."""

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return _("Impor dimulai. Halaman ini menunjukkan hasilnya bila sudah selesai.")

    def act(self, job: ImportJob) -> ImportJob:
        return services.import_job_confirm(actor=self.request.user, job=job)  # type: ignore[arg-type]


class JobCancelView(_JobActionView):
    """ "Import nothing until the file is fixed"."""

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return _("Impor dibatalkan; tidak ada data yang disimpan.")

    def act(self, job: ImportJob) -> ImportJob:
        return services.import_job_cancel(actor=self.request.user, job=job)  # type: ignore[arg-type]


class JobReportView(_JobMixin, View):
    """The error report: every problem by row and column, identifiers masked (XLSX)."""

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        return report_response(self.job(pk))


def report_response(job: ImportJob) -> FileResponse:
    return FileResponse(
        report.error_report(job),
        as_attachment=True,
        filename=f"impor-{job.pk}-masalah.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class TemplateDownloadView(View):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not request.user.has_perm(IMPORT_PEOPLE):
            raise PermissionDenied
        return FileResponse(
            report.blank_template(),
            as_attachment=True,
            filename="templat-impor-orang.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
