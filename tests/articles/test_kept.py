"""Pages drawn from the parts they keep (articles.kept), with the page cache off as `make bench` runs:
a kept page is the page drawn from scratch, reads only the site's stamp, and shows every
change on the next request, in this process and in any other."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import kept
from articles.models import Article, Category, SiteStamp
from articles.services import article_save, article_schedule
from comments.models import Comment
from comments.services import comment_approve
from tests.comments.factories import make_comment
from tests.helpers import make_article, make_category, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keeping(settings):
    settings.PAGE_CACHE_SECONDS = 0  # what is checked is the kept parts, not a stored page
    settings.KEPT_SECONDS = 300


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services hang on the transaction's commit, as production does."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def site(db):
    category = make_category("أمن", slug="amn")
    editor = make_editor("muharrir_kept")
    hour_ago = timezone.now() - timedelta(hours=1)
    article = make_article(
        "حموشي يستقبل نظيره البلجيكي", category=category, tags=["الأمن"], authors=[editor], published_at=hour_ago
    )
    for number in range(3):
        make_comment(article, body=f"تعليق القارئ رقم {number}")
    other = make_article(
        "الرجاء يفوز في الديربي", category=make_category("رياضة", slug="riyada"), published_at=hour_ago
    )
    return {"category": category, "editor": editor, "article": article, "other": other}


def public_paths(site):
    article = site["article"]
    return [
        "/",
        article.get_absolute_url(),
        "/amn/",
        "/amn/?page=2",
        f"/tag/{quote('الأمن')}/",
        f"/author/{site['editor'].username}/",
        f"/archive/{article.published_at.year}/",
        f"/search/?q={quote('حموشي')}",
    ]


def page(path) -> tuple[str, str]:
    """What an anonymous reader sees at `path` (the form's signed value left out) and the page's keys."""
    response = Client().get(path)
    assert response.status_code == 200, path
    html = re.sub(r'name="started" value="[^"]+"', 'name="started"', response.content.decode())
    return html, response["xkey"]


def test_a_kept_page_is_the_page_drawn_from_scratch(site, settings):
    for path in public_paths(site):
        page(path)
        kept_page = page(path)
        settings.KEPT_SECONDS = 0
        assert page(path) == kept_page, path
        settings.KEPT_SECONDS = 300


def test_a_kept_page_reads_the_article_and_the_stamp_only_however_many_comments(site, django_assert_num_queries):
    article = site["article"]
    queries = {"/": 1, article.get_absolute_url(): 2, "/amn/": 1, f"/tag/{quote('الأمن')}/": 1}
    queries[f"/search/?q={quote('حموشي')}"] = 1
    for path, count in queries.items():
        page(path)
        with django_assert_num_queries(count):
            page(path)
    for number in range(20):
        make_comment(article, body=f"تعليق إضافي {number}")
    kept.forget_kept()  # as after any change: everything is drawn again once
    page(article.get_absolute_url())
    with django_assert_num_queries(2):
        html, _ = page(article.get_absolute_url())
    assert "تعليق إضافي 19" in html


def test_an_edit_shows_on_the_next_request_of_every_page_showing_it(site, committed):
    article = site["article"]
    paths = [article.get_absolute_url(), "/", "/amn/", f"/search/?q={quote('حموشي')}"]
    for path in paths:
        page(path)
    article.title = "حموشي يستقبل نظيره الإسباني"
    with committed(execute=True):
        article_save(article=article, user=site["editor"], status=article.status, published_at=article.published_at)
    for path in paths:
        html, _ = page(path)
        assert "نظيره الإسباني" in html and "نظيره البلجيكي" not in html, path


def test_an_approved_comment_shows_on_the_article_and_its_card_counts_it(site, committed):
    article = site["article"]
    page(article.get_absolute_url())
    page("/amn/")
    waiting = make_comment(article, body="تعليق ينتظر المراجعة", status=Comment.Status.PENDING)
    assert "تعليق ينتظر المراجعة" not in page(article.get_absolute_url())[0]
    with committed(execute=True):
        comment_approve(comment=waiting, moderator=site["editor"])
    html, _ = page(article.get_absolute_url())
    assert "تعليق ينتظر المراجعة" in html and "4 تعليقات" in html
    assert "4 تعليقات" in page("/amn/")[0]


def test_a_section_renamed_in_the_admin_shows_in_every_pages_navigation(site, committed, rf):
    from django.contrib import admin

    for path in public_paths(site):
        page(path)
    category = site["category"]
    category.name = "الأمن الوطني"
    with committed(execute=True):
        admin.site.get_model_admin(Category).save_model(rf.post("/"), category, form=None, change=True)
    for path in public_paths(site):
        assert '/amn/">الأمن الوطني</a>' in page(path)[0], path


def test_a_scheduled_article_appears_when_its_time_comes(site, committed):
    soon = timezone.now() + timedelta(minutes=10)
    draft = make_article("قرار ينتظر موعده", category=site["category"], status=Article.Status.DRAFT)
    with committed(execute=True):
        article_schedule(article=draft, user=site["editor"], at=soon)
    for path in ["/", "/amn/"]:
        assert "قرار ينتظر موعده" not in page(path)[0]
    with time_machine.travel(soon + timedelta(seconds=1)):
        for path in ["/", "/amn/", draft.get_absolute_url()]:
            assert "قرار ينتظر موعده" in page(path)[0], path


def test_a_change_committed_by_another_server_is_seen_here_at_once(site):
    # Another process edits the article and gives the stamp a new token, as its
    # pages_invalidate() does: nothing reaches this process but the database row.
    article = site["article"]
    page(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(lead="مقدمة كتبت على خادم آخر")
    assert "مقدمة كتبت على خادم آخر" not in page(article.get_absolute_url())[0]  # no token changed yet
    SiteStamp.objects.filter(pk=1).update(token=12345)
    assert "مقدمة كتبت على خادم آخر" in page(article.get_absolute_url())[0]


def test_each_reader_gets_their_own_signed_form_value_and_can_post_with_it(site, settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    article = site["article"]
    values = []
    for _ in range(3):
        html = Client().get(article.get_absolute_url()).content.decode()
        values.append(re.search(r'name="started" value="([^"]+)"', html).group(1))
    assert len(set(values)) == 3
    response = Client().post(
        f"/comments/post/{article.pk}/",
        {"name": "سعاد", "email": "suad@example.ma", "body": "رأيي في الخبر", "consent": "on", "started": values[2]},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body="رأيي في الخبر", article=article).exists()


def test_a_signed_in_editor_is_drawn_the_whole_page(site, client):
    article = site["article"]
    page(article.get_absolute_url())
    client.force_login(site["editor"])
    Article.objects.filter(pk=article.pk).update(lead="مقدمة يراها المحرر وحده الآن")
    response = client.get(article.get_absolute_url())
    assert "مقدمة يراها المحرر وحده الآن" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_kept_parts_are_drawn_again_once_their_time_is_over(site):
    article = site["article"]
    page(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(lead="مقدمة بعد خمس دقائق")  # a change no key names
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        assert "مقدمة بعد خمس دقائق" in page(article.get_absolute_url())[0]


def test_the_memory_kept_is_bounded(rf):
    request = rf.get("/")
    request.site_token = 1
    for number in range(400):
        kept.kept(request, ("test", number), lambda: "ن" * 50_000)
    assert kept._size <= kept.KEPT_MEMORY
    assert len(kept._kept) <= kept.KEPT_MEMORY // 50_000


def test_without_a_stamp_row_the_first_page_makes_one(site):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_sitestamp")
    assert "حموشي" in page(site["article"].get_absolute_url())[0]
    assert SiteStamp.objects.filter(pk=1).exists()
