import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from articles.middleware import PortalWSGIHandler  # noqa: E402 - needs the apps loaded

# Django's handler, with a request that survives a hostile query string (see PortalWSGIRequest).
application = PortalWSGIHandler()
