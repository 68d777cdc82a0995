from django.urls import path, register_converter

from bangkit.regions import views
from bangkit.regions.codes import RegionCodeConverter

# A malformed code is not routed: the page answers 404 without the code reaching the database.
register_converter(RegionCodeConverter, "region_code")

app_name = "regions"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("picker/", views.picker, name="picker"),
    path("picker/search/", views.picker_search, name="picker_search"),
    path("<region_code:code>/", views.browse, name="detail"),
]
