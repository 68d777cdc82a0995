from django.urls import path

from bangkit.cases.views import care as views

urlpatterns = [
    path("<int:pk>/assessments/", views.AssessmentsTab.as_view(), name="case_assessments"),
    path("<int:pk>/assessments/add/", views.AssessmentAddView.as_view(), name="assessment_add"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("<int:pk>/plan/", views.PlanTab.as_view(), name="case_plan"),
    path("<int:pk>/plan/add/", views.PlanLineAddView.as_view(), name="plan_line_add"),
    path("plan-lines/<int:pk>/edit/", views.PlanLineEditView.as_view(), name="plan_line_edit"),
    path("<int:pk>/services/", views.ServicesTab.as_view(), name="case_services"),
    path("<int:pk>/services/add/", views.ServiceAddView.as_view(), name="service_add"),
    path("<int:pk>/referrals/", views.ReferralsTab.as_view(), name="case_referrals"),
    path("<int:pk>/referrals/add/", views.ReferralAddView.as_view(), name="referral_add"),
    path("referrals/<int:pk>/respond/", views.ReferralRespondView.as_view(), name="referral_respond"),
    path("<int:pk>/notes/", views.NotesTab.as_view(), name="case_notes"),
    path("<int:pk>/notes/add/", views.NoteAddView.as_view(), name="note_add"),
    path("<int:pk>/tasks/", views.TasksTab.as_view(), name="case_tasks"),
    path("<int:pk>/tasks/add/", views.TaskAddView.as_view(), name="task_add"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
]
