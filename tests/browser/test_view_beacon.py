"""Opening an article in a real browser records one view for «الأكثر قراءة» (articles.beacon)."""

import re

from articles.models import ArticleDailyViews
from articles.readership import views_fold


def test_opening_an_article_in_chromium_records_one_view(demo, chromium, live_server):
    # Debian's headless Chromium names itself "HeadlessChrome", which the bot filter drops;
    # a reader's Chromium does not.
    probe = chromium.new_context()
    agent = probe.new_page().evaluate("navigator.userAgent").replace("HeadlessChrome", "Chrome")
    probe.close()
    context = chromium.new_context(base_url=live_server.url, user_agent=agent, locale="ar-MA")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    try:
        page = context.new_page()
        with page.expect_request(re.compile(rf"/v/{demo.pk}/$")) as sent:
            page.goto(demo.get_absolute_url())
        assert sent.value.method == "POST"
        sent.value.response()  # the beacon's 204 is back: the view is in the counters
        assert page.locator("h1").inner_text() == demo.title
    finally:
        context.close()
    views_fold()
    assert sum(ArticleDailyViews.objects.filter(article=demo).values_list("count", flat=True)) == 1
