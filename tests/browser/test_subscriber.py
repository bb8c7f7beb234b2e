"""A reader joins the mailing list from the footer box, confirms, gets a digest, leaves in one click."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsletter.models import Subscriber
from tests.browser.support import follow
from tests.helpers import make_article, run_tasks

EMAIL = "salma.reader@example.ma"


def link_in(text, kind):
    """The first link of a kind ("confirm", "unsubscribe") in a mail's plain text."""
    match = re.search(rf"https?://\S+/newsletter/{kind}/[^\s/]+/", text)
    assert match, f"no {kind} link in:\n{text}"
    return match.group(0)


@pytest.fixture(autouse=True)
def _mail_links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def test_subscribe_confirm_receive_and_leave(demo, page):
    # Joining: the box at the foot of the article page.
    page.goto(demo.get_absolute_url())
    box = page.locator("footer .newsletter-box")
    assert "اشتراك في القائمة البريدية" in box.locator("h2").inner_text()
    box.get_by_label("بريدك الإلكتروني").fill(EMAIL)
    assert box.get_by_label("ملخص يومي كل صباح").is_checked()  # the default rhythm
    box.locator("input[name=consent]").check()
    follow(page, box.get_by_role("button", name="اشترك"))
    page.wait_for_url(re.compile(r"/newsletter/subscribe/check-your-inbox/$"))
    assert page.locator("h1").inner_text() == "تحقق من بريدك الإلكتروني"

    # The confirmation mail goes out in the background; nothing else is sent before confirming.
    run_tasks()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    confirmation = mail.outbox[0]
    html = confirmation.alternatives[0][0]
    assert 'dir="rtl"' in html
    subscriber = Subscriber.objects.get(email=EMAIL)
    assert subscriber.status == Subscriber.Status.PENDING

    page.goto(link_in(confirmation.body, "confirm"))
    follow(page, page.get_by_role("button", name="أؤكد اشتراكي"))
    assert page.locator("h1").inner_text() == "تم تأكيد اشتراكك"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED

    # The morning digest carries the news published since.
    fresh = make_article(
        "افتتاح الخط الجديد للقطار فائق السرعة نحو مراكش",
        category=demo.category,
        published_at=timezone.now() - timedelta(minutes=30),
    )
    mail.outbox.clear()
    call_command("send_newsletter", rhythm="daily", stdout=io.StringIO())
    run_tasks()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    digest = mail.outbox[0]
    assert fresh.title in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The HTML part reads right to left in a browser, and its article link opens the article.
    page.set_content(digest.alternatives[0][0])
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    article_link = page.get_by_role("link", name=fresh.title).first.get_attribute("href")
    page.goto(article_link)
    assert page.locator("h1").inner_text() == fresh.title

    # Leaving: the link at the foot of the digest, no login, one button.
    page.goto(link_in(digest.body, "unsubscribe"))
    follow(page, page.get_by_role("button", name="نعم، ألغِ اشتراكي"))
    assert page.locator("h1").inner_text() == "تم إلغاء اشتراكك"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
