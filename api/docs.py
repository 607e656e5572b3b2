"""The OpenAPI schema and its browsable docs (Swagger UI), every asset served locally (drf-spectacular-sidecar).

The split view serves the page's start-up script as a file of its own: no inline script, as the site's
pages (a strict Content-Security-Policy stays possible).
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
