"""A journalist writes an article in CKEditor, an editor publishes it, readers find it."""

import re

from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image

from articles.models import Article
from tests.browser.support import follow, login, month_names_in

TITLE = "مهرجان موازين يعود إلى الرباط بدورة جديدة"
LEAD = "يعود المهرجان هذا الصيف ببرنامج غني يجمع فنانين من المغرب وإفريقيا والعالم."
INTRO = "تنطلق الدورة الجديدة من المهرجان في شهر يونيو بمنصات موزعة على أحياء الرباط وسلا."
ALT = "جمهور غفير أمام منصة أبي رقراق"


def editor_of(page, form_index):
    return page.locator(f"#sections-{form_index} .ck-editor__editable")


def toolbar_button(page, form_index, label):
    return page.locator(f"#sections-{form_index} .ck-toolbar button[data-cke-tooltip-text^='{label}']").first


def write_article(page, photo):
    page.goto("/admin/articles/article/add/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar-ma", "rtl"]
    page.fill("#id_title", TITLE)
    page.fill("#id_lead", LEAD)
    page.select_option("#id_category", label="وطني")
    page.fill("#id_tags", "الرباط، موسيقى، مهرجانات")
    # A journalist moves the article with the buttons only: the status is text, not a choice.
    assert page.locator("#id_status, select[name=status]").count() == 0
    assert page.locator(".field-status .readonly").inner_text().strip() == "مسودة"
    assert page.get_by_role("button", name="نشر الآن").count() == 0

    # The intro: plain Arabic typed into the editor, no heading.
    editor_of(page, 0).click()
    page.keyboard.type(INTRO)

    page.locator(".inline-group .add-row a").click()
    page.locator(".inline-group .add-row a").click()

    # First headed section: a bulleted list and a link.
    page.fill("#id_sections-1-heading", "برنامج الدورة")
    editor_of(page, 1).click()
    page.keyboard.type("أبرز المواعيد:")
    page.keyboard.press("Enter")
    toolbar_button(page, 1, "قائمة نقطية").click()
    page.keyboard.type("حفل الافتتاح بمنصة السويسي")
    page.keyboard.press("Enter")
    page.keyboard.type("سهرات الموسيقى الأندلسية")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("التفاصيل على ")
    toolbar_button(page, 1, "رابط").click()
    balloon = page.locator(".ck-balloon-panel_visible")
    balloon.locator("input").nth(0).fill("موقع المهرجان")
    balloon.locator("input").nth(1).fill("https://festival.example.ma/")
    balloon.locator("button.ck-button-action").click()
    page.keyboard.type(" الرسمي.")

    # Second headed section: text and an image uploaded through the editor, with its alt text.
    page.fill("#id_sections-2-heading", "صور من الدورة السابقة")
    editor_of(page, 2).click()
    page.keyboard.type("حضر جمهور غفير سهرة الختام على ضفاف أبي رقراق.")
    page.keyboard.press("Enter")
    with page.expect_response(re.compile(r"/editor/image-upload/$")) as upload:
        page.locator("#sections-2 .ck-toolbar input[type=file]").set_input_files(str(photo))
    assert upload.value.status == 200, upload.value.text()
    image = editor_of(page, 2).locator("img")
    image.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#sections-2 .ck-editor__editable img')]"
        ".every(img => img.complete && img.naturalWidth > 0 && img.getAttribute('src').startsWith('/media/'))"
    )
    image.click()
    page.locator(".ck-balloon-panel_visible button[data-cke-tooltip-text*='النص البديل']").click()
    page.locator(".ck-balloon-panel_visible input").fill(ALT)
    page.keyboard.press("Enter")

    follow(page, page.get_by_role("button", name="إرسال للمراجعة"))
    assert re.search(r"/admin/articles/article/$", page.url), page.locator(".errornote, .errorlist").all_inner_texts()
    assert page.locator(".messagelist .success").count() == 1


def publish_from_the_list(page, article):
    page.goto("/admin/articles/article/")
    page.check(f"input.action-select[value='{article.pk}']")
    page.select_option("select[name=action]", "publish")
    follow(page, page.locator("button[name=index]"))
    assert "نُشر مقال واحد." in page.locator(".messagelist").inner_text()


def test_an_article_written_in_the_editor_reaches_the_readers(journalist, editor, demo, new_page, axe, tmp_path):
    photo = tmp_path / "mawazine.png"
    Image.new("RGB", (960, 540), (11, 92, 138)).save(photo)

    newsroom = new_page()
    login(newsroom, "journalist")
    write_article(newsroom, photo)

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.IN_REVIEW
    assert list(article.authors.all()) == [journalist]
    assert sorted(article.tags.names()) == sorted(["الرباط", "موسيقى", "مهرجانات"])
    intro, program, photos = article.sections.all()
    assert (intro.heading, program.heading, photos.heading) == ("", "برنامج الدورة", "صور من الدورة السابقة")
    assert INTRO in intro.body

    reader = new_page()
    reader.goto("/")
    assert TITLE not in reader.content()  # in review: not public yet

    desk = new_page()
    login(desk, "editor")
    publish_from_the_list(desk, article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    with translation.override("ar-ma"):
        expected_date = date_format(timezone.localtime(article.published_at), "j F Y")  # in every card's date
    moroccan, foreign = month_names_in(expected_date)
    assert moroccan and not foreign, expected_date

    reader.goto("/")
    card = reader.locator("main article.card", has_text=TITLE)
    assert expected_date in card.locator("time").inner_text()

    reader.goto("/watani/")
    card = reader.locator("article.card", has_text=TITLE)
    assert expected_date in card.locator("time").inner_text()
    card.get_by_role("link", name=TITLE).click()

    reader.wait_for_url(re.compile(rf"/article/{article.pk}/"))
    assert reader.locator("h1").inner_text() == TITLE
    assert expected_date in reader.locator(".article-meta time").first.inner_text()
    assert "يوسف العلمي" in reader.locator(".article-authors").inner_text()
    body = reader.locator(".article-body")
    assert INTRO in body.inner_text()
    headings = [text.strip("#").strip() for text in body.locator("h2").all_inner_texts()]  # "#": the anchor link
    assert headings == ["برنامج الدورة", "صور من الدورة السابقة"]
    assert body.locator("ul > li").all_inner_texts() == ["حفل الافتتاح بمنصة السويسي", "سهرات الموسيقى الأندلسية"]
    link = body.get_by_role("link", name="موقع المهرجان")
    assert link.get_attribute("href") == "https://festival.example.ma/"
    picture = body.get_by_role("img", name=ALT)
    picture.scroll_into_view_if_needed()
    reader.wait_for_function(
        "(alt) => { const img = document.querySelector(`.article-body img[alt='${alt}']`);"
        " return img && img.complete && img.naturalWidth === 960; }",
        arg=ALT,
    )
    assert sorted(reader.locator(".tags a").all_inner_texts()) == sorted(["الرباط", "موسيقى", "مهرجانات"])
    # What the editor produced (list, link, figure) passes the audit on the public page.
    report = axe(reader)
    assert not report["violations"], report["violations"]
    assert "image-alt" in report["passes"]
