"""Enrolling an event's participants from the organiser's spreadsheet (see `programs.enrolment_file`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from bangkit.core.exceptions import ServiceError
from bangkit.core.generic import ScopedViewMixin, add_errors_to_form
from bangkit.dataimport.reading import FileProblem
from bangkit.programs import selectors
from bangkit.programs.enrolment_file import EnrolmentFileResult, Mode, enrol_from_file
from bangkit.programs.models import Event


class EnrolmentFileForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        help_text=_("Satu baris per orang, dengan baris judul kolom: NIK, atau nama lengkap dengan tanggal lahir."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    mode = forms.ChoiceField(
        label=_("Setelah diperiksa"), choices=Mode.choices, initial=Mode.CHECK, widget=forms.RadioSelect
    )


class EnrolFromFileView(ScopedViewMixin, SingleObjectMixin, generic.FormView):
    """Upload, choose, and see every row's fate on the same page: enrolled, waiting, or why not."""

    queryset = Event.objects.select_related("program", "participant_region", "region")
    permission = "programs.add_enrolment"
    form_class = EnrolmentFileForm
    template_name = "programs/enrol_file.html"
    context_object_name = "event"
    result: EnrolmentFileResult | None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.result = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: EnrolmentFileForm) -> HttpResponse:
        try:
            self.result = enrol_from_file(
                actor=self.request.user,
                event=self.object,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
            )
        except FileProblem as problem:
            form.add_error("file", problem.message)
            return self.form_invalid(form)
        except ServiceError as error:
            add_errors_to_form(form, error)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(result=self.result, rules=selectors.eligibility_rules(self.object), title=self.object.title)
        return context
