"""Right to left, no sideways scrolling, a usable navigation, at a phone's and a desktop's width."""

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import PHONE, WIDTHS
from tests.browser.support import follow, no_horizontal_overflow

BRAND_RED = "rgb(140, 28, 19)"

# Where the first line of an element's text ends up, against the element's own box:
# right-to-left text starts at the right edge (start), whatever the length of the line.
TEXT_EDGES = """(selector) => {
    const el = document.querySelector(selector);
    const range = document.createRange();
    range.selectNodeContents(el);
    // A line is cut into several boxes where digits or Latin words change direction.
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    const top = Math.min(...rects.map(r => r.top));
    const firstLine = rects.filter(r => Math.abs(r.top - top) < 4);
    const contentRight = (node) => {
        const style = getComputedStyle(node);
        return node.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
    };
    return {
        textRight: Math.max(...firstLine.map(r => r.right)),
        boxRight: contentRight(el),
        boxOuterRight: el.getBoundingClientRect().right,
        parentRight: contentRight(el.parentElement),
    };
}"""


def assert_reads_right_to_left(page, selector):
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).direction") == "rtl"
    edges = page.evaluate(TEXT_EDGES, selector)
    # The first line starts at the right edge of the element, which sits at the right of its parent.
    assert abs(edges["textRight"] - edges["boxRight"]) <= 2, edges
    assert abs(edges["boxOuterRight"] - edges["parentRight"]) <= 2, edges


def assert_stylesheet_applied(page):
    # Hashed names from whitenoise's manifest really load: the navigation bar is brand red.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-nav')).backgroundColor") == BRAND_RED


