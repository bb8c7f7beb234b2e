"""One log line per request, the same under runserver and gunicorn:

    2026-12-02T03:10:04+0100 INFO portal.access GET /healthz 200 4ms

The path is logged without its query string: searches and tokens stay out of the logs.
"""

import logging
import time

logger = logging.getLogger("portal.access")


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000)
        logger.info("%s %s %s %sms", request.method, request.path, response.status_code, duration_ms)
        return response
