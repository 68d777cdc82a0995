from rest_framework.routers import DefaultRouter

from bangkit.regions.api.views import RegionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("", RegionViewSet, basename="region")
urlpatterns = router.urls
