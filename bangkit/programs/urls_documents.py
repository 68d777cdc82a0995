from django.urls import URLPattern, path

from bangkit.programs import views_documents as views

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<int:pk>/attendance-list.pdf", views.session_attendance_list_pdf, name="session_attendance_list_pdf"
    ),
    path("events/<int:pk>/report/", views.event_report, name="event_report"),
    path("events/<int:pk>/report.pdf", views.event_report_pdf, name="event_report_pdf"),
    path("events/<int:pk>/report.xlsx", views.event_report_xlsx, name="event_report_xlsx"),
    path("events/<int:pk>/certificates/issue/", views.certificates_issue, name="certificates_issue"),
    path("events/<int:pk>/certificates.pdf", views.event_certificates_pdf, name="event_certificates_pdf"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
]
