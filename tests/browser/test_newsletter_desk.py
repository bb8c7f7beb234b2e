"""The editor's newsletter desk: prepare a digest, try it on their own inbox, send it after a confirmation."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from newsletter.models import Dispatch, Subscriber
from tests.browser.support import follow, login
from tests.helpers import make_article, run_tasks
from tests.newsletter.helpers import make_subscriber

DEMO_PASSWORD = "demo-portal-2024"  # load_demo's default for its accounts
TITLE = "افتتاح المحطة الجديدة للقطار فائق السرعة بمراكش"


def test_the_editor_tries_the_digest_on_their_inbox_then_sends_it_after_confirming(demo, page):
    make_article(TITLE, category=demo.category, published_at=timezone.now() - timedelta(minutes=20))
    readers = [make_subscriber("amina@example.ma"), make_subscriber("youssef@example.ma")]
    make_subscriber("late@example.ma", status=Subscriber.Status.PENDING)  # never confirmed: gets nothing
    mail.outbox.clear()

    login(page, "muharrir", DEMO_PASSWORD)
    follow(page, page.locator("#content-main #newsletter-dispatch").get_by_role("link", name="النشرات"))
    follow(page, page.locator(".object-tools a.addlink"))
    page.get_by_label("ملخص يومي كل صباح").check()
    follow(page, page.get_by_role("button", name="أعدّ النشرة"))
    assert re.search(r"/admin/newsletter/dispatch/\d+/change/$", page.url)
    dispatch = Dispatch.objects.get()

    # The test send: one click, and the digest is in the editor's own inbox only.
    follow(page, page.get_by_role("button", name="أرسل نسخة تجريبية إلى بريدي"))
    assert page.locator(".messagelist .success").inner_text().startswith("أُرسلت نسخة تجريبية")
    assert [message.to for message in mail.outbox] == [["muharrir@example.com"]]
    assert mail.outbox[0].subject.startswith("[تجربة]") and TITLE in mail.outbox[0].body

    # Sending asks first, with the number of confirmed readers it will reach.
    follow(page, page.get_by_role("link", name="أرسل النشرة إلى المشتركين"))
    assert "مشتركان" in page.locator("#send-confirmation").inner_text()
    assert len(mail.outbox) == 1 and not dispatch.deliveries.exists()  # nothing sent by asking
    follow(page, page.get_by_role("button", name="نعم، أرسلها الآن"))
    assert re.search(rf"/admin/newsletter/dispatch/{dispatch.pk}/change/$", page.url)
    assert "0 أُرسلت · 0 فشلت · 2 في الانتظار" in page.locator(".field-progress").inner_text()

    run_tasks()
    page.reload()
    assert "2 أُرسلت · 0 فشلت · 0 في الانتظار" in page.locator(".field-progress").inner_text()
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted(r.email for r in readers)
    assert page.get_by_role("link", name="أرسل النشرة إلى المشتركين").count() == 0  # never twice
