"""The editor's desk: an article in review goes out from its own form, no date typed."""

import re

from django.contrib.auth import get_user_model

from articles.models import Article
from tests.browser.support import follow, login
from tests.helpers import make_article

DEMO_PASSWORD = "demo-portal-2024"  # load_demo's default for its accounts
TITLE = "افتتاح المحطة الجديدة للقطار فائق السرعة بمراكش"


def test_the_editor_publishes_an_article_in_review_from_its_form_without_a_date(demo, new_page):
    journalist = get_user_model().objects.get(username="sahafi")
    article = make_article(TITLE, category=demo.category, status=Article.Status.IN_REVIEW, authors=[journalist])

    reader = new_page()
    reader.goto("/")
    assert TITLE not in reader.content()  # in review: not public yet

    desk = new_page()
    login(desk, "muharrir", DEMO_PASSWORD)
    follow(desk, desk.locator("#content-main #articles-article").get_by_role("link", name="المقالات"))
    follow(desk, desk.locator("#changelist-filter").get_by_role("link", name="قيد المراجعة"))
    follow(desk, desk.locator("#result_list").get_by_role("link", name=TITLE))
    assert f"/admin/articles/article/{article.pk}/change/" in desk.url
    desk.select_option("#id_status", label="منشور")
    assert desk.input_value("#id_published_at_0") == "" and desk.input_value("#id_published_at_1") == ""
    follow(desk, desk.locator("input[name=_save]"))
    errors = desk.locator(".errornote, .errorlist").all_inner_texts()
    assert re.search(r"/admin/articles/article/(\?.*)?$", desk.url), errors
    assert desk.locator(".messagelist .success").count() == 1
    assert "violated" not in desk.content()

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.is_public
    reader.goto("/")
    assert reader.locator("main article.card", has_text=TITLE).count() == 1
