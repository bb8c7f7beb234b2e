"""What public pages keep between requests: HTML drawn once per change of the site.

A page's parts that are the same for every reader (an article's story and comments, the
home's blocks, a listing's cards, the navigation) are drawn through the template engine
once and kept in this process under the site's stamp: a token in one database row
(SiteStamp) that `pages_invalidate()` replaces on every change the page cache is told
of (publish, edit, unpublish, a comment approved, a profile, category or tag edited).
Each page reads the token once (one small query), so a change is seen by every process
and server the moment it is committed, and nothing is flushed: a new token is a new key.

Pages also change with no edit: a scheduled article comes out, a «عاجل» ends. The row
says when (`changes_at`); the first request after that time gives the row a new token.
Relative times and «الأكثر قراءة» are kept per minute by the parts that show them.

Kept only for the requests the page cache may answer (an anonymous GET), never for a
signed-in person, a preview, a reader with a message to see, or what varies per reader
(the comment form's signed value is filled in per request). Kept at most KEPT_SECONDS
(what a shared cache may keep a page anyway) and within KEPT_MEMORY characters a process,
least recently used out first. KEPT_SECONDS = 0 turns it off, and then invalidations leave
the stamp alone: every process of a site must run with the same setting.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.utils import timezone, translation
from django.utils.autoreload import file_changed

from articles.pagecache import page_lifetime, readers_request, site_stamp_advance

KEPT_MEMORY = 4_000_000  # characters (about 8 MB of Arabic HTML) a process at most

_kept: OrderedDict[tuple, tuple] = OrderedDict()
_size = 0


def forget_kept(**kwargs) -> None:
    global _size
    _kept.clear()
    _size = 0


file_changed.connect(forget_kept, dispatch_uid="articles.kept.forget")


# --- the site's stamp ------------------------------------------------------------------


def site_token(request) -> int:
    """The site's stamp for this request: read once (one small query), then remembered on the request."""
    token = getattr(request, "site_token", None)
    if token is None:
        # Written out: the ORM would spend more compiling this than the database answering it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT token, changes_at FROM articles_sitestamp WHERE id = 1")
            token, changes_at = cursor.fetchone() or (None, None)
        if token is None or (changes_at is not None and changes_at <= time.time()):
            token = site_stamp_advance()
        request.site_token = token
    return token


# --- what is kept ----------------------------------------------------------------------


def kept_enabled(request) -> bool:
    """A request whose page may be drawn from kept parts: what the page cache would answer, for a host Django serves."""
    if request is None:
        return False
    enabled = getattr(request, "keeps_parts", None)
    if enabled is None:
        enabled = request.keeps_parts = settings.KEPT_SECONDS > 0 and readers_request(request) and _host_served(request)
    return enabled


def _host_served(request) -> bool:
    # An error page for a host not allowed draws everything: no key is made from that host.
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def kept(request, key: tuple, draw: Callable[[], object]):
    """What `draw()` returns for `key` under the site's current stamp: drawn at most once per stamp and process.

    `draw` returns the value to keep; a str counts for its length against KEPT_MEMORY,
    anything else for a few hundred characters.
    """
    global _size
    where = getattr(request, "kept_where", None)
    if where is None:  # the same for every part of one page
        where = request.kept_where = (
            site_token(request),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            request.scheme,
            request.get_host(),
        )
    full_key = (*key, *where)
    now = time.time()
    found = _kept.get(full_key)
    if found is not None and found[1] > now:
        _kept.move_to_end(full_key)
        return found[0]
    value = draw()
    size = _weight(value)
    if found is not None:
        _size -= found[2]
    _kept[full_key] = (value, now + _lifetime(), size)
    _size += size
    while _size > KEPT_MEMORY and len(_kept) > 1:
        _, (_, _, dropped) = _kept.popitem(last=False)
        _size -= dropped
    return value


def kept_value(request, key: tuple, compute: Callable[[], object]):
    """`compute()`, kept like a part of a page when `request` may be drawn from kept parts, else computed."""
    if not kept_enabled(request):
        return compute()
    return kept(request, ("value", *key), compute)


def kept_categories(request) -> dict:
    """The site's categories by id, read once per change of the site ({} when nothing is kept for `request`)."""
    if not kept_enabled(request):
        return {}
    from articles.models import Category

    return kept(request, ("categories",), lambda: {category.pk: category for category in Category.objects.all()})


def _lifetime() -> int:
    """KEPT_SECONDS, and with the page cache on, no longer than it would store a page (its next scheduled time)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return settings.KEPT_SECONDS
    return min(settings.KEPT_SECONDS, page_lifetime())


def _weight(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_weight(item) for item in value)
    return 200
