"""An editor adds a dated correction to a published article; it stays in the form and readers see it."""

from django.utils import timezone, translation
from django.utils.formats import date_format

from articles.models import Correction
from tests.browser.support import follow, login

DEMO_PASSWORD = "demo-portal-2024"  # load_demo's default for its accounts
NOTE = "ورد في نسخة سابقة أن اللقاء جرى يوم الاثنين، والصحيح أنه جرى يوم الثلاثاء."


def test_the_editor_corrects_a_published_article_and_the_reader_sees_the_dated_note(demo, new_page):
    article = demo
    assert article.is_public and not article.corrections.exists()
    desk = new_page()
    login(desk, "muharrir", DEMO_PASSWORD)
    desk.goto("/admin/articles/article/")
    follow(desk, desk.locator("#result_list").get_by_role("link", name=article.title))

    corrections = desk.locator("#corrections-group")
    corrections.locator(".add-row a", has_text="إضافة").click()
    row = corrections.locator("tr.form-row.dynamic-corrections").last
    assert row.locator("select[name$=-kind]").input_value() == "correction"  # «تصحيح» unless told
    row.locator("textarea[name$=-note]").fill(NOTE)
    follow(desk, desk.get_by_role("button", name="حفظ ومتابعة التعديل"))
    assert desk.locator(".errornote, .errorlist").all_inner_texts() == []
    assert desk.locator(".messagelist .success").count() == 1

    # Back in the form, the note is listed as saved, with its date, ready to be corrected itself.
    saved = desk.locator("#corrections-group textarea[name=corrections-0-note]")
    assert saved.input_value() == NOTE
    assert desk.locator("#corrections-group input[name=corrections-0-id]").input_value() != ""
    correction = Correction.objects.get(article=article)
    assert correction.note == NOTE and not article.authors.filter(username="muharrir").exists()

    reader = new_page()
    reader.goto(article.get_absolute_url())
    note = reader.locator(".article-corrections li")
    assert note.count() == 1
    assert "تصحيح" in note.inner_text() and NOTE in note.inner_text()
    with translation.override("ar-ma"):
        written = date_format(timezone.localtime(correction.noted_at), "DATETIME_FORMAT")
    assert note.locator("time").inner_text() == written
