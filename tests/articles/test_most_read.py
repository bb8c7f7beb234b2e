"""«الأكثر قراءة»: views counted in the cache (no write per request), bots ignored,
folded into ArticleDailyViews by a task or the fold_views command, shown on the home
and article pages. Runs with the local-memory cache and, in CI, with Redis."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import readership
from articles.models import Article, ArticleDailyViews
from articles.readership import FOLD_INTERVAL, MOST_READ_COUNT, fold_in_process, is_bot, views_fold
from articles.services import article_unpublish
from tests.helpers import make_article, make_category, make_editor, run_tasks

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
    "WhatsApp/2.23.20.0",
    "curl/8.5.0",
    "",
]


def read(client, article, user_agent=BROWSER):
    # What a browser does: the page, then the beacon its script sends (articles.beacon).
    response = client.get(article.get_absolute_url(), HTTP_USER_AGENT=user_agent)
    assert response.status_code == 200
    beacon = re.search(r'data-view-beacon="([^"]+)"', response.content.decode()).group(1)
    assert client.post(beacon, HTTP_USER_AGENT=user_agent).status_code == 204
    return response


def views_of(article):
    return sum(ArticleDailyViews.objects.filter(article=article).values_list("count", flat=True))


def most_read_titles(page):
    block = re.search(r'<section class="most-read".*?</section>', page, re.S)
    return re.findall(r'<li><a href="[^"]*">(.*?)</a>', block.group(0)) if block else []


@pytest.mark.parametrize("user_agent", BOTS)
def test_known_bots_are_recognised(user_agent):
    assert is_bot(user_agent)


def test_browsers_are_readers():
    assert not is_bot(BROWSER)
    assert not is_bot(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1"
    )


def test_a_view_writes_nothing_to_the_database_until_folded(client):
    article = make_article()
    read(client, article)
    with CaptureQueriesContext(connection) as queries:
        read(client, article)
        read(client, article)
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert ArticleDailyViews.objects.count() == 0
    call_command("fold_views", verbosity=0)
    assert views_of(article) == 3


def test_bots_are_not_counted(client):
    article = make_article()
    for user_agent in BOTS:
        read(client, article, user_agent)
    read(client, article)
    assert views_fold() == 1
    assert views_of(article) == 1


def test_folding_adds_up_and_never_counts_twice(client):
    first, second = make_article(), make_article()
    for _ in range(3):
        read(client, first)
    read(client, second)
    assert views_fold() == 4
    assert views_fold() == 0  # nothing new
    read(client, first)
    assert views_fold() == 1
    assert (views_of(first), views_of(second)) == (4, 1)
    row = ArticleDailyViews.objects.get(article=first)
    assert row.day == timezone.localdate()


def test_a_fold_is_queued_once_counts_have_waited_and_the_worker_folds_them(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    # With a shared cache (Redis) the database worker folds; see the next test for
    # the local-memory cache.
    monkeypatch.setattr("articles.readership.fold_in_process", lambda: False)
    article = make_article()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            read(client, article)
            read(client, article)
        assert DBTaskResult.objects.count() == 0  # too soon
        clock.shift(timedelta(seconds=FOLD_INTERVAL + 1))
        with django_capture_on_commit_callbacks(execute=True):
            read(client, article)
            read(client, article)  # the fold is queued once, not per view
        assert DBTaskResult.objects.count() == 1
        assert views_of(article) == 0
        run_tasks()
    assert views_of(article) == 4
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_with_a_process_local_cache_the_site_folds_its_own_counts(client, monkeypatch):
    # The worker runs in another process and could not see a local-memory cache.
    monkeypatch.setattr("articles.readership.fold_in_process", lambda: True)
    article = make_article()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        read(client, article)
        read(client, article)
        assert views_of(article) == 0  # too soon
        clock.shift(timedelta(seconds=FOLD_INTERVAL + 1))
        read(client, article)
        assert views_of(article) == 3
        read(client, article)  # not again within the interval
        assert views_of(article) == 3
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize(
    ("backend", "folds_here"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        # Any cache other processes share (Redis, memcached, a database table) leaves it to the worker.
        ("django.core.cache.backends.db.DatabaseCache", False),
    ],
)
def test_only_a_process_local_cache_folds_in_the_web_process(settings, backend, folds_here):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "most-read-test"}}
    assert fold_in_process() is folds_here


def test_most_read_block_on_home_and_article_pages(client):
    category = make_category()
    popular = make_article("الأكثر قراءة اليوم", category=category)
    second = make_article("الثاني قراءة", category=category)
    make_article("لم يقرأه أحد", category=category)
    stale = make_article("قديم قرئ كثيرا", category=category)
    hidden = make_article("مسحوب", category=category)
    today = timezone.localdate()
    ArticleDailyViews.objects.bulk_create(
        [
            ArticleDailyViews(article=popular, day=today, count=30),
            ArticleDailyViews(article=popular, day=today - timedelta(days=2), count=20),
            ArticleDailyViews(article=second, day=today - timedelta(days=1), count=40),
            ArticleDailyViews(article=stale, day=today - timedelta(days=3), count=500),  # older than the window
            ArticleDailyViews(article=hidden, day=today, count=900),
        ]
    )
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.DRAFT)
    for _ in range(3):  # the lead and secondary stories: on the home, most read lists the others
        make_article(category=category, is_featured=True)
    home = client.get("/").content.decode()
    assert "الأكثر قراءة" in home
    assert most_read_titles(home) == ["الأكثر قراءة اليوم", "الثاني قراءة"]
    assert most_read_titles(read(client, second).content.decode()) == ["الأكثر قراءة اليوم", "الثاني قراءة"]


def test_most_read_block_costs_the_same_queries_however_many_it_lists(client):
    # the block is one query (articles with their category, summed views). Home: 7 (see
    # tests/articles/test_frontpage.py); the article page's first view: 12.
    category = make_category()
    article = make_article(category=category)
    make_article(category=category)  # so "see also" is never empty (an empty one skips its prefetch)
    today = timezone.localdate()

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
        return len(queries)

    ArticleDailyViews.objects.create(article=article, day=today, count=1)
    home_small = count("/")
    cache.clear()
    detail_small = count(article.get_absolute_url())
    others = [make_article(category=category) for _ in range(MOST_READ_COUNT + 3)]
    ArticleDailyViews.objects.bulk_create([ArticleDailyViews(article=a, day=today, count=5) for a in others])
    cache.clear()  # the list is computed anew, not the one kept for the minute
    assert count("/") == home_small == 7
    cache.clear()
    assert count(article.get_absolute_url()) == detail_small == 12
    assert len(most_read_titles(client.get("/").content.decode())) == MOST_READ_COUNT


def test_most_read_is_computed_once_a_minute_not_per_page(client, monkeypatch):
    monkeypatch.setattr(readership, "MOST_READ_SECONDS", 1)  # the minute, shortened (a real wait, any cache)
    category = make_category()
    first, second = make_article("الأول", category=category), make_article("الثاني", category=category)
    for n in range(3):  # the home's lead and secondary stories, which its most-read list leaves out
        make_article(f"مميز {n}", category=category, is_featured=True)
    ArticleDailyViews.objects.create(article=first, day=timezone.localdate(), count=3)

    def home():
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/", HTTP_USER_AGENT=BROWSER).content.decode()
        return most_read_titles(page), len(queries)

    titles, computed = home()
    assert titles == ["الأول"]
    ArticleDailyViews.objects.create(article=second, day=timezone.localdate(), count=9)
    titles, kept = home()
    assert (titles, kept) == (["الأول"], computed - 1)  # the same list, without its query
    time.sleep(1.1)
    assert home() == (["الثاني", "الأول"], computed)


def test_an_article_taken_off_the_site_leaves_the_most_read_list_at_once(client, django_capture_on_commit_callbacks):
    category = make_category()
    first, second = make_article("الأول", category=category), make_article("الثاني", category=category)
    for n in range(3):  # the home's lead and secondary stories, which its most-read list leaves out
        make_article(f"مميز {n}", category=category, is_featured=True)
    ArticleDailyViews.objects.bulk_create(
        [ArticleDailyViews(article=a, day=timezone.localdate(), count=n) for a, n in ((first, 9), (second, 3))]
    )
    assert most_read_titles(client.get("/").content.decode()) == ["الأول", "الثاني"]
    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=first, user=make_editor())
    assert most_read_titles(client.get("/").content.decode()) == ["الثاني"]
