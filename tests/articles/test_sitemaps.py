"""Sitemaps (index, sections, Google News) and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.helpers import make_article, make_category, make_user

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def urls(client, url):
    return {node.findtext(f"{SM}loc"): node for node in xml(client, url).findall(f"{SM}url")}


@pytest.fixture
def content(db):
    author = make_user("sahafi")
    security = make_category("أمن", "amn")
    make_category("فارغ", "farigh")  # no articles: not listed
    fresh = make_article(
        "خبر اليوم",
        category=security,
        tags=["الإرهاب"],
        authors=[author],
        published_at=timezone.now() - timedelta(hours=3),
    )
    old = make_article("خبر قديم", category=security, authors=[author], published_at=timezone.now() - timedelta(days=5))
    draft = make_article("مسودة", status=Article.Status.DRAFT, tags=["سر"], authors=[make_user("ghost")])
    return {"fresh": fresh, "old": old, "draft": draft}


def test_index_names_every_section(client, content):
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    locations = [node.findtext(f"{SM}loc") for node in root.findall(f"{SM}sitemap")]
    assert locations == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("pages", "articles", "categories", "tags", "authors", "news")
    ]


def test_sections_list_public_pages_with_lastmod(client, content):
    articles = urls(client, "/sitemap-articles.xml")
    fresh, old = content["fresh"], content["old"]
    assert set(articles) == {
        "http://testserver" + fresh.get_absolute_url(),
        "http://testserver" + old.get_absolute_url(),
    }
    # A W3C datetime with the time and the Casablanca offset, not only the day.
    lastmod = articles["http://testserver" + fresh.get_absolute_url()].findtext(f"{SM}lastmod")
    newest = max(fresh.updated_at, fresh.published_at)
    assert datetime.fromisoformat(lastmod) == newest.replace(microsecond=0)
    assert lastmod == timezone.localtime(newest).isoformat(timespec="seconds")

    categories = urls(client, "/sitemap-categories.xml")
    assert list(categories) == ["http://testserver/amn/"]
    assert (
        categories["http://testserver/amn/"]
        .findtext(f"{SM}lastmod")
        .startswith(timezone.localtime(fresh.published_at).date().isoformat())
    )

    tags = urls(client, "/sitemap-tags.xml")
    assert list(tags) == ["http://testserver/tag/%D8%A7%D9%84%D8%A5%D8%B1%D9%87%D8%A7%D8%A8/"]  # not the draft's tag
    assert all(node.findtext(f"{SM}lastmod") for node in tags.values())
    for sitemap in (categories, tags):
        for node in sitemap.values():
            assert "T" in node.findtext(f"{SM}lastmod") and node.findtext(f"{SM}lastmod")[-6] in "+-"

    authors = urls(client, "/sitemap-authors.xml")
    assert list(authors) == ["http://testserver/author/sahafi/"]  # not the draft's author


def test_news_sitemap_has_the_last_two_days_in_google_news_format(client, content):
    root = xml(client, "/sitemap-news.xml")
    (entry,) = root.findall(f"{SM}url")
    assert entry.findtext(f"{SM}loc") == "http://testserver" + content["fresh"].get_absolute_url()
    news = entry.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "كواليس اليوم"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "ar"
    assert news.findtext(f"{NEWS}title") == "خبر اليوم"
    published = news.findtext(f"{NEWS}publication_date")
    assert published == timezone.localtime(content["fresh"].published_at).isoformat(timespec="seconds")


def test_with_nothing_recent_the_index_omits_the_news_sitemap_and_never_names_an_empty_one(client):
    # The sitemaps.org and Google News schemas want at least one <url> in a <urlset>.
    make_article("خبر قديم", tags=["وسم"], authors=[make_user()], published_at=timezone.now() - timedelta(days=3))
    root = xml(client, "/sitemap.xml")
    locations = [node.findtext(f"{SM}loc") for node in root.findall(f"{SM}sitemap")]
    assert locations == [
        f"http://testserver/sitemap-{name}.xml" for name in ("pages", "articles", "categories", "tags", "authors")
    ]
    for location in locations:
        assert len(urls(client, location.removeprefix("http://testserver"))) >= 1, location
    for node in root.findall(f"{SM}sitemap"):
        assert datetime.fromisoformat(node.findtext(f"{SM}lastmod")).tzinfo is not None
    assert client.get("/sitemap-news.xml").status_code == 404


def test_an_empty_site_has_a_sitemap_index_with_no_empty_urlset_behind_it(client):
    (only,) = xml(client, "/sitemap.xml").findall(f"{SM}sitemap")
    assert only.findtext(f"{SM}loc") == "http://testserver/sitemap-pages.xml"
    assert list(urls(client, "/sitemap-pages.xml")) == ["http://testserver/"]
    for name in ("articles", "categories", "tags", "authors", "news"):
        assert client.get(f"/sitemap-{name}.xml").status_code == 404, name


def test_robots_txt_names_the_sitemaps_and_keeps_admin_and_search_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == ["Sitemap: http://testserver/sitemap.xml"]


@pytest.mark.parametrize(
    ("section", "expected"),
    # Every section is paginated by contrib.sitemaps: a COUNT, then the page (categories,
    # tags and authors annotated with their newest public article in the same query).
    # The home page entry: its newest publication time.
    [("pages", 1), ("articles", 2), ("categories", 2), ("tags", 2), ("authors", 2), ("news", 2)],
)
def test_sitemap_query_count_is_flat(client, section, expected):
    def count():
        cache.clear()  # the sitemaps are cached pages
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/sitemap-{section}.xml").status_code == 200
        return len(queries)

    make_article(
        category=make_category(), tags=["وسم"], authors=[make_user()], published_at=timezone.now() - timedelta(hours=1)
    )
    assert count() == expected
    for n in range(15):
        make_article(
            category=make_category(),
            tags=[f"وسم {n}"],
            authors=[make_user()],
            published_at=timezone.now() - timedelta(hours=1),
        )
    assert count() == expected
