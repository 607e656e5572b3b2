"""The site's URLs and one view the access matrix does not list: the meta-test must name it."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site

urlpatterns = [*site, path("unlisted/", lambda request: HttpResponse("not in the matrix"), name="unlisted-view")]
