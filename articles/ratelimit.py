"""One rate limit for every reader form: count an attempt, answer 429 with Retry-After when over."""

import time

import django_fast_ratelimit as ratelimit
from django.http import HttpResponse
from django.shortcuts import render


def rate_limit_wait(*, group: str, key: str, rate: str) -> int:
    """Count one attempt of `key` against `rate` ("10/10m"); the seconds to wait if over it, else 0.

    An empty `rate` turns the limit off. The caller computes the key (a hashed address,
    an email): this module never reads the request.
    """
    if not rate:
        return 0
    limit = ratelimit.get_ratelimit(group=group, key=key.encode(), rate=rate, action=ratelimit.Action.INCREASE)
    return max(1, int(limit.end - time.time())) if limit.request_limit else 0


def too_many_requests(request, template: str, context: dict, *, wait: int) -> HttpResponse:
    """The Arabic page that says to slow down: status 429 and the seconds in Retry-After."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(request, *, group: str, key: str, rate: str, template: str, context: dict) -> HttpResponse | None:
    """Count one attempt; the 429 page to answer with when over the limit, else None."""
    wait = rate_limit_wait(group=group, key=key, rate=rate)
    return too_many_requests(request, template, context, wait=wait) if wait else None
