"""Autosave: what a journalist typed survives a closed tab, and is offered back when they return."""

import re

from articles.models import Article
from tests.browser.support import follow, login
from tests.helpers import make_article, make_category

TITLE = "أمطار رعدية مرتقبة بعدد من أقاليم المملكة"
ADDED_TO_TITLE = " ابتداء من الغد"
BODY = "توقعت المديرية العامة للأرصاد الجوية زخات مطرية قوية."
OFFER = "استرجاع النص المحفوظ تلقائيا"
# The journalist stops typing for a few seconds before the tab goes: autosave promises to
# have kept the text within 5 s (static/js/desk.js, EVERY_MS).
PAUSE_MS = 5500


def intro_editor(page):
    return page.locator("#sections-0 .ck-editor__editable")


def type_at_the_end_of_the_intro(page, text):
    intro_editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def close_without_saving(page):
    """The tab is closed (no unload handlers run, as after a crash); the same browser stays."""
    context = page.context
    page.wait_for_timeout(PAUSE_MS)
    page.close()
    return context.new_page()


def offer(page):
    return page.get_by_role("button", name=OFFER)


def open_own_draft(new_page, journalist):
    """The journalist signs in and opens their draft's form: (page, article, its address)."""
    article = make_article(TITLE, status=Article.Status.DRAFT, authors=[journalist])
    page = new_page()
    login(page, "journalist")
    url = f"/admin/articles/article/{article.pk}/change/"
    page.goto(url)
    return page, article, url


def add_to_title_and_intro(page):
    page.locator("#id_title").press("End")
    page.locator("#id_title").press_sequentially(ADDED_TO_TITLE)
    type_at_the_end_of_the_intro(page, " " + BODY)


def test_text_typed_before_a_closed_tab_is_offered_back_and_restored(journalist, new_page):
    page, article, url = open_own_draft(new_page, journalist)
    assert not offer(page).is_visible()  # nothing typed yet: nothing to offer
    add_to_title_and_intro(page)

    page = close_without_saving(page)
    page.goto(url)
    assert page.input_value("#id_title") == TITLE  # the server's copy, until they ask
    offer(page).wait_for()
    assert "ولم يُحفظ في المقال" in page.locator("#desk-autosave").inner_text()
    offer(page).click()
    assert page.input_value("#id_title") == TITLE + ADDED_TO_TITLE
    assert BODY in intro_editor(page).inner_text()
    assert not offer(page).is_visible()

    follow(page, page.get_by_role("button", name="حفظ كمسودة"))
    assert page.locator(".messagelist .success").count() == 1
    article.refresh_from_db()
    assert article.title == TITLE + ADDED_TO_TITLE and BODY in article.sections.get().body


def test_after_a_real_save_reopening_the_form_offers_nothing(journalist, new_page):
    page, article, url = open_own_draft(new_page, journalist)
    add_to_title_and_intro(page)
    page.wait_for_timeout(PAUSE_MS)  # the text is in the browser's autosave by now
    follow(page, page.get_by_role("button", name="حفظ كمسودة"))
    assert "تم الحفظ" in page.locator(".messagelist .success").inner_text()

    # Later the editor retitles it; the journalist's old text must not come back as "unsaved".
    edited = "أمطار رعدية قوية مرتقبة غدا"
    Article.objects.filter(pk=article.pk).update(title=edited)
    page = close_without_saving(page)
    page.goto(url)
    assert page.input_value("#id_title") == edited
    page.wait_for_timeout(1000)  # the offer comes once the editors are up; give it time to (wrongly) come
    assert not offer(page).is_visible()


def test_a_refused_save_keeps_the_text_offered(journalist, new_page):
    page, _article, url = open_own_draft(new_page, journalist)
    page.fill("#id_title", "")  # a title is required: the save is refused
    type_at_the_end_of_the_intro(page, " " + BODY)
    follow(page, page.get_by_role("button", name="حفظ كمسودة"))
    assert page.locator(".errornote").count() == 1

    page = close_without_saving(page)
    page.goto(url)
    offer(page).click()
    assert BODY in intro_editor(page).inner_text()


def test_a_new_article_typed_before_a_closed_tab_is_offered_back_in_the_add_form(journalist, new_page):
    category = make_category("وطني", slug="watani")
    page = new_page()
    login(page, "journalist")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", TITLE)
    page.fill("#id_lead", "مقدمة الخبر.")
    type_at_the_end_of_the_intro(page, BODY)

    page = close_without_saving(page)
    page.goto("/admin/articles/article/add/")
    assert page.input_value("#id_title") == ""
    offer(page).click()
    assert page.input_value("#id_title") == TITLE
    assert BODY in intro_editor(page).inner_text()
    page.select_option("#id_category", label=category.name)
    follow(page, page.get_by_role("button", name="حفظ كمسودة"))
    assert re.search(r"/admin/articles/article/$", page.url), page.locator(".errornote, .errorlist").all_inner_texts()
    assert BODY in Article.objects.get(title=TITLE).sections.get().body

    page.goto("/admin/articles/article/add/")
    page.wait_for_timeout(1000)
    assert not offer(page).is_visible()  # the new article was saved: its text is not offered again
