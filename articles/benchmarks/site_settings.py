"""Settings of `make bench` alone: the site's own, plus the bare reference view."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "articles.benchmarks.site_urls"
