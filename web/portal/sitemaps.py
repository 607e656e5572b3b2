"""The portal's sitemap (django.contrib.sitemaps): every published item's page and every yearly list."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from portal.models import PublishedReply


class Items(Sitemap):
    changefreq = "monthly"

    def items(self):
        return PublishedReply.objects.values("item_id").annotate(last=Max("published_at")).order_by("item_id")

    def location(self, row):
        return reverse("portal:item", args=[row["item_id"]])

    def lastmod(self, row):
        return row["last"]


class Years(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            PublishedReply.objects.values("district__code", "year")
            .annotate(last=Max("published_at"))
            .order_by("district__code", "-year")
        )

    def location(self, row):
        return reverse("portal:year", args=[row["district__code"], row["year"]])

    def lastmod(self, row):
        return row["last"]


SITEMAPS = {"items": Items, "years": Years}
