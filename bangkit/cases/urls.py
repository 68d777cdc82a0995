from django.urls import include, path

app_name = "cases"
urlpatterns = [
    path("", include("bangkit.cases.urls_cases")),
    path("", include("bangkit.cases.urls_care")),
]
