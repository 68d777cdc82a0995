from django.urls import include, path

app_name = "registry"
urlpatterns = [
    path("", include("bangkit.registry.urls_people")),
    path("", include("bangkit.registry.urls_details")),
    path("", include("bangkit.registry.urls_duplicates")),
]
