from django.urls import path

from bangkit.cases.views import cases as views

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("people/<int:person_pk>/", views.person_cases, name="person_cases"),
    path("people/<int:person_pk>/open/", views.CaseOpenView.as_view(), name="case_open"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/summary/", views.CaseSummaryTab.as_view(), name="case_summary_tab"),
    path("<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("<int:pk>/move/<slug:target>/", views.CaseTransitionView.as_view(), name="case_transition"),
    path("<int:pk>/submit/<slug:kind>/", views.CaseSubmitView.as_view(), name="case_submit"),
    path("<int:pk>/summary.pdf", views.case_pdf, name="case_pdf"),
    path("approvals/", views.ApprovalListView.as_view(), name="approval_list"),
    path("approvals/<int:pk>/", views.ApprovalDetailView.as_view(), name="approval_detail"),
]
