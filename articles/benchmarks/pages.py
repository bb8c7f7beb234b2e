"""Benchmark (not a test): how fast the public pages render, in-process.

    .venv/bin/python -m articles.benchmarks.pages [--articles 2000] [--requests 200]

Builds a throw-away SQLite database (or uses DATABASE_URL's server with a new
database name), loads the demo content plus N articles, then requests the home page,
a category page and the seed article through Django's test client and prints
requests per second, latency percentiles and queries per page.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--show-queries", action="store_true", help="print each page's slowest queries")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_HTTPS="0",
        DJANGO_SITE_URL="http://testserver",
        DJANGO_DEFAULT_FROM_EMAIL="news@testserver",
    )
    os.environ["DJANGO_SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp())
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from articles.models import Article, Category, Section

    # As in Django's test runner: keep one connection across requests, so the
    # measurement is the page, not reconnecting to the database.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    categories = list(Category.objects.all())
    now = timezone.now()
    batch = [
        Article(
            title=f"مقال رقم {n} عن التعاون الأمني والاقتصاد",
            slug=f"maqal-{n}",
            lead="مقدمة قصيرة تصف محتوى المقال للقارئ.",
            category=categories[n % len(categories)],
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(args.articles)
    ]
    created = Article.objects.bulk_create(batch, batch_size=500)
    Section.objects.bulk_create(
        [Section(article=a, position=0, body="<p>نص المقال.</p>" * 8) for a in created], batch_size=500
    )
    seed = Article.objects.get(title__startswith="السيد عبد اللطيف حموشي")
    client = Client()
    pages = {"home": "/", "category": categories[0].get_absolute_url(), "article": seed.get_absolute_url()}
    print(f"{Article.objects.count()} articles, {args.requests} requests per page, SQLite, local-memory cache")
    for name, url in pages.items():
        client.get(url)  # warm caches (thumbnails, templates)
        connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
        with CaptureQueriesContext(connection) as queries:  # forces query logging for this one request
            client.get(url)
        query_count = len(queries)  # read now: the next request resets the query log
        if args.show_queries:
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:9s} {1000 / statistics.mean(timings):7.1f} req/s   p50 {statistics.median(timings):6.2f} ms"
            f"   p95 {p95:6.2f} ms   {query_count} queries"
        )


if __name__ == "__main__":
    sys.exit(main())
