"""Public pages carry no cookie and honest cache headers, and are served from the page cache
until what they show changes. Runs with the local-memory cache and, in CI, with Redis."""

from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_save, article_schedule, article_unpublish
from comments.models import Comment
from comments.services import comment_approve
from tests.comments.factories import form_data, make_comment
from tests.helpers import make_article, make_category, make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PUBLIC = "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services hang on the transaction's commit, as production does."""
    return django_capture_on_commit_callbacks


def reader():
    """An anonymous reader's browser: no cookie of this site."""
    return Client()


@pytest.fixture
def site(db):
    category = make_category("أمن", slug="amn")
    editor = make_editor("muharrir_test")
    hour_ago = timezone.now() - timedelta(hours=1)  # in the news sitemap, comments open
    article = make_article(
        "حموشي يستقبل نظيره البلجيكي", category=category, tags=["الأمن"], authors=[editor], published_at=hour_ago
    )
    other = make_article(
        "الرجاء يفوز في الديربي", category=make_category("رياضة", slug="riyada"), published_at=hour_ago
    )
    return {"category": category, "editor": editor, "article": article, "other": other}


def public_paths(site):
    article = site["article"]
    year, month = article.published_at.year, article.published_at.month
    return [
        "/",
        article.get_absolute_url(),
        "/amn/",
        f"/tag/{quote('الأمن')}/",
        f"/author/{site['editor'].username}/",
        f"/archive/{year}/",
        f"/archive/{year}/{month}/",
        f"/search/?q={quote('حموشي')}",
        "/feed/",
        "/amn/feed/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
    ]


def titles_on(response):
    return response.content.decode()


