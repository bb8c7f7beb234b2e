"""The site's URLs plus `make bench`'s reference: /bench/reference/?pk=N, a deliberately
bare view: one row from the database, one template of the article page's byte size."""

import os
from functools import cache

from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import path

from articles.models import SEARCH_FIELDS, Article
from portal.urls import urlpatterns as site_urlpatterns


@cache
def _template():
    # Compiled once per process, as the cached template loader does for the site's templates.
    with open(os.environ["PORTAL_BENCH_REFERENCE_FILE"], encoding="utf-8") as handle:
        return engines["django"].from_string(handle.read())


def reference(request):
    article = Article.objects.defer(*SEARCH_FIELDS).filter(pk=request.GET.get("pk") or 0).first()
    if article is None:
        raise Http404
    return HttpResponse(_template().render({"article": article}, request))


urlpatterns = [path("bench/reference/", reference), *site_urlpatterns]
