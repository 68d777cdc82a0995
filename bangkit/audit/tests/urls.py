"""Test-only views: a change and a view of a record made through the real middleware stack.

The apps' own edit and detail views are still being built, so these tests drive tiny views that do what real views
do: save a model, show a record through AccessLoggedMixin, return a record from the API with record_access.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bangkit.accounts.models import Organisation
from bangkit.audit.history import AccessLoggedMixin, record_access


@require_POST
def rename_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.get(pk=pk)
    organisation.name = request.POST["name"]
    organisation.save()
    return HttpResponse("ok")


class OrganisationDetailView(AccessLoggedMixin, DetailView):
    queryset = Organisation.objects.filter(is_active=True)

    def render_to_response(self, context: dict[str, object], **response_kwargs: object) -> HttpResponse:
        return HttpResponse(self.object.name)


class OrganisationApiView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        organisation = Organisation.objects.get(pk=pk)
        record_access(request, organisation)
        return Response({"name": organisation.name})


urlpatterns = [
    path("api/organisations/<int:pk>/", OrganisationApiView.as_view()),
    path("organisations/<int:pk>/rename/", rename_organisation),
    path("organisations/<int:pk>/", OrganisationDetailView.as_view()),
    path("", include("bangkit.urls")),
]
