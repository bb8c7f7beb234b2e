"""Date archives /archive/<year>/ and /archive/<year>/<month>/, Moroccan month names."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.helpers import make_article, make_category

pytestmark = pytest.mark.django_db
CASABLANCA = ZoneInfo("Africa/Casablanca")


def at(*args):
    return datetime(*args, tzinfo=CASABLANCA)


def titles(page):
    return re.findall(r'<h3 class="card-title"><a href="[^"]*">(.*?)</a>', page)


def test_article_date_links_to_its_month(client):
    article = make_article("زيارة عمل", published_at=at(2024, 12, 5, 11, 30))
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a class="article-date" href="/archive/2024/12/">' in page
    month = client.get("/archive/2024/12/").content.decode()
    assert '<h1 class="page-title">أرشيف دجنبر 2024</h1>' in month
    assert titles(month) == ["زيارة عمل"]


def test_month_uses_casablanca_time_and_only_public_articles(client):
    # 1 August 00:30 in Casablanca is still 31 July in UTC.
    make_article("أول غشت", published_at=at(2025, 8, 1, 0, 30))
    make_article("آخر يوليوز", published_at=at(2025, 7, 31, 22, 0))
    make_article("مسودة غشت", published_at=at(2025, 8, 2, 10, 0), status=Article.Status.DRAFT)
    august = client.get("/archive/2025/8/").content.decode()
    assert "أرشيف غشت 2025" in august
    assert titles(august) == ["أول غشت"]
    assert titles(client.get("/archive/2025/7/").content.decode()) == ["آخر يوليوز"]


def test_year_lists_its_months_with_moroccan_names(client):
    make_article("شتنبر", published_at=at(2024, 9, 10, 9, 0))
    make_article("نونبر", published_at=at(2024, 11, 10, 9, 0))
    page = client.get("/archive/2024/").content.decode()
    assert "أرشيف سنة 2024" in page
    assert '<a href="/archive/2024/9/">شتنبر</a>' in page and '<a href="/archive/2024/11/">نونبر</a>' in page
    assert set(titles(page)) == {"شتنبر", "نونبر"}


@pytest.mark.parametrize("url", ["/archive/2024/13/", "/archive/2024/0/", "/archive/0/"])
def test_impossible_dates_are_404(client, url):
    assert client.get(url).status_code == 404


def test_empty_month_says_so(client):
    page = client.get("/archive/2020/2/").content.decode()
    assert "لا توجد مقالات منشورة في هذه الفترة." in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # nav categories, the year's months, the count, the page of cards (category join,
        # comment count subquery), the bylines prefetch (with their profiles).
        ("/archive/2024/", 5),
        # the same but the list of months: the month page links no days.
        ("/archive/2024/3/", 4),
    ],
)
def test_archive_query_count_is_flat(client, settings, url, expected):
    settings.ARTICLES_PER_PAGE = 50
    category = make_category()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for day in (1, 2):
        make_article(category=category, published_at=at(2024, 3, day, 10, 0))
    assert count() == expected
    for month in range(1, 13):
        for day in (3, 4):
            make_article(category=category, published_at=at(2024, month, day, 10, 0))
    assert count() == expected


def test_a_junk_page_number_gets_a_real_page(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for day in (1, 2, 3):
        make_article(f"مقال {day}", published_at=at(2024, 3, day, 10, 0))
    assert titles(client.get("/archive/2024/3/?page=abc").content.decode()) == ["مقال 3", "مقال 2"]
    assert titles(client.get("/archive/2024/?page=99").content.decode()) == ["مقال 1"]
