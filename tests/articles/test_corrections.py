"""An editor's dated correction or update on a published article: on the page, in the feed, in the JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from comments.services import comment_approve
from tests.comments.factories import make_comment
from tests.helpers import admin_article_form, make_article, make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOTE = "ورد في نسخة سابقة أن الاجتماع عُقد بالرباط، والصحيح أنه عُقد بطنجة."


def json_ld(page):
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S):
        data = json.loads(block)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle")


@pytest.fixture
def published(db):
    category = make_category()
    article = make_article(
        "اجتماع أمني مغربي إسباني", category=category, published_at=timezone.now() - timedelta(days=1)
    )
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    # The page cache is cleared after the commit, as in production.
    return django_capture_on_commit_callbacks


def correct_in_the_admin(client, article, committed, note=NOTE, kind="correction", **fields):
    sections = list(article.sections.all())
    form = admin_article_form(
        article.category,
        title=article.title,
        lead=article.lead,
        tags="",
        status="published",
        published_at_0=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        **{
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "1",
            "sections-0-id": str(sections[0].pk),
            "sections-0-article": str(article.pk),
            "sections-0-heading": sections[0].heading,
            "sections-0-body": sections[0].body,
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": kind,
            "corrections-0-note": note,
            "corrections-0-noted_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "corrections-0-noted_at_1": timezone.localtime().strftime("%H:%M:%S"),
            **fields,
        },
    )
    with committed(execute=True):
        response = client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_editor_adds_a_correction_that_readers_see_at_once(client, editor, published, committed):
    reader = Client()
    before = reader.get(published.get_absolute_url()).content.decode()
    assert NOTE not in before and "آخر تحديث" not in before
    assert reader.get(published.get_absolute_url())["X-Page-Cache"] == "HIT"

    client.force_login(editor)
    correct_in_the_admin(client, published, committed)

    page = reader.get(published.get_absolute_url()).content.decode()  # the cached copy is gone
    assert "تصحيح" in page and NOTE in page and "آخر تحديث" in page
    data = json_ld(page)
    assert data["correction"][0]["@type"] == "CorrectionComment" and data["correction"][0]["text"] == NOTE
    assert data["dateModified"] > data["datePublished"]
    feed = reader.get("/feed/").content.decode()
    assert "تصحيح (" in feed and "والصحيح أنه عُقد بطنجة" in feed


def test_an_update_note_shows_but_is_not_a_correction_in_the_json_ld(client, editor, published, committed):
    client.force_login(editor)
    correct_in_the_admin(client, published, committed, note="أضيفت تصريحات وزير الداخلية.", kind="update")
    page = Client().get(published.get_absolute_url()).content.decode()
    assert "تحديث" in page and "أضيفت تصريحات وزير الداخلية." in page
    assert "correction" not in json_ld(page)


def test_last_updated_follows_edits_not_readers(published):
    comment_approve(comment=make_comment(published, status="pending"), moderator=None)
    Client().post(reverse("articles:view-beacon", args=[published.pk]))  # a view counted by the beacon
    published.refresh_from_db()
    assert published.updated_at == published.published_at
    assert "آخر تحديث" not in Client().get(published.get_absolute_url()).content.decode()


def test_journalists_cannot_add_corrections(client, journalist, published):
    client.force_login(journalist)
    page = client.get(f"/admin/articles/article/{published.pk}/change/").content.decode()
    # They read the notes; the inline offers them no row to add (the "add" link needs a free row).
    assert 'name="corrections-MAX_NUM_FORMS" value="0"' in page
    assert not Correction.objects.exists()


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_the_editor_sees_the_saved_corrections_in_the_articles_form(client, editor, published):
    Correction.objects.create(article=published, note=NOTE)
    Correction.objects.create(article=published, kind="update", note="أضيفت صورة من عين المكان.")
    client.force_login(editor)
    page = client.get(change_url(published)).content.decode()
    assert 'name="corrections-INITIAL_FORMS" value="2"' in page
    assert f"{NOTE}</textarea>" in page and "أضيفت صورة من عين المكان.</textarea>" in page


def test_the_articles_form_asks_the_same_queries_for_one_correction_or_six(
    client, editor, published, django_assert_num_queries
):
    client.force_login(editor)
    client.get(change_url(published))  # the first opening also records who has the form open
    for total in (1, 6):
        while Correction.objects.filter(article=published).count() < total:
            Correction.objects.create(article=published, note=NOTE)
        # session, user, second factor; savepoint, permissions ×2; article, its authors, tags;
        # the article again (the form), sections, corrections, bylines (the page's names with
        # their profiles, and the inline's rows); who has it open (read, update, the others),
        # release; categories, authors to choose from.
        with django_assert_num_queries(20):
            page = client.get(change_url(published)).content.decode()
        assert f'name="corrections-INITIAL_FORMS" value="{total}"' in page


def test_an_editor_changes_a_saved_correction_without_adding_another(client, editor, published, committed):
    saved = Correction.objects.create(article=published, note="نص فيه خطأ.")
    client.force_login(editor)
    correct_in_the_admin(
        client,
        published,
        committed,
        note=NOTE,
        **{
            "corrections-INITIAL_FORMS": "1",
            "corrections-0-id": str(saved.pk),
            "corrections-0-article": str(published.pk),
        },
    )
    assert list(Correction.objects.values_list("pk", "note")) == [(saved.pk, NOTE)]


def test_a_journalist_reads_the_saved_corrections_of_a_published_article(client, journalist, published):
    Correction.objects.create(article=published, note=NOTE)
    client.force_login(journalist)
    page = client.get(change_url(published)).content.decode()
    assert NOTE in page and f"{NOTE}</textarea>" not in page  # shown as text, not a field


def test_correcting_an_unsigned_article_does_not_make_the_editor_its_author(client, editor, published, committed):
    assert not published.authors.exists()
    client.force_login(editor)
    correct_in_the_admin(client, published, committed)
    assert Correction.objects.filter(article=published).count() == 1
    assert not published.authors.exists()
