"""The home: lead, secondary stories, most read, the latest stream and category blocks."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.frontpage import relative_time
from articles.models import Article, ArticleDailyViews
from tests.helpers import make_article, make_category, make_user

pytestmark = pytest.mark.django_db
CASABLANCA = ZoneInfo("Africa/Casablanca")


def main_of(response):
    page = response.content.decode()
    return page[page.index('<main id="main"') : page.index("</main>")]


def lead_title(main):
    return re.search(r'class="card card-big">.*?<h3 class="card-title"><a [^>]*>([^<]+)</a>', main, re.S).group(1)


def secondary_titles(main):
    block = main[main.index('class="grid grid-secondary"') : main.index("</section>")]
    return re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>', block)


def stream_titles(main):
    return re.findall(r'class="stream-title" href="[^"]+">([^<]+)</a>', main)


def test_editors_order_the_lead_and_secondary_stories(client):
    second = make_article("الثاني في الترتيب", is_featured=True, featured_order=2)
    make_article("أحدث خبر غير مميز")
    first = make_article("الخبر الرئيسي", is_featured=True, featured_order=1)
    unordered = make_article("مميز بلا ترتيب", is_featured=True)
    main = main_of(client.get("/"))
    assert lead_title(main) == first.title
    assert secondary_titles(main) == [second.title, unordered.title]
    assert stream_titles(main) == ["أحدث خبر غير مميز"]


def test_without_featured_stories_the_newest_lead(client):
    titles = [make_article(f"خبر {n}", published_at=timezone.now() - timedelta(hours=n)).title for n in range(6)]
    main = main_of(client.get("/"))
    assert lead_title(main) == titles[0]
    assert secondary_titles(main) == titles[1:3]
    assert stream_titles(main) == titles[3:]


def test_no_story_is_shown_twice_and_every_block_has_stories(client):
    sport, economy, empty = make_category("رياضة"), make_category("اقتصاد"), make_category("ثقافة")
    articles = [make_article(category=(sport, economy)[n % 2], is_featured=n < 2) for n in range(30)]
    make_article("مسودة ثقافية", category=empty, status=Article.Status.DRAFT)
    today = timezone.localdate()
    ArticleDailyViews.objects.bulk_create(
        [ArticleDailyViews(article=article, day=today, count=100 - n) for n, article in enumerate(articles[:8])]
    )
    main = main_of(client.get("/"))
    for article in articles:
        assert main.count(f">{article.title}<") <= 1, article.title
    assert "الأكثر قراءة" in main and "آخر الأخبار" in main
    assert f'id="cat-{sport.pk}"' in main and f'id="cat-{economy.pk}"' in main
    assert f'id="cat-{empty.pk}"' not in main  # nothing published: no empty block


def test_a_category_whose_stories_are_all_shown_above_has_no_block(client):
    small = make_category("جهات")
    make_article("الخبر الوحيد للجهات", category=small, is_featured=True)
    make_article(category=make_category())
    main = main_of(client.get("/"))
    assert "الخبر الوحيد للجهات" in main
    assert f'id="cat-{small.pk}"' not in main


def test_todays_stories_show_the_time_of_day_and_how_long_ago(client):
    now = datetime(2024, 12, 5, 15, 0, tzinfo=CASABLANCA)
    with time_machine.travel(now, tick=False):
        make_article("خبر قديم", published_at=now - timedelta(days=2))
        for n in range(3):
            make_article(is_featured=True, published_at=now - timedelta(hours=5, minutes=n))
        make_article("خبر منذ خمس دقائق", published_at=now - timedelta(minutes=5))
        main = main_of(client.get("/"))
    items = dict((title, item) for item, title in re.findall(r'(<li class="stream-item">.*?>([^<>]+)</a>)', main, re.S))
    assert ">14:55</time>" in items["خبر منذ خمس دقائق"] and ">منذ 5 دقائق</span>" in items["خبر منذ خمس دقائق"]
    assert ">3 دجنبر · 15:00</time>" in items["خبر قديم"] and "منذ" not in items["خبر قديم"]
    assert '<script id="relative-forms" type="application/json">' in main


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=20), "الآن"),
        (timedelta(minutes=1), "منذ دقيقة"),
        (timedelta(minutes=2), "منذ دقيقتين"),
        (timedelta(minutes=3), "منذ 3 دقائق"),
        (timedelta(minutes=11), "منذ 11 دقيقة"),
        (timedelta(hours=1, minutes=5), "منذ ساعة"),
        (timedelta(hours=2), "منذ ساعتين"),
        (timedelta(hours=10), "منذ 10 ساعات"),
        (timedelta(hours=14), "منذ 14 ساعة"),
        (timedelta(hours=16), ""),  # yesterday in Casablanca: the date says it
    ],
)
def test_relative_time_in_the_six_arabic_plural_forms(ago, expected):
    now = datetime(2024, 12, 5, 15, 30, tzinfo=CASABLANCA)
    with translation.override("ar-ma"):
        assert relative_time(now - ago, now=now) == expected


def test_home_query_count_is_flat_in_the_number_of_articles(client):
    # 7: navigation categories, breaking, featured, the newest, most read (computed anew
    # here: it is kept a minute), the category blocks (one window query) and the
    # categories of the blocks. No bylines: a home card names none.
    author = make_user("writer")
    categories = [make_category(), make_category()]

    def add(n):
        for i in range(n):
            article = make_article(category=categories[i % 2], authors=[author], is_featured=i % 3 == 0)
            ArticleDailyViews.objects.create(article=article, day=timezone.localdate(), count=i + 1)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    add(3)
    small = count()
    add(40)
    assert count() == small == 7


class TestEditorsChooseTheLead:
    def changelist_form(self, articles, **rows):
        data = {"form-TOTAL_FORMS": str(len(articles)), "form-INITIAL_FORMS": str(len(articles)), "_save": "1"}
        for n, article in enumerate(articles):
            data[f"form-{n}-id"] = str(article.pk)
            featured, order = rows.get(article.title, (False, ""))
            if featured:
                data[f"form-{n}-is_featured"] = "on"
            data[f"form-{n}-featured_order"] = str(order)
        return data

    def test_editor_sets_the_lead_from_the_article_list(self, client, editor):
        articles = list(Article.objects.filter(pk__in=[make_article(f"خبر {n}").pk for n in range(3)]))
        client.force_login(editor)
        url = reverse("admin:articles_article_changelist")
        response = client.post(url, self.changelist_form(articles, **{"خبر 2": (True, 1), "خبر 0": (True, 2)}))
        assert response.status_code == 302
        client.logout()
        main = main_of(client.get("/"))
        assert lead_title(main) == "خبر 2"
        assert secondary_titles(main)[0] == "خبر 0"

    def test_journalist_sees_no_featured_fields_to_edit(self, client, journalist):
        make_article()
        client.force_login(journalist)
        page = client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert "خبر" in page or "مقال" in page
        assert 'name="form-0-featured_order"' not in page and 'name="form-0-is_featured"' not in page
