"""The public portal, under /public/: no login."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .public import public_page
from .sitemaps import SITEMAPS

app_name = "portal"

SITEMAP_AGE = 3600

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<int:pk>/", views.item, name="item"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path(
        "sitemap.xml",
        public_page(SITEMAP_AGE)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(SITEMAP_AGE)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("<slug:code>/", views.district, name="district"),
    path("<slug:code>/on-request/", views.on_request, name="on_request"),
    path("<slug:code>/<int:year>/", views.district, name="year"),
]
