"""Cards, comments and the empty comment form are drawn once per process (articles.fragments):
what readers see still follows every change, and each reader's form is their own."""

import re

import pytest

from articles.models import Category
from articles.services import article_save
from comments.models import Comment
from comments.services import comments_moderate
from tests.comments.factories import make_comment
from tests.helpers import EDITOR_GROUP, make_article, make_category, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # What is checked here is the pieces of a page, not the stored page around them.
    settings.PAGE_CACHE_SECONDS = 0


def body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_cards_new_title_shows_on_the_listing_home_and_related_cards(client):
    category = make_category("اقتصاد", slug="iqtisad")
    story = make_article("عنوان أول للخبر", category=category)
    neighbour = make_article("خبر مجاور في القسم", category=category)
    pages = [category.get_absolute_url(), "/", neighbour.get_absolute_url()]
    for url in pages:
        assert "عنوان أول للخبر" in body(client, url)

    story.title = "عنوان مصحح للخبر"
    article_save(
        article=story, user=make_user(group=EDITOR_GROUP), status=story.status, published_at=story.published_at
    )

    for url in pages:
        html = body(client, url)
        assert "عنوان مصحح للخبر" in html
        assert "عنوان أول للخبر" not in html


def test_a_renamed_category_and_a_new_comment_count_show_on_the_cards(client):
    category = make_category("رياضة", slug="riyada")
    story = make_article("مباراة الأمس", category=category)
    assert "تعليق واحد" not in body(client, category.get_absolute_url())

    Category.objects.filter(pk=category.pk).update(name="الرياضة الوطنية")
    make_comment(story, body="تعليق أول")

    html = body(client, category.get_absolute_url())
    assert 'class="card-category" href="/riyada/">الرياضة الوطنية</a>' in html
    assert "تعليق واحد" in html


def test_an_edited_comment_shows_its_new_text_and_a_hidden_one_is_gone(client):
    story = make_article("خبر للنقاش")
    first = make_comment(story, body="نص التعليق كما أرسل")
    second = make_comment(story, name="قارئة", body="تعليق سيحجب")
    html = body(client, story.get_absolute_url())
    assert "نص التعليق كما أرسل" in html and "تعليق سيحجب" in html

    Comment.objects.filter(pk=first.pk).update(body="نص التعليق بعد التعديل")
    comments_moderate(
        comments=Comment.objects.filter(pk=second.pk),
        status=Comment.Status.REJECTED,
        moderator=make_user(is_staff=True),
    )

    html = body(client, story.get_absolute_url())
    assert "نص التعليق بعد التعديل" in html
    assert "نص التعليق كما أرسل" not in html
    assert "تعليق سيحجب" not in html


def test_each_reader_gets_a_form_of_their_own_and_a_form_with_errors_keeps_what_they_typed(client, settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0  # this reader types fast
    story = make_article("خبر مفتوح للتعليق")
    started = [
        re.search(r'name="started" value="([^"]+)"', body(client, story.get_absolute_url())).group(1) for _ in range(2)
    ]
    assert started[0] != started[1]  # a fresh signed time for each page, never one shared value

    response = client.post(
        f"/comments/post/{story.pk}/",
        {"name": "سعاد", "email": "ليس-بريدا", "body": "رأيي في الخبر", "consent": "on", "started": started[0]},
        HTTP_ORIGIN="http://testserver",
    )
    html = response.content.decode()
    assert response.status_code in {200, 400}
    assert "رأيي في الخبر" in html and 'value="سعاد"' in html


def test_the_signup_box_remembers_the_page_it_is_on(client):
    first, second = make_category(slug="watani"), make_category(slug="dawli")
    make_article(category=first), make_article(category=second)
    for category in (first, second, first):
        html = body(client, category.get_absolute_url())
        assert f'name="source" value="{category.get_absolute_url()}"' in html
