"""Public pages: honest cache headers, and an application cache invalidated by what they show.

A view marks its response public with the keys of what it shows (`article-<id>` for
every article on the page, `home`, `category-<id>`, `tag-<id>`, `author-<id>` (an author
page), `byline-<id>` (an article page naming that profile), `search`, `archive`, `feeds`, `sitemaps`, and `site` for the navigation on every page).
PageCacheMiddleware, early in MIDDLEWARE, then:

- answers an anonymous GET from the `pages` cache before sessions, authentication and
  the database are touched; a request carrying the session or messages cookie goes
  through to the views;
- stores what such a request rendered when the page is public, answered 200, sets no
  cookie and varies on nothing, for PAGE_CACHE_SECONDS at most and never past the next
  scheduled article's time (listings would otherwise miss it);
- sends `Cache-Control: public, …`, an `ETag` (with 304 to a conditional GET) and an
  `xkey` header naming the keys, for the front cache; everything else, and every page
  a signed-in person sees, goes out `private, no-store`.

Invalidation is per key: each key has a generation token in the cache, a stored page
remembers the tokens of its keys, and `pages_invalidate(keys=...)` gives those keys new
tokens, so exactly the pages that showed them are rendered again; nothing is flushed.
A page rendered while any invalidation happened is not stored (it may hold old data).
Each invalidation also gives the site's stamp (SiteStamp, in the database) a new token:
the parts of pages kept in each process (articles.kept) are drawn anew everywhere.

Each invalidation also changes one site-wide epoch token, and a stored page carries the
epoch under which its tokens were last found current: a page whose stamp is the current
epoch is current from one cache read (the page and the epoch together), which is what
articles/pagecache_wsgi.py answers with before Django's handler runs. After any
invalidation the stamps differ; the middleware then compares the page's tokens (a second
read), and stamps it again when they still hold.
"""

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.paginator import Page
from django.db.models import Min, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.functional import LazyObject

from articles import frontcache
from articles.models import BREAKING_DEFAULT, Article, SiteStamp

PRIVATE = "private, no-store"
HIT_HEADER = "X-Page-Cache"
_GEN = "pagecache:gen:"
_EPOCH = "pagecache:epoch"
_NEXT_SCHEDULED = "pagecache:next-scheduled"
_NO_SCHEDULE = 0.0
# Never looked up or stored here: the newsroom, uploads, static files.
_NEVER = ("/admin/", "/editor/")
_FILES = ("/static/", "/media/")


def _pages():
    return caches[settings.PAGE_CACHE_ALIAS]


# --- marking a response public ----------------------------------------------------


def page_keys_set(response: HttpResponse, keys: Iterable[str]) -> HttpResponse:
    """Mark `response` as a public page showing `keys` (adds to keys already set)."""
    response.page_keys = getattr(response, "page_keys", set()) | {"site", *keys}
    return response


def article_keys(articles: Iterable[Article]) -> set[str]:
    return {f"article-{article.pk}" for article in articles}


def _articles_in(value, depth: int = 0) -> set[Article]:
    # What a page shows, read from its template context: an article, a list or page of
    # them, or (category, [articles]) pairs. A queryset counts only once it was read, so
    # collecting the keys never makes a query.
    if isinstance(value, LazyObject):
        value = value._wrapped  # a lazy value counts once it was computed, like a queryset
    if isinstance(value, Article):
        return {value}
    if depth > 2:
        return set()
    if isinstance(value, QuerySet):
        value = value._result_cache or []
    elif isinstance(value, Page):
        value = value.object_list if isinstance(value.object_list, list) else []
    if isinstance(value, list | tuple):
        found = set()
        for item in value:
            found |= _articles_in(item, depth + 1)
        return found
    return set()


def context_article_keys(context: dict) -> set[str]:
    """`article-<id>` for every article a page's template context holds."""
    found = set()
    for value in context.values():
        found |= _articles_in(value)
    return article_keys(found)


class PublicPageMixin:
    """For reading views: the response is public, keyed by `page_keys_for()` and every article shown."""

    def page_keys_for(self, context: dict) -> set[str]:
        return set()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        keys = self.page_keys_for(context)
        request = self.request
        response.add_post_render_callback(
            # Parts drawn from what the page kept (articles.kept) bring the keys they showed.
            lambda rendered: page_keys_set(
                rendered, keys | context_article_keys(context) | getattr(request, "kept_page_keys", set())
            )
        )
        return response


