from django.urls import URLPattern, path

from bangkit.prevention import views

app_name = "prevention"

urlpatterns: list[URLPattern] = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("headcounts/", views.HeadcountListView.as_view(), name="headcount_list"),
    path("headcounts/add/", views.HeadcountEditView.as_view(), name="headcount_add"),
    path("headcounts/<int:pk>/", views.HeadcountDetailView.as_view(), name="headcount_detail"),
    path("headcounts/<int:pk>/edit/", views.HeadcountEditView.as_view(), name="headcount_edit"),
]
