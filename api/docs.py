"""The OpenAPI schema and its browsable docs, every asset served locally."""

urlpatterns = []
