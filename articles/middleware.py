"""A malformed request is the client's error: an Arabic 400, never a 500."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.db import DataError
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

logger = logging.getLogger("django.security.malformed")

# What a body may declare: the form bound plus an image upload, with room for the
# multipart framing. Anything larger is refused before a byte of it is read.
_MARGIN = 1024 * 1024


def _body_limit() -> int:
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.IMAGE_UPLOAD_MAX_MB * 1024 * 1024) + _MARGIN


class MalformedRequestMiddleware:
    """Refuse what no browser sends, and turn input errors raised deep inside Django into 400s.

    - a `Content-Length` that is not a plain number, or larger than any form or upload;
    - a NUL byte in the path or the query string (PostgreSQL refuses it in any string);
    - a body Django cannot parse (broken multipart, an unknown charset), found here
      rather than in the CSRF check, where it would be a 500;
    - a date filter past what the admin's drill-down can compute;
    - a number too large for its column, in the admin's filters or an object's id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            logger.warning("Malformed request refused (%s): %s %s", problem, request.method, request.path[:200])
            return _bad_request(request)
        return self.get_response(request)

    def _problem(self, request) -> str:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit():
            return "content length is not a number"
        if int(length) > _body_limit():
            return "body too large"
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return "NUL byte in the address"
        try:
            request.GET  # noqa: B018 - more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS raise here
        except SuspiciousOperation:
            request.GET = QueryDict()  # so the error page itself can still read it
            return "too many query fields"
        if any(not _in_range(key, values) for key, values in request.GET.lists() if key.endswith(_DATE_PARTS)):
            return "date filter out of range"
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            try:
                request.POST  # noqa: B018 - parse now, where a broken body can still be answered
            except (
                BadRequest,  # a form body not in UTF-8
                SuspiciousOperation,  # too many fields, too large
                MultiPartParserError,
                UnicodeDecodeError,
                LookupError,
                ValueError,
                OverflowError,
            ) as error:
                request._mark_post_parse_error()  # what Django does itself: later reads see an empty form
                return f"unreadable body: {type(error).__name__}"
        return ""

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError):
            logger.warning("Input out of range: %s %s", request.method, request.path[:200], exc_info=exception)
            return _bad_request(request)
        return None


# The admin's date drill-down (?published_at__year=…) computes the next year, month or day
# and fails past these bounds (year 9999 has no next year).
_DATE_BOUNDS = {"__year": (1, 9998), "__month": (1, 12), "__day": (1, 31)}
_DATE_PARTS = tuple(_DATE_BOUNDS)


def _in_range(key: str, values: list[str]) -> bool:
    low, high = next(bounds for part, bounds in _DATE_BOUNDS.items() if key.endswith(part))
    return all(value.isdigit() and len(value) <= 4 and low <= int(value) <= high for value in values)


def _bad_request(request):
    return render(request, "400.html", status=400)


def bad_request_view(request, exception=None):
    """The site's handler400: Django's own is CSRF-decorated and reads a broken body again (a 500)."""
    return _bad_request(request)


class PortalWSGIRequest(WSGIRequest):
    """Django's request, built without parsing the query string.

    Django's `encoding` setter asks `hasattr(self, "GET")`, which parses the query while
    the request is still being built: a body with a charset and a query of over 1,000
    fields then raise before any middleware can answer (a 500 from the server).
    """

    @property
    def encoding(self):
        return self._encoding

    @encoding.setter
    def encoding(self, value):
        self._encoding = value
        self.__dict__.pop("GET", None)
        if hasattr(self, "_post"):
            del self._post


class PortalWSGIHandler(WSGIHandler):
    request_class = PortalWSGIRequest
