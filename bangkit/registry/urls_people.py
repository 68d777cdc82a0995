from django.urls import path

from bangkit.registry.views import people

urlpatterns = [
    path("people/", people.PersonListView.as_view(), name="person_list"),
    path("people/add/", people.PersonEditView.as_view(), name="person_add"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", people.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/photo/", people.person_photo, name="person_photo"),
    path("people/<int:pk>/phones/", people.PhonesTab.as_view(), name="person_phones"),
    path("people/<int:pk>/documents/", people.DocumentsTab.as_view(), name="person_documents"),
    path("people/<int:pk>/household/", people.HouseholdTab.as_view(), name="person_household"),
]
