from django.urls import path

from bangkit.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("picker/", views.picker, name="picker"),
    path("picker/search/", views.picker_search, name="picker_search"),
    path("<str:code>/", views.browse, name="detail"),
]