class TestAnonymousPages:
    def test_no_public_page_sets_a_cookie_or_varies_on_cookies(self, site):
        for path in public_paths(site):
            response = reader().get(path)
            assert response.status_code == 200, path
            assert not response.cookies, (path, response.cookies)
            assert "Cookie" not in response.get("Vary", ""), path
            assert response["Cache-Control"] == PUBLIC, path
            assert response["ETag"], path

    def test_each_page_names_what_it_shows_for_the_front_cache(self, site):
        article, other = site["article"], site["other"]
        keys = reader().get(article.get_absolute_url())["xkey"].split()
        assert {f"article-{article.pk}", "site"} <= set(keys)
        home = reader().get("/")["xkey"].split()
        assert {"home", "site", f"article-{article.pk}", f"article-{other.pk}"} <= set(home)
        assert f"category-{site['category'].pk}" in reader().get("/amn/")["xkey"].split()
        assert "feeds" in reader().get("/feed/")["xkey"].split()
        assert "sitemaps" in reader().get("/sitemap.xml")["xkey"].split()

    def test_a_conditional_get_is_answered_304_from_the_cache_and_without_it(self, site, settings):
        url = site["article"].get_absolute_url()
        first = reader().get(url)
        again = reader().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again["X-Page-Cache"] == "HIT" and not again.content
        settings.PAGE_CACHE_SECONDS = 0  # rendered again: the same page has the same ETag
        listing = reader().get("/amn/")
        assert reader().get("/amn/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304

    def test_the_second_reader_is_served_from_the_cache_without_a_query(self, site, django_assert_num_queries):
        for path in public_paths(site):
            assert reader().get(path)["X-Page-Cache"] == "MISS", path
            with django_assert_num_queries(0):
                response = reader().get(path)
            assert response.status_code == 200 and response["X-Page-Cache"] == "HIT", path
            assert int(response["Age"]) >= 0 and response["Cache-Control"] == PUBLIC

    def test_a_404_a_redirect_and_the_reply_form_are_not_shared(self, site):
        article = site["article"]
        for path in ["/no-such-section/", f"/article/{article.pk}/", f"/article/{article.pk}/wrong-slug/"]:
            response = reader().get(path)
            assert response["Cache-Control"] == "private, no-store", path
            assert "xkey" not in response


class TestInvalidation:
    def test_an_edit_shows_on_the_next_get_and_an_unrelated_page_stays_cached(self, site, committed):
        article = site["article"]
        for path in [article.get_absolute_url(), "/riyada/", "/amn/", "/"]:
            reader().get(path)
        # The sports section lists only the other article, so nothing there changes.
        assert f"article-{article.pk}" not in reader().get("/riyada/")["xkey"].split()
        article.title = "حموشي يستقبل نظيره الإسباني"
        with committed(execute=True):
            article_save(article=article, user=site["editor"], status=article.status, published_at=article.published_at)
        for path in [article.get_absolute_url(), "/amn/", "/", "/feed/"]:
            response = reader().get(path)
            assert response["X-Page-Cache"] == "MISS", path
            assert "نظيره الإسباني" in titles_on(response), path
        assert reader().get("/riyada/")["X-Page-Cache"] == "HIT"

    def test_a_published_article_appears_and_an_unpublished_one_goes(self, site, committed):
        editor = site["editor"]
        draft = make_article("خبر عاجل من الرباط", category=site["category"], status=Article.Status.DRAFT)
        assert "خبر عاجل من الرباط" not in titles_on(reader().get("/amn/"))
        draft_page = reader().get(f"/article/{draft.pk}/{draft.slug}/")
        assert draft_page.status_code == 404 and draft_page["Cache-Control"] == "private, no-store"
        reader().get("/amn/")  # cached again
        with committed(execute=True):
            article_publish(article=draft, user=editor)
        assert "خبر عاجل من الرباط" in titles_on(reader().get("/amn/"))
        assert "خبر عاجل من الرباط" in titles_on(reader().get("/"))
        assert reader().get(draft.get_absolute_url()).status_code == 200
        with committed(execute=True):
            article_unpublish(article=draft, user=editor)
        assert reader().get(draft.get_absolute_url()).status_code == 404
        assert "خبر عاجل من الرباط" not in titles_on(reader().get("/amn/"))

    def test_an_approved_comment_shows_on_the_next_get(self, site, committed):
        article = site["article"]
        comment = make_comment(article, status=Comment.Status.PENDING, body="تعليق ينتظر الموافقة")
        assert "تعليق ينتظر الموافقة" not in titles_on(reader().get(article.get_absolute_url()))
        assert reader().get(article.get_absolute_url())["X-Page-Cache"] == "HIT"
        reader().get("/riyada/")
        with committed(execute=True):
            comment_approve(comment=comment, moderator=site["editor"])
        assert "تعليق ينتظر الموافقة" in titles_on(reader().get(article.get_absolute_url()))
        assert reader().get("/riyada/")["X-Page-Cache"] == "HIT"  # shows nothing of that article

    def test_a_section_renamed_in_the_admin_shows_in_every_pages_navigation(self, site, committed, rf):
        from django.contrib import admin

        from articles.models import Category

        assert "أمن" in titles_on(reader().get("/riyada/"))
        assert reader().get("/riyada/")["X-Page-Cache"] == "HIT"
        category = site["category"]
        category.name = "أمن وطني"
        with committed(execute=True):
            admin.site._registry[Category].save_model(rf.post("/admin/"), category, form=None, change=True)
        response = reader().get("/riyada/")
        assert response["X-Page-Cache"] == "MISS" and "أمن وطني" in titles_on(response)

    def test_a_scheduled_article_appears_when_its_time_comes(self, site, committed):
        soon = timezone.now() + timedelta(seconds=40)
        planned = make_article("مقال مجدول للنشر", category=site["category"], status=Article.Status.DRAFT)
        with committed(execute=True):
            article_schedule(article=planned, user=site["editor"], at=soon)
        listing = reader().get("/amn/")
        assert "مقال مجدول للنشر" not in titles_on(listing)
        assert 0 < int(listing["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 40
        assert reader().get("/amn/")["X-Page-Cache"] == "HIT"
        with time_machine.travel(soon + timedelta(seconds=1)):
            assert "مقال مجدول للنشر" in titles_on(reader().get("/amn/"))


class TestPersonalPages:
    def test_a_signed_in_editor_is_never_served_nor_fills_the_cache(self, client, site, editor):
        url = site["article"].get_absolute_url()
        client.force_login(editor)
        mine = client.get(url)
        assert mine["Cache-Control"] == "private, no-store" and "X-Page-Cache" not in mine
        assert reader().get(url)["X-Page-Cache"] == "MISS"  # the editor's page was not stored
        assert reader().get(url)["X-Page-Cache"] == "HIT"
        again = client.get(url)
        assert "X-Page-Cache" not in again and again["Cache-Control"] == "private, no-store"

    def test_the_newsroom_preview_is_never_cached(self, client, editor):
        draft = make_article("مسودة سرية", status=Article.Status.DRAFT)
        client.force_login(editor)
        response = client.get(f"/admin/articles/article/{draft.pk}/preview/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "xkey" not in response and "X-Page-Cache" not in response

    def test_a_reader_with_a_message_waiting_gets_their_own_page(self, site, settings):
        article = site["article"]
        browser = Client(headers={"Origin": "http://testserver"})
        browser.get(article.get_absolute_url())  # cached
        posted = browser.post(f"/comments/post/{article.pk}/", form_data())
        assert posted.status_code == 302 and posted["Cache-Control"] == "private, no-store"
        page = browser.get(article.get_absolute_url())
        assert "تعليقك في انتظار المراجعة" in page.content.decode()
        assert page["Cache-Control"] == "private, no-store" and "X-Page-Cache" not in page
