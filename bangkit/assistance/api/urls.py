"""The assistance API, under /api/v1/assistance/: schemes, tranches and their workflow, entitlements, bank files,
payments and the problems of the banks' result files."""

from rest_framework.routers import DefaultRouter

from bangkit.assistance.api import payments, schemes, tranches

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (schemes, tranches, payments):
    module.register(router)
urlpatterns = router.urls
