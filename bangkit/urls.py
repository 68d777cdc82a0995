from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated

from bangkit.accounts import views as accounts_views
from bangkit.core import views as core_views
from bangkit.core.api import ApiNotFoundView

api_v1: list[URLPattern | URLResolver] = [
    # The schema and its docs page map the whole API: signed-in users only. The schema answers an anonymous
    # caller 401 (send a session or a token); the docs page, read in a browser, sends them to the login page.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[IsAuthenticated])),
        name="api-docs",
    ),
    path("regions/", include("bangkit.regions.api.urls")),
    path("", include("bangkit.accounts.api.urls")),
    path("", include("bangkit.audit.api.urls")),
    path("", include("bangkit.registry.api.urls")),
    path("", include("bangkit.cases.api.urls")),
    path("", include("bangkit.programs.api.urls")),
    path("", include("bangkit.prevention.api.urls")),
    path("", include("bangkit.assistance.api.urls")),
    path("", include("bangkit.livelihoods.api.urls")),
    path("", include("bangkit.dataimport.api.urls")),
    path("", include("bangkit.notifications.api.urls")),
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
    path("registry/", include("bangkit.registry.urls")),
    path("cases/", include("bangkit.cases.urls")),
    path("programs/", include("bangkit.programs.urls")),
    path("assistance/", include("bangkit.assistance.urls")),
    # Anyone holding a printed certificate may check it here, signed in or not.
    path("verify/", include("bangkit.programs.urls_public")),
    # The public safe-migration checklist: no sign-in, no cookie, nothing personal kept.
    path("migrasi-aman/", include("bangkit.prevention.urls_public")),
    path("prevention/", include("bangkit.prevention.urls")),
    path("imports/", include("bangkit.dataimport.urls")),
    path("livelihoods/", include("bangkit.livelihoods.urls")),
    path("notifications/", include("bangkit.notifications.urls")),
    path("api/v1/", include(api_v1)),
    # Last: any other path under /api/ answers 404 in the API's error shape (401 to anonymous callers).
    re_path(r"^api(?:/|$)", ApiNotFoundView.as_view()),
]