def public_page(*keys: str):
    """Decorate a function view (feeds, sitemaps, robots.txt) whose successful answers are public."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                page_keys_set(response, keys)
            return response

        return wrapped

    return decorator


# --- invalidation ------------------------------------------------------------------


def pages_invalidate(*, keys: Iterable[str]) -> None:
    """Render again, on their next request, exactly the pages that showed one of `keys`; tell the front cache."""
    keys = sorted(set(keys))
    if not keys:
        return
    token = uuid.uuid4().hex
    pages = _pages()
    pages.set_many({_GEN + key: token for key in keys}, timeout=None)
    pages.set(_EPOCH, token, timeout=None)
    if settings.KEPT_SECONDS > 0:
        site_stamp_advance()  # the parts pages keep (articles.kept) are drawn anew everywhere
    # A change of what is scheduled moves the time cached pages must not outlive.
    pages.delete(_NEXT_SCHEDULED)
    frontcache.purge(keys)


def article_page_keys(article: Article) -> set[str]:
    """The keys of every page an article is on, or now appears on."""
    keys = {f"article-{article.pk}", "home", "search", "archive", "feeds", "sitemaps"}
    if article.category_id:
        keys.add(f"category-{article.category_id}")
    keys |= {f"tag-{pk}" for pk in article.tags.values_list("pk", flat=True)}
    keys |= {f"author-{pk}" for pk in article.bylines.values_list("pk", flat=True)}
    return keys


def author_page_keys(author_id: int) -> set[str]:
    """The keys of every page showing a profile's name, slug or bio: its page, the article
    pages that sign with it, and the lists that print bylines or link author pages."""
    return {f"author-{author_id}", f"byline-{author_id}", "search", "feeds", "sitemaps"}


def article_changed(*, article: Article, was_public: bool) -> None:
    """An article_change_receivers entry: the pages that showed it, or will, are rendered anew."""
    pages_invalidate(keys=article_page_keys(article))


# --- headers -----------------------------------------------------------------------


def _next_scheduled() -> float:
    """The timestamp of the next scheduled article, or 0; cached until then (one query when not).

    With the page cache off nothing is queried and only a cached value caps the headers,
    so a site without any cache pays no query for a time nobody keeps pages by.
    """
    pages = _pages()
    value = pages.get(_NEXT_SCHEDULED)
    if value and value <= time.time():
        value = None  # its time has come (a cache's own clock may lag behind ours)
    if value is None and settings.PAGE_CACHE_SECONDS <= 0:
        return _NO_SCHEDULE
    if value is None:
        now = timezone.now()
        upcoming = next_change_by_the_clock(now)
        value = upcoming.timestamp() if upcoming else _NO_SCHEDULE
        timeout = max(1, int(value - now.timestamp())) if upcoming else settings.PAGE_CACHE_SECONDS
        pages.set(_NEXT_SCHEDULED, value, timeout=min(timeout, 24 * 3600))
    return value


def next_change_by_the_clock(now: datetime) -> datetime | None:
    """When a page changes with no edit: a scheduled article comes out, or a «عاجل» ends (one query)."""
    published = Q(status=Article.Status.PUBLISHED)
    breaking = published & Q(is_breaking=True)
    times = Article.objects.aggregate(
        scheduled=Min("published_at", filter=published & Q(published_at__gt=now)),
        breaking_end=Min("breaking_until", filter=breaking & Q(breaking_until__gt=now)),
        breaking_since=Min(
            "published_at",
            filter=breaking & Q(breaking_until__isnull=True, published_at__gt=now - BREAKING_DEFAULT),
        ),
    )
    if times["breaking_since"]:
        times["breaking_since"] += BREAKING_DEFAULT
    return min((at for at in times.values() if at), default=None)


def site_stamp_advance() -> int:
    """Give the site's stamp (SiteStamp) a new token and the next time pages change by the clock.

    Every part a page keeps (articles.kept) is drawn anew, in every process.
    """
    token = secrets.randbits(62)
    upcoming = next_change_by_the_clock(timezone.now())
    values = {"token": token, "changes_at": upcoming.timestamp() if upcoming else None}
    if not SiteStamp.objects.filter(pk=1).update(**values):
        # The row the migration made is gone (a database emptied by hand, or by the tests):
        # made again in one statement, which leaves alone a row another request made meanwhile.
        SiteStamp.objects.bulk_create([SiteStamp(pk=1, **values)], ignore_conflicts=True)
    return token


def page_lifetime() -> int:
    """Seconds a public page may be kept by any cache: the shared maximum, capped by the next scheduled article."""
    limit = settings.PAGE_SHARED_MAX_AGE
    upcoming = _next_scheduled()
    if upcoming:
        limit = min(limit, max(0, int(upcoming - time.time())))
    return limit


def _public_headers(response: HttpResponse, lifetime: int) -> None:
    response.headers.pop("Expires", None)
    response["Cache-Control"] = (
        f"public, max-age={min(settings.PAGE_MAX_AGE, lifetime)}, s-maxage={lifetime}, "
        f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}, stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )
    response["xkey"] = " ".join(sorted(response.page_keys))
    if not response.has_header("ETag"):
        # SHA-256 (cut to 128 bits): twice as fast as MD5 on processors with SHA instructions.
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'


def _private(response: HttpResponse) -> HttpResponse:
    response.headers.pop("Expires", None)
    response["Cache-Control"] = PRIVATE
    return response


# --- the middleware ----------------------------------------------------------------


def anonymous(*, cookies: dict, meta: dict) -> bool:
    """A request with no session, no message waiting and no credentials: a reader no page names."""
    return not (
        settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies or "HTTP_AUTHORIZATION" in meta
    )


def _anonymous(request) -> bool:
    return anonymous(cookies=request.COOKIES, meta=request.META)


def _shareable(request, response) -> bool:
    """A public page anyone may be given: nothing in it or around it belongs to one person."""
    return (
        getattr(response, "page_keys", None) is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and _anonymous(request)
    )


def _entry_key(request) -> str:
    return _address_key(
        scheme=request.scheme, host=request.get_host(), path=request.path, query=request.META.get("QUERY_STRING", "")
    )


def _address_key(*, scheme: str, host: str, path: str, query: str) -> str:
    # What the views read the address from, as Django decoded it (no re-quoting, the
    # costly part of get_full_path()); the path's length keeps a "?" inside it apart.
    address = f"{scheme}\n{host}\n{len(path)}:{path}\n{query}"
    return "pagecache:page:" + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def readers_request(request) -> bool:
    """An anonymous GET or HEAD of a reader's page: what the page cache answers and pages keep parts for."""
    return request.method in {"GET", "HEAD"} and not request.path_info.startswith(_NEVER) and _anonymous(request)


