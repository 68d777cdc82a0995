from rest_framework.routers import DefaultRouter

from bangkit.programs.api import participation, planning

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (planning, participation):
    module.register(router)
urlpatterns = router.urls
