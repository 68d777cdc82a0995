from django.urls import path

from bangkit.registry.views import duplicates

urlpatterns = [
    path("duplicates/", duplicates.DuplicateListView.as_view(), name="duplicate_list"),
    path("duplicates/<int:pk>/", duplicates.DuplicateDetailView.as_view(), name="duplicate_detail"),
    path("duplicates/<int:pk>/merge/", duplicates.DuplicateMergeView.as_view(), name="duplicate_merge"),
    path("duplicates/<int:pk>/distinct/", duplicates.DuplicateDistinctView.as_view(), name="duplicate_distinct"),
]
