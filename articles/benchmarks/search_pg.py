"""Benchmark (not a test): Arabic search latency on PostgreSQL with many articles.

    .venv/bin/python -m articles.benchmarks.search_pg [--articles 100000] [--rounds 20]

Uses DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/portal_search_bench
(a database of its own, created if missing; never the site's). Fills it up to N
published articles with three sections each, written from the demo articles' words
with a skewed word frequency, indexed the way the site indexes (search_document and the
weighted `arabic` tsvector, GIN), in batches. Then runs a set of queries — single
words, hamza and diacritic variants, prefixed forms, several words, quoted phrases —
and prints latency percentiles of:
  query  the search itself: the COUNT and the first page of results with their
         prefetches and highlighted snippets (what the view computes);
  page   the whole /search/?q= request through Django's test client.
A second run reuses the filled database (pass --refill to start again).
"""

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_search_bench"
QUERIES = [
    "الارهاب",
    "إرهاب",
    "التَّعاون",
    "التعـــاون",
    "بلجيكا",
    "٢٠٢٥",
    "غسيل الاموال",
    "الأمن الوطني",
    "المغرب",
    '"خطة عمل مشتركة"',
    '"الجريمة المنظمة"',
    "مكافحة الجريمة المنظمة",
    "الشرطة القضائية",
    "المنتخب الوطني",
    "الاستثمار",
    "وبلجيكا",
    "حموشي",
    "كلمةنادرةجدا",
    "الاتحاد الأوروبي الهجرة",
    "أمن الحدود",
    # Words a Moroccan archive holds in a large share of its articles (see COMMON).
    "الحكومة",
    "الحكومه",
    "حكومة",
    "المغربية",
    "والمغرب",
    "المملكة المغربية",
    "وزارة الداخلية",
    "الحكومة المغرب الوطني",
    '"الملك محمد السادس"',
    "رئيس الحكومة الاستثمار",
]
# Put at these Zipf ranks, so each is in a known share of the articles (rank 10 in
# most, rank 300 in about one in ten), as in a real archive; the rest are shuffled.
COMMON = {
    "المغرب": 8,
    "الحكومة": 25,
    "المغربية": 40,
    "المملكة": 60,
    "الوطني": 90,
    "وزارة": 120,
    "الداخلية": 300,
    "رئيس": 150,
    "الملك": 200,
    "محمد": 250,
    "السادس": 400,
    "الاستثمار": 600,
}


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def vocabulary():
    from articles.demo.content import ARTICLES, SEED
    from articles.demo.parse import parse_seed

    texts = [SEED["lead"], *SEED["tags"]]
    title, sections = parse_seed()
    texts.append(title)
    for section in sections:
        texts.append(section.heading)
        texts.append(re.sub(r"<[^>]+>", " ", section.html()))
    for _slug, title, lead, sections, tags, _published, _flags in ARTICLES:
        texts += [title, lead, *tags]
        for heading, paragraphs in sections:
            texts += [heading, *paragraphs]
    words = re.findall(r"[\u0600-\u06ff0-9]+", " ".join(texts))
    # Invented words widen the vocabulary the way a real archive's names and places do.
    rng = random.Random(7)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(3, 8))) for _ in range(50000)]
    words = list(dict.fromkeys(words))
    # Ranks for a Zipf-like frequency, shuffled so the demo's words are not all the
    # most frequent ones: "الإرهاب" should be in some articles, not in most.
    rng.shuffle(words)
    words = [word for word in words if word not in COMMON]
    for word, rank in sorted(COMMON.items(), key=lambda item: item[1]):
        words.insert(rank, word)
    return words


