from rest_framework.routers import DefaultRouter

from bangkit.registry.api import details, duplicates, people

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (people, details, duplicates):
    module.register(router)
urlpatterns = router.urls
