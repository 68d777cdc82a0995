from django.urls import path

from bangkit.dataimport import views

app_name = "dataimport"
urlpatterns = [
    path("", views.JobListView.as_view(), name="job_list"),
    path("new/", views.JobUploadView.as_view(), name="job_upload"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("<int:pk>/progress/", views.JobProgressView.as_view(), name="job_progress"),
    path("<int:pk>/confirm/", views.JobConfirmView.as_view(), name="job_confirm"),
    path("<int:pk>/cancel/", views.JobCancelView.as_view(), name="job_cancel"),
    path("<int:pk>/report.xlsx", views.JobReportView.as_view(), name="job_report"),
]
