"""The Content-Security-Policy breaks nothing a reader or a journalist uses."""

import pytest

from tests.browser.support import login


def violations_on(page) -> list[str]:
    found = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


@pytest.fixture(autouse=True)
def _comments_open_on_old_articles(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0


def test_reader_pages_run_under_the_policy(demo, page):
    found = violations_on(page)
    for url in ["/", demo.get_absolute_url(), "/search/?q=الإرهاب", "/newsletter/subscribe/", "/no-such-page/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # The copy-link box, the only script readers run, still works.
    page.goto(demo.get_absolute_url())
    assert page.locator("link[rel=stylesheet]").count() >= 1
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"  # the stylesheet applied
    assert not found, found


def test_the_article_editor_runs_under_the_admin_policy(demo, journalist, page):
    found = violations_on(page)
    login(page, "journalist")
    page.goto("/admin/articles/article/add/")
    editor = page.locator("#sections-0 .ck-editor__editable")
    editor.click()
    page.keyboard.type("نص يكتبه الصحفي في المحرر")
    assert "نص يكتبه الصحفي" in editor.inner_text()
    assert page.locator(".ck-toolbar").first.is_visible()
    page.goto("/admin/")
    assert not found, found
