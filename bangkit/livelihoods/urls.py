from django.urls import URLPattern, URLResolver, path

from bangkit.livelihoods import proposal_views, views

app_name = "livelihoods"

urlpatterns: list[URLPattern | URLResolver] = [
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("visits/", views.FollowUpListView.as_view(), name="follow_up_list"),
    path("visits/<int:pk>/", views.FollowUpDetailView.as_view(), name="follow_up_detail"),
    path("visits/<int:pk>/record/", views.FollowUpRecordView.as_view(), name="follow_up_record"),
    path("alerts/<int:pk>/resolve/", views.AlertResolveView.as_view(), name="alert_resolve"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/status/", views.EnterpriseStatusView.as_view(), name="enterprise_status"),
    path("risk-weights/", views.risk_weights, name="risk_weights"),
    # Business-development proposals and their workflow (livelihoods.proposal_workflow)
    path("proposals/", proposal_views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/<int:pk>/", proposal_views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal_views.ProposalEditView.as_view(), name="proposal_edit"),
    path("proposals/<int:pk>/budget/add/", proposal_views.BudgetLineAddView.as_view(), name="proposal_budget_add"),
    path("proposals/<int:pk>/budget/remove/", proposal_views.BudgetLineRemoveView.as_view(), name="proposal_unbudget"),
    path(
        "proposals/<int:pk>/budget/change/",
        proposal_views.BudgetLineChangeView.as_view(),
        name="proposal_budget_change",
    ),
    path("proposals/<int:pk>/attachments/add/", proposal_views.AttachmentAddView.as_view(), name="proposal_attach"),
    path("proposal-attachments/<int:pk>/", proposal_views.attachment_download, name="proposal_attachment"),
    path("proposals/<int:pk>/submit/", proposal_views.SubmitView.as_view(), name="proposal_submit"),
    path("proposals/<int:pk>/recommend/", proposal_views.RecommendView.as_view(), name="proposal_recommend"),
    path("proposals/<int:pk>/verify/", proposal_views.VerifyView.as_view(), name="proposal_verify"),
    path("proposals/<int:pk>/approve/", proposal_views.ApproveView.as_view(), name="proposal_approve"),
    path("proposals/<int:pk>/reject/", proposal_views.RejectView.as_view(), name="proposal_reject"),
    path("proposals/<int:pk>/return/", proposal_views.ReturnView.as_view(), name="proposal_return"),
    path("proposals/<int:pk>/fund/", proposal_views.FundView.as_view(), name="proposal_fund"),
    path(
        "proposals/<int:pk>/milestones/add/", proposal_views.MilestoneAddView.as_view(), name="proposal_add_milestone"
    ),
    path(
        "proposals/<int:pk>/milestones/record/",
        proposal_views.MilestoneRecordView.as_view(),
        name="proposal_record_milestone",
    ),
    # A person's "Tindak lanjut" tab and what is recorded from it
    path("people/<int:person_pk>/", views.person_follow_up, name="person_follow_up"),
    path("people/<int:pk>/departures/add/", views.RemigrationAddView.as_view(), name="remigration_add"),
    path("people/<int:pk>/enterprises/add/", views.EnterpriseAddView.as_view(), name="enterprise_add"),
    path("people/<int:pk>/enterprises/join/", views.EnterpriseJoinView.as_view(), name="enterprise_join"),
    path("people/<int:pk>/proposals/add/", proposal_views.ProposalCreateView.as_view(), name="proposal_add"),
]
