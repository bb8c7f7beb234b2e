"""The site's URLs plus the benchmark's references (make bench-cache only):
/bench/bare/ a bare view in `cache_page`, also under /bench/bare/<any path> so that it can
be asked for at an address as long as the article's (the server decodes every
percent-escape of it: that cost is the address's, not the cache's), and
/static/bench/article.html a file of the article's bytes.

The file sits under /static/ as the site's real static files do: the page cache leaves
those paths and their headers alone, where it would mark any other response without page
keys `private, no-store` and so keep the front cache from storing the reference at all.
"""

import os

from django.http import FileResponse, HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page

from portal.urls import urlpatterns as site_urlpatterns

REFERENCE = os.environ.get("PORTAL_BENCH_REFERENCE_FILE", "")


@cache_page(300)
def bare(request, address=""):
    with open(REFERENCE, "rb") as handle:
        return HttpResponse(handle.read(), content_type="text/html; charset=utf-8")


def static_file(request):
    response = FileResponse(open(REFERENCE, "rb"), content_type="text/html; charset=utf-8")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=60, s-maxage=300"
    return response


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare/<path:address>", bare),
    path("static/bench/article.html", static_file),
    *site_urlpatterns,
]
