"""«الأكثر قراءة» behind a cache: the article page's beacon counts the view, the page itself does not."""

import pytest
from django.test import Client

from articles.models import ArticleDailyViews
from articles.readership import views_fold
from tests.helpers import make_article

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


def reader(**headers):
    return Client(headers={"Origin": "http://testserver", "User-Agent": BROWSER, **headers})


def views_of(article):
    views_fold()
    return sum(ArticleDailyViews.objects.filter(article=article).values_list("count", flat=True))


def beacon(article):
    return f"/v/{article.pk}/"


def test_opening_the_page_alone_counts_nothing_and_its_beacon_counts_one(page_cache):
    article = make_article()
    browser = reader()
    for _ in range(2):  # the second one from the page cache
        page = browser.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "HIT"
    assert f'data-view-beacon="{beacon(article)}"' in page.content.decode()
    assert views_of(article) == 0
    response = browser.post(beacon(article))
    assert response.status_code == 204 and not response.content
    assert "no-store" in response["Cache-Control"] and not response.cookies
    assert views_of(article) == 1


def test_a_bot_that_runs_the_script_is_not_counted():
    article = make_article()
    response = reader(**{"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}).post(beacon(article))
    assert response.status_code == 204
    assert views_of(article) == 0


def test_a_beacon_from_another_site_is_refused():
    article = make_article()
    assert reader(Origin="https://evil.example").post(beacon(article)).status_code == 403
    assert views_of(article) == 0


def test_a_beacon_is_a_post(client):
    assert reader().get(beacon(make_article())).status_code == 405


def test_one_address_can_only_report_so_many_views(settings):
    settings.VIEW_BEACON_RATE = "3/10m"
    article = make_article()
    answers = [reader().post(beacon(article), REMOTE_ADDR="196.200.1.7").status_code for _ in range(5)]
    assert answers == [204, 204, 204, 429, 429]
    assert reader().post(beacon(article), REMOTE_ADDR="196.200.1.8").status_code == 204  # another reader
    assert views_of(article) == 4
