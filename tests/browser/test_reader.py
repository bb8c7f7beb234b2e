"""A reader goes from the home page through an article, "شاهد أيضا" and search to a comment thread."""

import re

import pytest

from comments.models import Comment
from tests.browser.support import follow, login, wait_like_a_person

TOC_ENTRY = "خطة عمل مشتركة للتعاون الأمني"
COMMENT = "زيارة مهمة تؤكد مكانة المغرب.\nنتمنى أن تعود بالنفع على الجالية المغربية في بلجيكا."
REPLY = "أتفق معك، والتعاون في مكافحة الإرهاب يحمي الجميع."


@pytest.fixture(autouse=True)
def _comments_open(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # the demo articles date from December 2024
    settings.COMMENTS_MIN_FILL_SECONDS = 1


def post_comment(page, *, name, email, body):
    form = page.locator("#comment-form")
    form.get_by_label("الاسم").fill(name)
    form.get_by_label("البريد الإلكتروني").fill(email)
    form.get_by_label("تعليقك").fill(body)
    form.locator("input[name=consent]").check()
    wait_like_a_person(page)
    follow(page, form.get_by_role("button", name="أرسل التعليق"))


def approve_in_the_admin(page, comment):
    page.goto("/admin/comments/comment/?status__exact=pending")
    row = page.locator("#result_list tbody tr", has_text=comment.body.splitlines()[0][:40])
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve")
    follow(page, page.locator("button[name=index]"))
    assert page.locator(".messagelist .success").count() == 1


def test_a_reader_reads_searches_comments_and_replies(demo, editor, new_page):
    reader = new_page()

    # Home page → the featured seed article.
    reader.goto("/")
    reader.locator("section.featured").get_by_role("link", name=demo.title).click()
    reader.wait_for_url(re.compile(rf"/article/{demo.pk}/"))
    assert reader.locator("h1").inner_text() == demo.title

    # The table of contents jumps to a section, and the address names it.
    reader.locator("nav.toc").get_by_role("link", name=TOC_ENTRY).click()
    reader.wait_for_function("() => location.hash.length > 1")
    anchor = demo.sections.get(heading=TOC_ENTRY).anchor
    assert reader.evaluate("decodeURIComponent(location.hash)") == f"#{anchor}"
    # The heading ends up at the top of the window (waiting out any smooth scrolling).
    reader.wait_for_function(
        "() => { const top = document.getElementById(decodeURIComponent(location.hash.slice(1)))"
        ".getBoundingClientRect().top; return top >= 0 && top < 200; }"
    )

    # "شاهد أيضا": the hand-picked article comes first.
    picked = demo.see_also.get()
    related = reader.locator("section.related")
    assert related.locator("h2").first.inner_text() == "شاهد أيضا"
    related.get_by_role("link", name=picked.title).click()
    reader.wait_for_url(re.compile(rf"/article/{picked.pk}/"))
    assert reader.locator("h1").inner_text() == picked.title

    # The header search, typed without the hamza, finds the seed article that writes "الإرهاب".
    search = reader.get_by_role("search").first
    search.get_by_role("searchbox").fill("الارهاب")
    search.get_by_role("searchbox").press("Enter")
    reader.wait_for_url(re.compile(r"/search/\?q="))
    results = reader.locator(".search-results")
    assert results.get_by_role("link", name=demo.title).count() == 1
    results.get_by_role("link", name=demo.title).click()
    reader.wait_for_url(re.compile(rf"/article/{demo.pk}/"))

    # "شارك بتعليقك": the comment waits for review and is not shown yet.
    assert reader.locator("#comments-title").inner_text() == "شارك بتعليقك"
    post_comment(reader, name="مريم", email="meryem.reader@example.ma", body=COMMENT)
    assert "في انتظار المراجعة" in reader.locator(".comments-status").inner_text()
    assert reader.locator(".comment-list .comment").count() == 0
    comment = Comment.objects.get(article=demo)
    assert comment.status == Comment.Status.PENDING

    # An editor approves it in the moderation queue.
    desk = new_page()
    login(desk, "editor")
    approve_in_the_admin(desk, comment)

    # The reader sees it, line breaks kept, and answers it from its "ردّ" link.
    reader.goto(demo.get_absolute_url())
    shown = reader.locator(f"#comment-{comment.pk}")
    assert shown.locator(".comment-author").inner_text() == "مريم"
    assert shown.locator(".comment-text").inner_text().splitlines() == COMMENT.splitlines()
    assert "meryem.reader@example.ma" not in reader.content()
    reader.locator(".comment-thread", has=shown).get_by_role("link", name="ردّ").click()
    reader.wait_for_url(re.compile(rf"/comments/reply/{comment.pk}/"))
    assert "مريم" in reader.locator(".comment-replying").inner_text()
    post_comment(reader, name="يونس", email="younes.reader@example.ma", body=REPLY)
    assert "في انتظار المراجعة" in reader.locator(".comments-status").inner_text()
    reply = Comment.objects.get(parent=comment)
    assert reply.status == Comment.Status.PENDING

    # Once approved too, the reply sits under the comment it answers.
    approve_in_the_admin(desk, reply)
    reader.goto(demo.get_absolute_url())
    nested = reader.locator(f"#comment-{comment.pk} ~ .comment-replies #comment-{reply.pk}")
    assert nested.locator(".comment-text").inner_text() == REPLY
