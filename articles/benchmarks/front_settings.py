"""Settings of `make bench-cache` alone: the site's own, plus the two reference URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "articles.benchmarks.front_urls"