def _looked_up(request) -> bool:
    """A request the page cache may answer."""
    return settings.PAGE_CACHE_SECONDS > 0 and readers_request(request)


def _read(key: str) -> tuple[dict | None, str | None]:
    """One cache read: the page stored under `key` while still in its time (else None), and the epoch."""
    found = _pages().get_many([key, _EPOCH])
    entry = found.get(key)
    if entry is not None and entry["expires_at"] <= time.time():
        entry = None  # checked here too: the cache server's clock may not be this process's
    return entry, found.get(_EPOCH)


def _stamped_current(entry: dict, epoch: str | None) -> bool:
    """Nothing was invalidated since the page's tokens were last found current."""
    return epoch is not None and entry.get("epoch") == epoch


def _epoch_created() -> str | None:
    # Made before any page is stamped (a missing epoch matches no stamp), and never
    # replaced here: another process may have made it, or an invalidation set it, first.
    token = uuid.uuid4().hex
    pages = _pages()
    return token if pages.add(_EPOCH, token, timeout=None) else pages.get(_EPOCH)


def answered_path(path_info: str) -> bool:
    """A path the page cache answers at all: not the newsroom, not files."""
    return not path_info.startswith(_NEVER + _FILES)


def current_entry(*, scheme: str, host: str, path: str, query: str) -> dict | None:
    """current_page() for an address already found to be an anonymous GET of a page the cache answers."""
    entry, epoch = _read(_address_key(scheme=scheme, host=host, path=path, query=query))
    if entry is None or not _stamped_current(entry, epoch):
        return None
    return entry


