"""The page cache at the WSGI entry: a current stored page is answered before Django's handler.

For an anonymous GET without a body, PageCacheEntry reads the address from the environ
as Django's request reads it (scheme, allowed host, decoded path, query string) and asks
`pagecache.current_entry()`: the middleware's key, and one cache read that returns the
page with what says it is current (its epoch stamp). Django's own request is built only
where the environ alone cannot tell (a conditional request, no Host header, a forwarded
host) and for the first page of each scheme, which learns the headers described below. It
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
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.http import HttpResponse, parse_cookie
from django.http.request import split_domain_port, validate_host
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


def _reader_address(environ) -> tuple[bool, str, str] | None:
    """(secure, host, path) of a GET the page cache may answer, read from the environ as Django's request reads them.

    None when the page cache does not answer it (a session or messages cookie,
    credentials, the newsroom, files, a host not allowed) or only Django's own request
    can tell (no Host header, a forwarded host).
    """
    host = environ.get("HTTP_HOST")
    if not host or settings.USE_X_FORWARDED_HOST or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    cookies = parse_cookie(environ["HTTP_COOKIE"]) if "HTTP_COOKIE" in environ else {}
    if not pagecache.anonymous(cookies=cookies, meta=environ):
        return None
    domain, _ = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    if not domain or not validate_host(domain, allowed):
        return None
    path_info = get_path_info(environ) or "/"
    if not pagecache.answered_path(path_info):
        return None
    path = "{}/{}".format(get_script_name(environ).rstrip("/"), path_info.replace("/", "", 1))
    return _secure(environ), host, path


def _secure(environ) -> bool:
    # As HttpRequest.scheme reads it.
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


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
        path, status, headers, body = answer
        start_response(status, headers)
        access_log.request_logged(method="GET", path=path, status=int(status[:3]), started=started)
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
            address = _reader_address(environ)
        except Exception:  # noqa: BLE001 - Django answers it: an unreadable address
            return None
        if address is None:
            return None
        secure, host, path = address
        if secure in self.added_headers and not any(name in environ for name in _PRECONDITIONS):
            # The usual hit: no request object, one cache read.
            entry = pagecache.current_entry(
                scheme="https" if secure else "http", host=host, path=path, query=environ.get("QUERY_STRING", "")
            )
            if entry is None:
                return None
            headers = [*pagecache.hit_headers(entry).items()]
            present = {name.lower() for name, _ in headers}
            headers += [(name, value) for name, value in self.added_headers[secure] if name.lower() not in present]
            return path, "200 OK", headers, entry["content"]
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
        return request.path, status, headers, body

    def _added_headers(self, request):
        secure = request.is_secure()
        if secure not in self.added_headers:
            sent = self.in_front(request)
            if sent is not request.empty_page or sent.cookies:
                return None  # refused or redirected: Django answers it (and this is learnt another time)
            empty = HttpResponse().headers
            self.added_headers[secure] = [(name, value) for name, value in sent.items() if name not in empty]
        return self.added_headers[secure]
