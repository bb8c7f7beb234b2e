"""One log line per request, the same under runserver and gunicorn:

    2026-12-02T03:10:04+0100 INFO portal.access GET /healthz 200 4ms

The path is logged without its query string: searches and tokens stay out of the logs.
Pages answered before Django (articles/pagecache_wsgi.py) write the same line.
"""

import logging
import time

logger = logging.getLogger("portal.access")


def request_logged(*, method: str, path: str, status: int, started: float) -> None:
    """Write the line of a request that began at `started` (time.monotonic())."""
    if logger.isEnabledFor(logging.INFO):
        duration_ms = round((time.monotonic() - started) * 1000)
        # logger.info() without its search of the stack for the caller's file and line,
        # which the line does not show: half the cost of a line, paid on every request.
        record = logger.makeRecord(
            logger.name, logging.INFO, "", 0, "%s %s %s %sms", (method, path, status, duration_ms), None
        )
        logger.handle(record)


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        request_logged(method=request.method, path=request.path, status=response.status_code, started=started)
        return response
