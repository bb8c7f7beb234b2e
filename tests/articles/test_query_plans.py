"""On PostgreSQL, the public pages' queries read through indexes, never the whole articles table.

Every query the article, home, category and tag pages make is EXPLAINed on an archive
of 20,000 rows, ANALYZEd, so the planner sees a table where a sequential scan costs
what it will as the archive grows. PostgreSQL-only (marker `postgresql`): left out of the
SQLite run, run by CI's PostgreSQL pass.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import frontpage, models
from articles.models import Article
from articles.search import MAX_RANKED, _tsquery, parse_query, search_queryset
from tests.helpers import make_article, make_category

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]
ARCHIVE = 20_000
# The windows the pages rank by design (related: RELATED_WINDOW newest, the home's
# category blocks: articles.frontpage.BLOCK_WINDOW newest) are narrowed here to what they are at
# 50,000 articles, a small share of the table, so the planner weighs them as it will then.
WINDOW = 60
# A query returns at most a window, or the bounded listing count's 50 pages of ids.
MAX_ROWS = 50 * 12 + 1


@pytest.fixture(autouse=True)
def _narrow_windows(monkeypatch):
    monkeypatch.setattr(models, "RELATED_WINDOW", WINDOW)
    monkeypatch.setattr(frontpage, "BLOCK_WINDOW", WINDOW)


@pytest.fixture
def archive():
    categories = [make_category(), make_category()]
    seed = make_article(category=categories[0], tags=["أمن", "المغرب"])
    # Tags as a newsroom has them: many, each on a small share of the archive.
    tags = [Tag.objects.get(name="أمن"), Tag.objects.get(name="المغرب")]
    tags += Tag.objects.bulk_create([Tag(name=f"وسم {n}", slug=f"wasm-{n}") for n in range(98)])
    now = timezone.now()
    made = Article.objects.bulk_create(
        [
            Article(
                title=f"مقال {n}",
                slug=f"maqal-{n}",
                lead="مقدمة",
                category=categories[n % 2],
                status=Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT,
                published_at=now - timedelta(minutes=n + 5),
            )
            for n in range(ARCHIVE)
        ],
        batch_size=1000,
    )
    content_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=tags[n % len(tags)], content_type=content_type, object_id=a.pk) for n, a in enumerate(made)],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seed


def plans_of(client, url: str) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if query["sql"].startswith("SELECT") and "articles_article" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_public_pages_never_scan_the_articles_table(client, archive):
    pages = {
        "article": archive.get_absolute_url(),
        "home": "/",
        "category": archive.category.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "أمن"}),
    }
    for page, url in pages.items():
        plans = plans_of(client, url)
        assert plans, f"the {page} page reads articles"
        for sql, plan in plans:
            assert not re.search(r"Seq Scan on articles_article\s", plan), f"{page}: {sql}\n{plan}"
            # What the query returns stays within the page's rows and its windows.
            rows = int(re.search(r"rows=(\d+)", plan.splitlines()[0]).group(1))
            assert rows <= MAX_ROWS, f"{page}: {sql}\n{plan}"


@pytest.fixture
def searchable(archive):
    # The archive's titles indexed, with a word in every article, one in one article in
    # 25 and one in one in 2,000: what the newest window, the window of dates and the
    # GIN index alone answer.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET search_vector = to_tsvector('arabic', title || ' الحكومة'"
            " || CASE WHEN id % 25 = 0 THEN ' زلزال' ELSE '' END"
            " || CASE WHEN id % 2000 = 7 THEN ' بركان' ELSE '' END)"
        )
        cursor.execute("ANALYZE articles_article")
    return archive


def search_plans(client, query: str) -> list[tuple[str, str]]:
    """EXPLAIN of the search page's queries on articles, each under the settings it ran with."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": query}).status_code == 200
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        for query_ in queries.captured_queries:
            sql = query_["sql"]
            # A SET LOCAL lasts to the end of the search's own transaction (a savepoint here).
            if sql.startswith("SAVEPOINT"):
                cursor.execute("SAVEPOINT plan")
            elif sql.startswith("SET LOCAL"):
                cursor.execute(sql)
            elif sql.startswith("RELEASE SAVEPOINT"):
                cursor.execute("ROLLBACK TO SAVEPOINT plan")
            elif sql.startswith(("SELECT", "(")) and "articles_article" in sql:
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@pytest.mark.parametrize("word", ["الحكومة", "زلزال", "بركان"], ids=["in-every-article", "one-in-25", "rare"])
def test_search_never_scans_the_articles_table_and_finds_the_newest_matches(client, searchable, word):
    plans = search_plans(client, word)
    assert plans
    for sql, plan in plans:
        assert not re.search(r"Seq Scan on articles_article\s", plan), f"{word}: {sql}\n{plan}"
        rows = int(re.search(r"rows=(\d+)", plan.splitlines()[0]).group(1))
        assert rows <= MAX_ROWS, f"{word}: {sql}\n{plan}"

    # Whichever way they were found, the ranked ones are the newest matches.
    parsed = parse_query(word)
    published = Article.objects.published()
    newest = published.filter(search_vector=_tsquery(parsed)).order_by("-published_at", "-id")
    expected = list(newest.values_list("pk", flat=True)[:MAX_RANKED])
    assert sorted(search_queryset(published, parsed).values_list("pk", flat=True)) == sorted(expected)
    assert (len(expected) == MAX_RANKED) == (word != "بركان") and expected

    # The newest articles alone for the word in all; then a window of dates for the word
    # in one article in 25; the GIN index over the whole archive for the rare one.
    searches = [sql for sql, _plan in plans if "@@" in sql]
    windows = [sql for sql in searches[1:] if '"published_at" >=' in sql]
    assert (len(searches), len(windows)) == {"الحكومة": (1, 0), "زلزال": (2, 1), "بركان": (2, 0)}[word]
