"""Purging the front cache (Varnish with xkey, deploy/varnish/portal.vcl) by surrogate key.

Pages carry an `xkey` header naming what they show (`article-12 category-3 home`); when
one of those changes, `purge(keys)` asks every front cache in FRONT_CACHE_URLS to drop
the pages tagged with any of the keys. Empty FRONT_CACHE_URLS (the default): nothing
to purge. A front cache that does not answer is logged, never raised into publishing:
its copies then age out by their s-maxage.
"""

import http.client
import logging
import re
import urllib.parse
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction

logger = logging.getLogger("portal.frontcache")

# What may go into a header value: the application's keys are ASCII words.
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def purge(keys: Iterable[str]) -> None:
    """Purge the pages tagged with any of `keys` from every front cache, once the current
    transaction commits (at once outside one)."""
    if not settings.FRONT_CACHE_URLS:
        return
    keys = {str(key) for key in keys}
    wanted = sorted(key for key in keys if _KEY.match(key))
    if len(wanted) < len(keys):
        logger.warning("front cache keys not purged, not header-safe: %r", sorted(keys - set(wanted)))
    if not wanted:
        return
    transaction.on_commit(partial(_send, wanted))


def _send(keys: list[str]) -> None:
    for url in settings.FRONT_CACHE_URLS:
        try:
            status = _purge_one(url, keys)
        except (OSError, http.client.HTTPException) as error:
            logger.warning("front cache %s not purged (%s): %s", url, " ".join(keys), error)
            continue
        if status != 200:
            logger.warning("front cache %s refused the purge (%s): HTTP %s", url, " ".join(keys), status)


def _purge_one(url: str, keys: list[str]) -> int:
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=settings.FRONT_CACHE_TIMEOUT)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
