"""axe-core audits of the pages readers use most: nothing serious or critical."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.support import follow, wait_like_a_person

# Rules whose passing the issue asks for by name: they must have run, not just be absent.
REQUIRED_RULES = {"color-contrast", "html-has-lang", "document-title"}


def describe(violations):
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def assert_accessible(page, axe, *, rules=REQUIRED_RULES):
    report = axe(page)
    assert not report["violations"], describe(report["violations"])
    assert rules <= set(report["passes"]), rules - set(report["passes"])


@pytest.fixture(autouse=True)
def _comments_open_on_old_articles(settings):
    # The demo articles date from December 2024; comments would have closed by themselves.
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_MIN_FILL_SECONDS = 1


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_home_page_passes_the_audit(demo, new_page, axe, viewport):
    page = new_page(viewport) if viewport else new_page()
    page.goto("/")
    # (Card images are decorative, inside aria-hidden links: image-alt does not apply there.)
    assert_accessible(page, axe, rules=REQUIRED_RULES | {"label"})


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_article_page_with_its_comment_form_passes_the_audit(demo, new_page, axe, viewport):
    page = new_page(viewport) if viewport else new_page()
    page.goto(demo.get_absolute_url())
    assert page.locator("#comment-form").count() == 1
    assert_accessible(page, axe, rules=REQUIRED_RULES | {"image-alt", "label"})


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_author_pages_with_photo_bio_and_links_pass_the_audit(demo, new_page, axe, viewport):
    page = new_page(viewport) if viewport else new_page()
    # A journalist with a photo; an agency with its site and no picture.
    for path, rules in [("/author/sahafi/", {"image-alt", "link-name"}), ("/author/afp/", {"link-name"})]:
        page.goto(path)
        assert page.locator(".author-bio").count() == 1, path
        assert_accessible(page, axe, rules=REQUIRED_RULES | {"label"} | rules)


def test_search_results_pass_the_audit(demo, page, axe):
    page.goto("/search/?q=الإرهاب")
    assert page.locator("main a", has_text=demo.title).count() >= 1
    assert_accessible(page, axe, rules=REQUIRED_RULES | {"label"})


def test_comment_form_with_errors_passes_the_audit(demo, page, axe):
    page.goto(demo.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_label("الاسم").fill("خديجة")
    form.get_by_label("البريد الإلكتروني").fill("khadija@example")
    form.get_by_label("تعليقك").fill("تعليق تجريبي")
    form.locator("input[name=consent]").check()
    wait_like_a_person(page)
    follow(page, form.locator("button[type=submit]"))
    assert page.locator("#comment-form .errorlist").count() >= 1
    assert_accessible(page, axe, rules=REQUIRED_RULES | {"label"})


def test_not_found_page_passes_the_audit(demo, page, axe):
    page.goto("/article/999999/la-yujad/")
    assert_accessible(page, axe)


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_heading_anchor_is_readable_when_shown(demo, page):
    # The "#" before a section heading appears on pointing: it must then meet WCAG AA (4.5:1).
    page.goto(demo.get_absolute_url())
    heading = page.locator(".article-body h2").first
    heading.hover()
    anchor = heading.locator(".anchor")
    page.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=anchor.element_handle())
    colours = anchor.evaluate(
        """el => {
            const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
            let node = el, bg = "rgba(0, 0, 0, 0)";
            while (node && /rgba\\(.*, 0\\)$|transparent/.test(bg)) { bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
            return {fg: rgb(getComputedStyle(el).color), bg: /rgba\\(.*, 0\\)$/.test(bg) ? [255, 255, 255] : rgb(bg)};
        }"""
    )
    lighter, darker = sorted((_luminance(colours["fg"]), _luminance(colours["bg"])), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, colours


@pytest.mark.parametrize("name", ["من نحن", "اتصل بنا", "ميثاق التحرير", "حماية المعطيات الشخصية"])
def test_footer_pages_pass_the_audit(demo, page, axe, name):
    page.goto("/")
    follow(page, page.locator(".footer-links").get_by_role("link", name=name))
    assert_accessible(page, axe)


@pytest.mark.parametrize("path", ["/", "article"])
def test_the_dark_theme_passes_the_audit(demo, new_page, axe, path):
    page = new_page(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto(demo.get_absolute_url() if path == "article" else path)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 24, 28)"
    assert_accessible(page, axe)
