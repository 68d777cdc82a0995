from rest_framework.routers import DefaultRouter

from bangkit.cases.api import care, cases

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (cases, care):
    module.register(router)
urlpatterns = router.urls
