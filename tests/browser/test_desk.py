"""The newsroom desk, clicked and typed as people do: write, submit, return, publish; versions;
two people on one article. (Autosaved text after a closed tab: test_autosave.py.)"""

import re

from django.contrib.auth import get_user_model

from articles.models import Article
from tests.browser.support import follow, login
from tests.helpers import make_article

DEMO_PASSWORD = "demo-portal-2024"
TITLE = "انطلاق موسم جني الزيتون بجهة فاس مكناس"
LEAD = "يتوقع الفلاحون محصولا وفيرا هذا الموسم بعد أمطار الخريف."
NOTE = "أضف تصريح المديرية الجهوية للفلاحة."


def editor_of(page, index):
    return page.locator(f"#sections-{index} .ck-editor__editable")


def click_save(page, name):
    follow(page, page.locator("#article_form .submit-row").first.get_by_role("button", name=name, exact=True))
    return page.locator(".errornote, .errorlist").all_inner_texts()


def open_from_list(page, title, *, via_desk=None):
    if via_desk:
        follow(page, page.locator(f"#desk-notice a[data-desk={via_desk}]"))
    else:
        page.goto("/admin/articles/article/")
    follow(page, page.locator("#result_list").get_by_role("link", name=title))


def test_an_article_goes_from_the_journalist_to_the_home_page_through_the_desk(journalist, editor, demo, new_page):
    writer = new_page()
    login(writer, "journalist")
    writer.goto("/admin/articles/article/add/")
    for technical in ("#id_slug", "#id_sections-0-position"):
        assert writer.locator(technical).count() == 0
    writer.fill("#id_title", TITLE)
    writer.fill("#id_lead", LEAD)
    writer.select_option("#id_category", label="وطني")
    editor_of(writer, 0).click()
    writer.keyboard.type("تنطلق عملية الجني في الأسبوع المقبل.")
    writer.locator(".inline-group .add-row a").click()
    writer.fill("#id_sections-1-heading", "أرقام الموسم")
    editor_of(writer, 1).click()
    writer.locator("#sections-1 .ck-toolbar button[data-cke-tooltip-text^='قائمة نقطية']").first.click()
    writer.keyboard.type("مساحة مزروعة أكبر")
    writer.keyboard.press("Enter")
    writer.keyboard.type("يد عاملة أكثر")
    errors = click_save(writer, "حفظ كمسودة")
    assert re.search(r"/admin/articles/article/$", writer.url), errors
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT
    assert "<li>يد عاملة أكثر</li>" in article.sections.get(heading="أرقام الموسم").body

    open_from_list(writer, TITLE)
    assert click_save(writer, "إرسال للمراجعة") == []

    desk = new_page()
    login(desk, "editor")
    assert desk.locator("#desk-notice a[data-desk=review] .desk-count").inner_text() == "1"
    open_from_list(desk, TITLE, via_desk="review")
    desk.fill("#id_return_note", NOTE)
    assert click_save(desk, "إعادة إلى الصحفي") == []
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    writer.goto("/admin/")
    assert writer.locator("#desk-notice a[data-desk=returned] .desk-count").inner_text() == "1"
    open_from_list(writer, TITLE, via_desk="returned")
    assert NOTE in writer.locator("#desk-return-note").inner_text()
    writer.fill("#id_lead", LEAD + " وقال المدير الجهوي إن المحصول سيرتفع.")
    assert click_save(writer, "إرسال للمراجعة") == []

    desk.goto("/admin/")
    open_from_list(desk, TITLE, via_desk="review")
    assert desk.locator("#desk-return-note").count() == 0  # dealt with: the note is gone
    assert click_save(desk, "نشر الآن") == []
    article.refresh_from_db()
    assert article.is_public

    reader = new_page()
    reader.goto("/")
    assert reader.locator("main article.card", has_text=TITLE).count() == 1


def test_the_demo_editor_publishes_the_demo_journalists_draft_without_typing_a_date(demo, new_page):
    sahafi = get_user_model().objects.get(username="sahafi")
    make_article(TITLE, category=demo.category, status=Article.Status.DRAFT, authors=[sahafi])
    desk = new_page()
    login(desk, "muharrir", DEMO_PASSWORD)
    open_from_list(desk, TITLE)
    assert desk.input_value("#id_published_at_0") == ""
    errors = click_save(desk, "نشر الآن")
    assert re.search(r"/admin/articles/article/(\?.*)?$", desk.url), errors
    assert "violated" not in desk.content()
    article = Article.objects.get(title=TITLE)
    assert article.is_public
    reader = new_page()
    reader.goto("/")
    assert reader.locator("main article.card", has_text=TITLE).count() == 1


def test_the_editor_compares_two_versions_and_restores_one(editor, demo, new_page):
    make_article(TITLE, category=demo.category, status=Article.Status.IN_REVIEW)
    desk = new_page()
    login(desk, "editor")
    open_from_list(desk, TITLE)
    click_save(desk, "حفظ ومتابعة التعديل")
    desk.fill("#id_title", TITLE + " رغم الجفاف")
    click_save(desk, "حفظ ومتابعة التعديل")

    follow(desk, desk.get_by_role("link", name="النسخ المحفوظة"))
    assert desk.locator(".desk-version").count() == 2
    follow(desk, desk.get_by_role("button", name="قارن النسختين"))
    change = desk.locator(".desk-change", has_text="العنوان")
    assert change.locator("ins").inner_text().strip() == "رغم الجفاف"
    follow(desk, desk.get_by_role("button", name="استرجاع هذه النسخة"))
    assert desk.input_value("#id_title") == TITLE
    assert Article.objects.get(pk=Article.objects.get(title=TITLE).pk).title == TITLE
    follow(desk, desk.get_by_role("link", name="النسخ المحفوظة"))
    assert desk.locator(".desk-version").count() == 3  # the restore is itself a version


def test_two_people_on_one_article_the_second_save_is_refused_and_nothing_is_lost(journalist, editor, demo, new_page):
    article = make_article(TITLE, category=demo.category, status=Article.Status.DRAFT, authors=[journalist])
    writer, desk = new_page(), new_page()
    login(writer, "journalist")
    login(desk, "editor")
    open_from_list(writer, TITLE)
    open_from_list(desk, TITLE)
    assert "يوسف العلمي يحرر هذا المقال الآن" in desk.locator("#desk-editing").inner_text()

    desk.fill("#id_title", TITLE + " بالمغرب")
    assert click_save(desk, "حفظ ومتابعة التعديل") == []
    mine = "مقدمة أعاد الصحفي كتابتها ولا يريد أن يفقدها."
    writer.fill("#id_lead", mine)
    errors = click_save(writer, "حفظ كمسودة")
    assert any("عدّل سعاد بنعلي هذا المقال" in error for error in errors), errors
    assert writer.locator("#desk-conflict ins").first.inner_text().strip() == "بالمغرب"
    assert writer.input_value("#id_lead") == mine  # what they typed is still there
    article.refresh_from_db()
    assert article.title == TITLE + " بالمغرب" and article.lead != mine

    writer.fill("#id_title", TITLE + " بالمغرب")  # takes the editor's change in, then saves again
    assert click_save(writer, "حفظ كمسودة") == []
    article.refresh_from_db()
    assert (article.title, article.lead) == (TITLE + " بالمغرب", mine)
