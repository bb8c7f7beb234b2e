import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from articles.middleware import PortalWSGIHandler  # noqa: E402 - needs the apps loaded
from articles.pagecache_wsgi import PageCacheEntry  # noqa: E402

# Django's handler, with a request that survives a hostile query string (see
# PortalWSGIRequest), behind the page cache's answer to readers (articles/pagecache_wsgi.py).
application = PageCacheEntry(PortalWSGIHandler())
