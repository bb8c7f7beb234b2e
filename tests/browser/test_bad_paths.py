"""What a person meets when something goes wrong: clear Arabic pages, nothing lost."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.tokens import confirm_token
from tests.browser.support import wait_like_a_person

COMMENT = "مقال مفيد، شكرا لكم.\nأتمنى أن تنشروا تفاصيل خطة العمل كاملة."


def test_a_comment_with_an_error_comes_back_with_its_text(demo, page, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # the demo articles date from December 2024
    settings.COMMENTS_MIN_FILL_SECONDS = 1
    page.goto(demo.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_label("الاسم").fill("عبد الرحيم")
    # The browser lets this pass (no dot is needed in HTML); the server does not.
    form.get_by_label("البريد الإلكتروني").fill("abderrahim@gmail")
    form.get_by_label("تعليقك").fill(COMMENT)
    form.locator("input[name=consent]").check()
    wait_like_a_person(page)
    with page.expect_navigation() as navigation:
        form.get_by_role("button", name="أرسل التعليق").click()
    assert navigation.value.status == 400

    form = page.locator("#comment-form")
    assert form.get_by_label("تعليقك").input_value() == COMMENT
    assert form.get_by_label("الاسم").input_value() == "عبد الرحيم"
    assert form.get_by_label("البريد الإلكتروني").input_value() == "abderrahim@gmail"
    error = form.locator(".errorlist", has_text="هذا العنوان ليس بريدا إلكترونيا صحيحا.")
    assert error.count() == 1
    # The error sits next to its field: between the email input and the comment box.
    email_box = form.get_by_label("البريد الإلكتروني").bounding_box()
    body_box = form.get_by_label("تعليقك").bounding_box()
    error_box = error.bounding_box()
    assert email_box["y"] - 80 <= error_box["y"] <= body_box["y"]
    assert page.locator(".comment-list .comment-text", has_text="مقال مفيد").count() == 0


def test_an_expired_confirmation_link_shows_a_clear_arabic_page(demo, page):
    subscriber = Subscriber.objects.create(email="late.reader@example.ma")
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        token = confirm_token(subscriber)
    response = page.goto(f"/newsletter/confirm/{token}/")
    assert response.status == 410
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar-MA", "rtl"]
    assert page.locator("h1").inner_text() == "انتهت صلاحية رابط التأكيد"
    page.get_by_role("link", name="الاشتراك من جديد").click()
    page.wait_for_url(re.compile(r"/newsletter/subscribe/$"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_a_missing_page_answers_in_arabic_with_a_way_home(demo, page):
    response = page.goto("/article/999999/%D9%85%D9%82%D8%A7%D9%84-%D9%85%D8%AD%D8%B0%D9%88%D9%81/")
    assert response.status == 404
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar-MA", "rtl"]
    assert page.locator("h1").inner_text() == "الصفحة غير موجودة"
    assert page.title().startswith("الصفحة غير موجودة")
    # The site around it is still there: the sections to go on reading, and the way home.
    assert page.get_by_role("navigation", name="الأقسام").get_by_role("link", name="أمن").is_visible()
    page.get_by_role("link", name="العودة إلى الصفحة الرئيسية").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("article.card").count() > 0
