from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bangkit.accounts import views as accounts_views
from bangkit.core import views as core_views

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("regions/", include("bangkit.regions.api.urls")),
    path("", include("bangkit.accounts.api.urls")),
    path("", include("bangkit.audit.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    # Login e-mails are managed by administrators: allauth's page for changing them is switched off.
    path("accounts/email/", core_views.not_found),
    path("accounts/", include("allauth.urls")),
    path("regions/", include("bangkit.regions.urls")),
    path("admin/", include("bangkit.accounts.urls")),
    path("audit/", include("bangkit.audit.urls")),
    path("api/v1/", include(api_v1)),
]