@pytest.mark.parametrize("width", WIDTHS)
def test_home_reads_right_to_left_and_fits_the_screen(demo, new_page, screenshot, width):
    page = new_page(WIDTHS[width])
    response = page.goto("/")
    assert response.status == 200
    assert_stylesheet_applied(page)
    assert_reads_right_to_left(page, ".block-title")
    assert no_horizontal_overflow(page)
    screenshot(page, f"home-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_article_reads_right_to_left_and_fits_the_screen(demo, new_page, screenshot, width, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # the picture shows the comment form of the 2024 demo article
    page = new_page(WIDTHS[width])
    page.goto(demo.get_absolute_url())
    assert_stylesheet_applied(page)
    assert_reads_right_to_left(page, ".article-title")
    assert_reads_right_to_left(page, ".article-body p")
    title = page.locator(".article-title").bounding_box()
    article = page.locator("article.article").bounding_box()
    assert abs((title["x"] + title["width"]) - (article["x"] + article["width"])) <= 2
    assert no_horizontal_overflow(page)
    screenshot(page, f"article-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_navigation_reaches_every_section(demo, new_page, width):
    page = new_page(WIDTHS[width])
    page.goto("/")
    links = page.locator(".site-nav a")
    names = links.all_inner_texts()
    assert names[0] == "الرئيسية"
    assert {"وطني", "دولي", "أمن", "اقتصاد", "رياضة"} <= set(names)
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        assert link.is_visible()
        box = link.bounding_box()
        assert -1 <= box["x"] and box["x"] + box["width"] <= WIDTHS[width]["width"] + 1  # subpixel text widths
    # The first entries sit at the right, in reading order.
    first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
    assert first["x"] > second["x"]
    page.get_by_role("navigation", name="الأقسام").get_by_role("link", name="رياضة").click()
    page.wait_for_url(re.compile(r"/riyada/$"))
    assert page.locator("h1").inner_text() == "رياضة"
    assert page.locator(".site-nav a[aria-current=page]").inner_text() == "رياضة"
    assert no_horizontal_overflow(page)


def test_no_page_scrolls_sideways_on_a_phone(demo, new_page, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # show the comment form on the demo article
    page = new_page(PHONE)
    tag = demo.tags.order_by("name").first()
    pages = [
        "/amn/",
        f"/tag/{tag.slug}/",
        "/search/?q=التعاون الأمني",
        "/author/sahafi/",
        "/newsletter/subscribe/",
        "/article/999999/none/",
    ]
    for path in pages:
        page.goto(path)
        assert no_horizontal_overflow(page), path


def test_phone_header_is_compact_with_the_menu_on_one_line(demo, new_page):
    page = new_page(PHONE)
    page.goto("/")
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    links = page.locator(".site-nav a")
    lines = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(lines) == 1, lines  # the last sections are reached by scrolling sideways
    assert page.locator("input[type=search]").count() == 1
    page.locator("input[type=search]").fill("التعاون الأمني")
    follow(page, page.get_by_role("button", name="بحث"))
    assert page.locator("input[type=search]").count() == 1
    assert no_horizontal_overflow(page)


def _stories_on(page):
    # Every story link a reader can see in the page's main part, once per block it sits in.
    return page.eval_on_selector_all(
        "main a[href*='/article/']",
        "links => links.filter(a => !a.closest('[aria-hidden=true]')).map(a => a.pathname)",
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_home_shows_each_story_once_with_most_read_beside_the_lead(demo, new_page, screenshot, width):
    from django.utils import timezone

    from articles.models import Article, ArticleDailyViews, Category
    from tests.helpers import make_article

    categories = list(Category.objects.all())
    for n in range(15):  # a day's worth more, so that every section has a block below
        make_article(
            f"خبر من قسم {categories[n % 5].name} رقم {n + 1}",
            category=categories[n % 5],
            published_at=demo.published_at - timedelta(days=1 + n),
        )
    readers_pick = Article.objects.exclude(pk=demo.pk).order_by("published_at")[:3]
    ArticleDailyViews.objects.bulk_create(
        [ArticleDailyViews(article=a, day=timezone.localdate(), count=50 - n) for n, a in enumerate(readers_pick)]
    )
    page = new_page(WIDTHS[width])
    page.goto("/")
    stories = _stories_on(page)
    assert stories and len(stories) == len(set(stories)), stories
    lead = page.locator(".front-main .card-big")
    assert lead.get_by_role("link", name=demo.title).is_visible()
    most_read = page.locator(".most-read").bounding_box()
    lead_box = lead.bounding_box()
    if width == "desktop":  # beside the lead, on its left in a right-to-left page
        assert most_read["x"] + most_read["width"] <= lead_box["x"]
        assert most_read["y"] < lead_box["y"] + lead_box["height"]
    else:  # below it, the whole width
        assert most_read["y"] > lead_box["y"] + lead_box["height"]
    blocks = page.locator(".category-block")
    assert blocks.count() == 5 and all(blocks.nth(i).locator("a").count() >= 2 for i in range(5))
    assert no_horizontal_overflow(page)
    screenshot(page, f"home-full-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_footer_pages_open_from_the_footer_and_fit_the_screen(demo, new_page, width):
    page = new_page(WIDTHS[width])
    page.goto("/")
    for name in ["من نحن", "اتصل بنا", "ميثاق التحرير", "حماية المعطيات الشخصية"]:
        follow(page, page.locator(".footer-links").get_by_role("link", name=name))
        assert page.locator("h1").inner_text() == name
        assert no_horizontal_overflow(page), name


def test_the_printed_article_is_its_title_date_text_and_address(demo, new_page):
    page = new_page()
    page.goto(demo.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", ".share", ".related", "#comments", ".toc"]:
        if page.locator(hidden).count():
            assert not page.locator(hidden).first.is_visible(), hidden
    for shown in [".article-title", ".article-date", ".article-body"]:
        assert page.locator(shown).is_visible(), shown
    printed_url = page.evaluate("getComputedStyle(document.querySelector('.article'), '::after').content")
    assert printed_url.startswith('"http') and f"/article/{demo.pk}/" in printed_url