def current_page(request) -> dict | None:
    """The page stored for an anonymous GET when its stamp says it is current (one cache read), else None.

    None means: let the middleware decide (a miss, a page to check token by token, a
    request the cache does not answer). `stored_response()` is the middleware's answer.
    """
    if request.method != "GET" or request.path_info.startswith(_FILES) or not _looked_up(request):
        return None
    entry, epoch = _read(_entry_key(request))
    if entry is None or not _stamped_current(entry, epoch):
        return None
    return entry


class PageCacheMiddleware:
    """See the module docstring. Place it before SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(_FILES):
            return self.get_response(request)  # their server sets their own headers
        if not _looked_up(request):
            return self._finish(request, self.get_response(request))
        key = _entry_key(request)
        entry, epoch = _read(key)
        if epoch is None:
            epoch = _epoch_created()
        if entry is not None and (_stamped_current(entry, epoch) or self._still_current(key, entry, epoch)):
            return stored_response(request, entry)
        response = self._finish(request, self.get_response(request))
        if request.method == "GET" and response.status_code == 200 and response.has_header("xkey"):
            self._store(key, response, epoch)
        response[HIT_HEADER] = "MISS"
        return response

    def _still_current(self, key, entry, epoch) -> bool:
        """Compare the page's tokens (a second read); when they hold, stamp it with `epoch`.

        `epoch` was read before the tokens, and an invalidation sets the tokens before the
        epoch: a stamp can only name an epoch under which the tokens were current.
        """
        pages = _pages()
        if pages.get_many(list(entry["generations"])) != entry["generations"]:
            return False
        remaining = int(entry["expires_at"] - time.time())
        if epoch is not None and remaining > 0:
            pages.set(key, {**entry, "epoch": epoch}, timeout=remaining)
        return True

    def _finish(self, request, response):
        if _shareable(request, response):
            _public_headers(response, page_lifetime())
            return get_conditional_response(request, etag=response["ETag"], response=response)
        # A view's own non-public header (the admin's never_cache, the health check) stays.
        control = response.get("Cache-Control", "")
        if not control or "public" in control or getattr(response, "page_keys", None) is not None:
            _private(response)
        return response

    def _store(self, key, response, epoch_at_start) -> None:
        pages = _pages()
        keys = response["xkey"].split()
        generation_keys = [_GEN + name for name in keys]
        generations = pages.get_many(generation_keys + [_EPOCH])
        if generations.pop(_EPOCH, None) != epoch_at_start:
            return  # something was invalidated while this page was rendered
        missing = {name: uuid.uuid4().hex for name in generation_keys if name not in generations}
        if missing:
            pages.set_many(missing, timeout=None)
            generations.update(missing)
        timeout = min(settings.PAGE_CACHE_SECONDS, page_lifetime())
        if timeout <= 0:
            return
        headers = {name: value for name, value in response.items() if name.lower() != HIT_HEADER.lower()}
        entry = {
            "content": response.content,
            "headers": headers,
            "generations": generations,
            "epoch": epoch_at_start,  # the tokens above were read under it (compared just before)
            "stored_at": time.time(),
            # Checked here too: the cache server's clock may not be this process's.
            "expires_at": time.time() + timeout,
        }
        pages.set(key, entry, timeout=timeout)


def hit_headers(entry: dict) -> dict[str, str]:
    """The headers of a stored page as the page cache sends it (before the middleware in front of it)."""
    # Caches after this one count its time against the page's lifetime.
    return {**entry["headers"], "Age": str(max(0, int(time.time() - entry["stored_at"]))), HIT_HEADER: "HIT"}


def stored_response(request, entry: dict) -> HttpResponse:
    """The page cache's answer from a stored page: the page, or 304 / 412 to a conditional request."""
    response = HttpResponse(entry["content"], headers=hit_headers(entry))
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if request.method == "HEAD":
        conditional.content = b""
    conditional[HIT_HEADER] = "HIT"
    return conditional
