from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("audit/", include("audit.urls")),
    path("meetings/", include("meetings.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("decisions/", include("decisions.urls")),
    path("liaison/", include("liaison.urls")),
    path("recognition/", include("recognition.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("core.imports_urls")),
    path("api/", include("qiangji.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
