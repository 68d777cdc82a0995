from django.urls import URLPattern, URLResolver, path

from bangkit.programs import urls_documents, urls_events
from bangkit.programs.views_enrolment_file import EnrolFromFileView

app_name = "programs"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_events.urlpatterns,
    *urls_documents.urlpatterns,
    path("events/<int:pk>/enrol-file/", EnrolFromFileView.as_view(), name="event_enrol_file"),
]
