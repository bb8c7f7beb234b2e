"""The «الأكثر قراءة» count behind a cache: the article page reports its own view.

A cached page never reaches the view that rendered it, so site.js sends one small POST
(`navigator.sendBeacon`) to /v/<id>/ once the page is shown. Crawlers that do not run
scripts never send it, and the User-Agent check drops those that do; each client
address may report a bounded number of views. The answer is a bodiless 204, never
stored by any cache. Readers without JavaScript are not counted: an image pixel would
count every crawler and link previewer that fetches images, too.
"""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.clients import client_address
from articles.ratelimit import rate_limit_wait
from articles.sameorigin import is_same_origin_post
from articles.services import article_view_record


@csrf_exempt  # no cookie to protect; where it comes from is checked below
@never_cache
@require_POST
def view_beacon(request, article_id: int):
    """Count one reader's view of an article; 204 whether counted or not, 403 from another site, 429 when too many."""
    if not is_same_origin_post(request):
        return HttpResponse(status=403)
    wait = rate_limit_wait(group="articles:view-beacon", key=client_address(request), rate=settings.VIEW_BEACON_RATE)
    if wait:
        response = HttpResponse(status=429)
        response["Retry-After"] = str(wait)
        return response
    # No query: the counter lives in the cache, and the fold drops ids of no article.
    article_view_record(article_id=article_id, user_agent=request.headers.get("User-Agent", ""))
    return HttpResponse(status=204)
