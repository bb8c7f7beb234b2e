"""The page cache at the WSGI entry: a current stored page is answered before Django's handler.

For an anonymous GET without a body, PageCacheEntry builds Django's own request from the
environ and asks `pagecache.current_page()`: the middleware's rules and key, and one
cache read that returns the page with what says it is current (its epoch stamp). It
sends the page with the headers the page cache gives it, the headers the middleware
in front of the page cache add (learnt from that middleware itself, below), and the
access-log line; a conditional request gets the middleware's own answer (304, 412).
Skipped are the handler's signals, URL resolving and every middleware after the cache.

Everything else goes to Django's application unchanged: a miss, a page to be checked
token by token (its stamp is older than the last invalidation), HEAD, POST, a request
with a body, a session or messages cookie, the newsroom, files, and any request Django
must refuse itself (a host not allowed, an address it cannot read).

Why skipping the request side of the middleware in front is sound: a page is stored
only once Django's whole chain answered its address 200, and what that middleware
refuses by the address alone (a NUL byte, too many query fields, plain http under
SECURE_SSL_REDIRECT) it refuses for every request to that address, so such an address
has no stored page; what it refuses by other headers (a body) is sent to Django here.
The headers it adds depend only on whether the request is secure (HSTS): for each of
the two, the first page answered here runs that middleware (all but the access log,
written here) around an empty response and keeps the headers it added, and they are
added to each page as that middleware does: unless the page has its own.
"""

import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string

from articles import access_log, pagecache
from articles.middleware import PortalWSGIRequest

PAGE_CACHE_MIDDLEWARE = "articles.pagecache.PageCacheMiddleware"
ACCESS_LOG_MIDDLEWARE = "articles.access_log.AccessLogMiddleware"
_PRECONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


def _empty_page(request):
    request.empty_page = HttpResponse()
    return request.empty_page


def _in_front_of_page_cache():
    """The middleware listed before the page cache but the access log, around `_empty_page`; None without a page cache."""
    if PAGE_CACHE_MIDDLEWARE not in settings.MIDDLEWARE:
        return None
    handler = _empty_page
    for path in reversed(settings.MIDDLEWARE[: settings.MIDDLEWARE.index(PAGE_CACHE_MIDDLEWARE)]):
        if path != ACCESS_LOG_MIDDLEWARE:
            handler = import_string(path)(handler)
    return handler


class PageCacheEntry:
    """WSGI application: Django's `application`, with current stored pages answered first."""

    def __init__(self, application):
        self.application = application
        self.in_front = _in_front_of_page_cache()
        self.added_headers = {}  # request.is_secure() -> [(name, value)] the middleware in front adds

    def __call__(self, environ, start_response):
        started = time.monotonic()
        answer = self._stored_answer(environ)
        if answer is None:
            return self.application(environ, start_response)
        request, status, headers, body = answer
        start_response(status, headers)
        access_log.request_logged(method=request.method, path=request.path, status=int(status[:3]), started=started)
        return [body]

    def _stored_answer(self, environ):
        if (
            self.in_front is None
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("CONTENT_LENGTH", "") not in {"", "0"}
            or "HTTP_TRANSFER_ENCODING" in environ
        ):
            return None
        try:
            # A copy: the request writes its decoded path into what it is given, and
            # Django's handler must read the environ as the server wrote it.
            request = PortalWSGIRequest(environ.copy())
            entry = pagecache.current_page(request)
            added = None if entry is None else self._added_headers(request)
        except Exception:  # noqa: BLE001 - Django answers it: a host not allowed, an unreadable address
            return None
        if added is None:
            return None
        if any(name in environ for name in _PRECONDITIONS):
            response = pagecache.stored_response(request, entry)
            status, headers, body = (
                f"{response.status_code} {response.reason_phrase}",
                [*response.items()],
                response.content,
            )
        else:
            # What stored_response() gives when nothing is asked of it, without building it.
            status, headers, body = "200 OK", [*pagecache.hit_headers(entry).items()], entry["content"]
        present = {name.lower() for name, _ in headers}
        headers += [(name, value) for name, value in added if name.lower() not in present]
        return request, status, headers, body

    def _added_headers(self, request):
        secure = request.is_secure()
        if secure not in self.added_headers:
            sent = self.in_front(request)
            if sent is not request.empty_page or sent.cookies:
                return None  # refused or redirected: Django answers it (and this is learnt another time)
            empty = HttpResponse().headers
            self.added_headers[secure] = [(name, value) for name, value in sent.items() if name not in empty]
        return self.added_headers[secure]