def fill(target, batch):
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article, Category, Section
    from articles.search import build_search_texts

    have = Article.objects.count()
    if have >= target:
        print(f"{have} articles already there")
        return
    categories = [
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": n})[0]
        for n, (name, slug) in enumerate(
            [("وطني", "watani"), ("دولي", "dawli"), ("أمن", "amn"), ("اقتصاد", "iqtisad"), ("رياضة", "riyada")]
        )
    ]
    words = vocabulary()
    cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    rng = random.Random(have)
    now = timezone.now()

    def sentence(n):
        return " ".join(rng.choices(words, cum_weights=cum_weights, k=n))

    started = time.perf_counter()
    done = have
    while done < target:
        size = min(batch, target - done)
        articles, section_rows, vectors = [], [], []
        for _ in range(size):
            title = sentence(rng.randint(7, 12))
            lead = sentence(rng.randint(18, 30))
            sections = [("", sentence(rng.randint(60, 120)))] + [
                (sentence(rng.randint(3, 6)), sentence(rng.randint(60, 120))) for _ in range(2)
            ]
            tags = [sentence(rng.randint(1, 2)) for _ in range(3)]
            texts = build_search_texts(
                title=title,
                lead=lead,
                headings=[h for h, _b in sections],
                bodies=[b for _h, b in sections],
                tags=tags,
            )
            articles.append(
                Article(
                    title=title[:200],
                    slug="maqal",
                    lead=lead[:400],
                    category=rng.choice(categories),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60)),
                    search_document=texts.document,
                )
            )
            section_rows.append(sections)
            vectors.append(texts)
        with transaction.atomic():
            Article.objects.bulk_create(articles, batch_size=batch)
            Section.objects.bulk_create(
                [
                    Section(
                        article=article,
                        position=n,
                        heading=heading,
                        anchor=f"s{n}" if heading else "",
                        body=f"<p>{body}</p>",
                    )
                    for article, sections in zip(articles, section_rows, strict=True)
                    for n, (heading, body) in enumerate(sections)
                ],
                batch_size=batch,
            )
            rows = [
                (article.pk, t.weight_a, t.weight_b, t.weight_c) for article, t in zip(articles, vectors, strict=True)
            ]
            values = ", ".join(["(%s::bigint, %s, %s, %s)"] * len(rows))
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE articles_article AS a SET search_vector ="
                    " setweight(to_tsvector('arabic', v.a), 'A') || setweight(to_tsvector('arabic', v.b), 'B')"
                    " || setweight(to_tsvector('arabic', v.c), 'C')"
                    f" FROM (VALUES {values}) AS v(id, a, b, c) WHERE a.id = v.id",
                    [value for row in rows for value in row],
                )
        done += size
        rate = (done - have) / (time.perf_counter() - started)
        print(f"\r{done}/{target} articles ({rate:.0f}/s)", end="", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_section")


def measure(rounds):
    from django.conf import settings
    from django.test import Client

    from articles.discovery import _article_text
    from articles.models import Article
    from articles.search import MatchesPaginator, highlight, parse_query, search_queryset

    client = Client()
    query_times, page_times, per_query = [], [], {}
    for raw in QUERIES:
        parsed = parse_query(raw)
        samples = []
        for round_ in range(rounds + 1):
            started = time.perf_counter()
            page = MatchesPaginator(
                search_queryset(Article.objects.published().for_search(), parsed), settings.ARTICLES_PER_PAGE
            ).get_page(1)
            found = page.paginator.count
            for article in page.object_list:
                highlight(article.title, parsed)
                highlight(_article_text(article), parsed, around=40)
            elapsed = (time.perf_counter() - started) * 1000
            if round_:  # the first round warms caches
                samples.append(elapsed)
        query_times += samples
        per_query[raw] = (found, statistics.median(samples))
        for round_ in range(max(3, rounds // 4) + 1):
            started = time.perf_counter()
            response = client.get("/search/", {"q": raw})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200
            if round_:
                page_times.append(elapsed)
    return query_times, page_times, per_query


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--refill", action="store_true", help="drop and recreate the benchmark database first")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.rsplit("/", 1)[1].split("?")[0] in {"portal", "postgres"}:
        sys.exit("Give the benchmark a database of its own (DATABASE_URL=.../portal_search_bench).")
    if args.refill:
        import psycopg

        name = url.rsplit("/", 1)[1].split("?")[0]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_HTTPS="0",
        DJANGO_SITE_URL="http://testserver",
        DJANGO_DEFAULT_FROM_EMAIL="news@testserver",
    )
    import django
    from django.conf import settings

    # Production settings but for the static files, which the benchmark does not collect.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every request of the "page" figure is rendered: no page or fragment cache answers it.
    settings.CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in settings.CACHES}
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    fill(args.articles, args.batch)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('articles_article')) FROM articles_article"
        )
        count, size = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('articles_article_search_vector_gin'))")
        (gin,) = cursor.fetchone()
    print(f"{count} articles, table {size}, GIN index {gin}; PostgreSQL {connection.pg_version}")

    query_times, page_times, per_query = measure(args.rounds)
    print(f"\n{'query':<28} {'results':>8} {'median ms':>10}")
    for raw, (found, median) in per_query.items():
        print(f"{raw:<28} {found:>8} {median:>10.1f}")
    for label, values in (("search (count + first page + snippets)", query_times), ("whole /search/ page", page_times)):
        print(
            f"\n{label}: n={len(values)}  p50={percentile(values, 50):.1f} ms  "
            f"p95={percentile(values, 95):.1f} ms  p99={percentile(values, 99):.1f} ms  max={max(values):.1f} ms"
        )


if __name__ == "__main__":
    main()
