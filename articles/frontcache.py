"""The front cache (Varnish, `make serve`): told which keys' pages changed.

articles.pagecache calls purge() with the keys it has just invalidated; the front cache
holds the same keys in each page's `xkey` header.
"""


def purge(keys):
    """Drop from the front cache every page whose `xkey` header names one of `keys` (placeholder: no front cache)."""
    return None
