from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comments.forms import TYPED, sign_started
from comments.models import Comment
from tests.comments.factories import form_data, make_comment

pytestmark = pytest.mark.django_db

AWAITS_REVIEW = "تعليقك في انتظار المراجعة"


def post(client, article, address="10.0.0.1", **overrides):
    return client.post(
        reverse("comments:post", args=[article.pk]), form_data(**overrides), REMOTE_ADDR=address, follow=True
    )


class TestBotTraps:
    def test_a_filled_honeypot_is_dropped_silently(self, client, article):
        response = post(client, article, website="http://cheap-pills.example")
        assert AWAITS_REVIEW in response.content.decode()  # the bot sees what a reader sees
        assert not Comment.objects.exists()

    def test_honeypot_is_hidden_from_people(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<div class="comment-hp" aria-hidden="true">' in html
        assert 'name="website"' in html and 'tabindex="-1"' in html

    def test_a_form_sent_back_within_three_seconds_is_dropped(self, client, article):
        response = post(client, article, started=sign_started(at=timezone.now() - timedelta(seconds=1)))
        assert AWAITS_REVIEW in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_missing_or_forged_start_time_is_dropped(self, client, article):
        post(client, article, started=None)
        post(client, article, started="1700000000")
        post(client, article, started=sign_started(at=timezone.now() - timedelta(minutes=5))[:-2] + "xx")
        assert not Comment.objects.exists()

    def test_a_reader_who_takes_their_time_gets_through(self, client, article):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            html = client.get(article.get_absolute_url()).content.decode()
            started = html.split('name="started" value="')[1].split('"')[0]
            clock.shift(timedelta(seconds=2))
            post(client, article, started=started, body="أول محاولة سريعة")
            clock.shift(timedelta(seconds=20))
            post(client, article, started=started, body="كتبت بتأن")
        assert list(Comment.objects.values_list("body", flat=True)) == ["كتبت بتأن"]

    def test_one_typed_form_value_is_good_for_one_comment_only(self, client, article):
        started = sign_started(at=timezone.now() - timedelta(minutes=1), kind=TYPED)
        for n in range(5):  # a script replaying the value it fetched once
            response = post(client, article, started=started, email=f"bot{n}@example.ma", body=f"رسالة رقم {n}")
            assert AWAITS_REVIEW in response.content.decode()  # the replays learn nothing
        assert list(Comment.objects.values_list("body", flat=True)) == ["رسالة رقم 0"]

    def test_the_value_a_cached_page_shares_serves_every_reader(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        shared = html.split('name="started" value="')[1].split('"')[0]
        with time_machine.travel(timezone.now() + timedelta(seconds=30)):
            for n in range(3):  # three readers without JavaScript, one cached page
                post(client, article, started=shared, email=f"reader{n}@example.ma", body=f"رأي القارئ {n}")
        assert Comment.objects.count() == 3

    def test_the_value_fetched_on_the_first_keystroke_is_the_readers_own_and_timed(self, client, article):
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'data-started-url="{reverse("comments:started")}"' in html
        with time_machine.travel(timezone.now(), tick=False) as clock:
            response = client.get(reverse("comments:started"))
            assert "no-store" in response["Cache-Control"] and not response.cookies
            typed = response.content.decode()
            assert typed != client.get(reverse("comments:started")).content.decode()
            clock.shift(timedelta(seconds=1))
            post(client, article, started=typed, body="أرسلها سكربت بعد ثانية")
            clock.shift(timedelta(seconds=20))
            post(client, article, started=typed, body="كتبها قارئ في عشرين ثانية")
            post(client, article, started=typed, email="again@example.ma", body="أعاد السكربت القيمة نفسها")
        assert list(Comment.objects.values_list("body", flat=True)) == ["كتبها قارئ في عشرين ثانية"]

    def test_a_form_left_open_too_long_comes_back_with_the_text_and_a_fresh_value(self, client, article, settings):
        settings.COMMENTS_FORM_MAX_AGE = 6 * 3600
        old = sign_started(at=timezone.now() - timedelta(hours=7))
        response = post(client, article, started=old, body="تعليق كتبته صباحا")
        page = response.content.decode()
        assert response.status_code == 400
        assert "انتهت مهلة هذه الصفحة" in page
        assert "تعليق كتبته صباحا" in page  # nothing the reader typed is lost
        fresh = page.split('name="started" value="')[1].split('"')[0]
        assert fresh != old
        assert not Comment.objects.exists()
        with time_machine.travel(timezone.now() + timedelta(seconds=30)):
            post(client, article, started=fresh, body="تعليق كتبته صباحا")
        assert list(Comment.objects.values_list("body", flat=True)) == ["تعليق كتبته صباحا"]


class TestHeldAsSpam:
    def test_more_than_two_links_hold_a_comment_as_spam(self, client, article):
        body = "اشتر الآن http://a.example و https://b.example و www.c.example"
        response = post(client, article, body=body)
        assert AWAITS_REVIEW in response.content.decode()  # no hint to the sender
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert "روابط كثيرة (3)" in comment.hold_reason

    def test_two_links_are_fine(self, client, article):
        post(client, article, body="المصدر https://www.mapexpress.ma و https://www.sgg.gov.ma")
        assert Comment.objects.get().status == Comment.Status.PENDING

    @pytest.mark.parametrize(
        "body",
        [
            "أفضل كازينو في المغرب",
            "أفضل كَازِينُو في المغرب",  # harakat
            "أفضل كـــازيـنو في المغرب",  # tatweel
            "أفضل كا\u200cزي\u200dنو في المغرب",  # ZWNJ / ZWJ
            "أفضل ك-ا-ز-ي-ن-و في المغرب",  # letters split by punctuation
            "أفضل كازيييينو في المغرب",  # stretched letters
            "best CaSiNo in town",
            "العب القمار الآن",  # prefix "ال" attached
            "وبالقمار ربحت",  # "و" + "بال" attached
            "ك ا ز ي ن و",  # spelt out
        ],
    )
    def test_blocked_words_are_found_whatever_the_spelling_game(self, client, article, settings, body):
        settings.COMMENTS_BLOCKED_WORDS = ["كازينو", "قمار", "casino"]
        post(client, article, body=body)
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert comment.hold_reason.startswith("كلمة محظورة")

    def test_blocked_words_in_the_name_count_too(self, client, article, settings):
        settings.COMMENTS_BLOCKED_WORDS = ["كازينو"]
        post(client, article, name="كازينو الرباط")
        assert Comment.objects.get().status == Comment.Status.SPAM

    def test_blocked_word_list_is_normalized_too(self, client, article, settings):
        settings.COMMENTS_BLOCKED_WORDS = ["إرهابي"]
        post(client, article, body="هذا ارهابي")
        assert Comment.objects.get().status == Comment.Status.SPAM

    def test_ordinary_words_pass(self, client, article, settings):
        settings.COMMENTS_BLOCKED_WORDS = ["كازينو", "قمار"]
        post(client, article, body="القرار صائب، وأطلق المغرب أقماره الصناعية: الأقمار تخدم التعاون.")
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_spam_is_never_shown(self, client, article, settings):
        settings.COMMENTS_BLOCKED_WORDS = ["كازينو"]
        post(client, article, body="كازينو مجاني")
        assert "كازينو مجاني" not in client.get(article.get_absolute_url()).content.decode()


class TestTrustedAddresses:
    def test_an_email_with_three_approved_comments_is_published_directly(self, client, article):
        for _ in range(3):
            make_comment(article, email="Regular@Example.ma")
        response = post(client, article, email="regular@example.ma", body="قارئ وفي")
        comment = Comment.objects.get(body="قارئ وفي")
        assert comment.status == Comment.Status.APPROVED
        assert comment.moderated_at is not None
        html = response.content.decode()
        assert "نُشر تعليقك" in html
        assert "قارئ وفي" in html
        assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")

    def test_two_approved_comments_are_not_enough(self, client, article):
        for _ in range(2):
            make_comment(article, email="new@example.ma")
        post(client, article, email="new@example.ma", body="ما زلت جديدا")
        assert Comment.objects.get(body="ما زلت جديدا").status == Comment.Status.PENDING

    def test_an_email_once_caught_as_spam_is_never_trusted(self, client, article):
        for _ in range(5):
            make_comment(article, email="mixed@example.ma")
        make_comment(article, email="mixed@example.ma", status=Comment.Status.SPAM)
        post(client, article, email="mixed@example.ma", body="نص")
        assert Comment.objects.get(body="نص").status == Comment.Status.PENDING

    def test_trust_does_not_let_spam_through(self, client, article, settings):
        settings.COMMENTS_BLOCKED_WORDS = ["كازينو"]
        for _ in range(3):
            make_comment(article, email="regular@example.ma")
        post(client, article, email="regular@example.ma", body="كازينو")
        assert Comment.objects.get(body="كازينو").status == Comment.Status.SPAM


class TestRateLimits:
    def test_an_eleventh_comment_from_one_address_within_ten_minutes_gets_429(self, client, article):
        for n in range(10):
            response = post(client, article, email=f"r{n}@example.ma", body=f"تعليق {n}")
            assert response.status_code == 200
        response = post(client, article, email="r99@example.ma", body="تعليق زائد")
        assert response.status_code == 429
        html = response.content.decode()
        assert "أرسلت طلبات كثيرة في وقت قصير" in html
        assert 'dir="rtl"' in html
        assert int(response["Retry-After"]) > 0
        assert Comment.objects.count() == 10
        # Another reader, elsewhere, is not blocked.
        assert post(client, article, address="10.9.9.9", email="other@example.ma").status_code == 200

    def test_the_limit_lifts_after_the_window(self, client, article):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for n in range(11):
                post(client, article, email=f"r{n}@example.ma")
            assert post(client, article, email="late@example.ma").status_code == 429
            clock.shift(timedelta(minutes=11))
            assert post(client, article, email="late@example.ma").status_code == 200

    def test_a_sixth_comment_from_one_email_within_ten_minutes_gets_429(self, client, article):
        for n in range(5):
            assert post(client, article, address=f"10.0.1.{n}", body=f"تعليق {n}").status_code == 200
        response = post(client, article, address="10.0.1.9", email="FATIMA@example.ma")
        assert response.status_code == 429
        assert Comment.objects.count() == 5

    def test_one_email_from_many_addresses_is_limited_too(self, client, article, settings):
        settings.COMMENTS_RATE_PER_EMAIL = "2/h"
        assert post(client, article, address="10.0.0.1").status_code == 200
        assert post(client, article, address="10.0.0.2").status_code == 200
        response = post(client, article, address="10.0.0.3", email="FATIMA@example.ma")
        assert response.status_code == 429
        assert Comment.objects.count() == 2

    def test_limits_are_configurable(self, client, article, settings):
        settings.COMMENTS_RATE_PER_ADDRESS = "1/m"
        assert post(client, article).status_code == 200
        assert post(client, article, email="b@example.ma").status_code == 429

    def test_reports_are_rate_limited(self, client, article, settings):
        settings.COMMENTS_RATE_REPORTS = "2/h"
        comments = [make_comment(article) for _ in range(3)]
        codes = [client.post(reverse("comments:report", args=[c.pk])).status_code for c in comments]
        assert codes == [302, 302, 429]
