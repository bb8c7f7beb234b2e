from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from comments.models import Comment
from tests.comments.factories import form_data, make_comment
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

AWAITS_REVIEW = "تعليقك في انتظار المراجعة"


def post_url(article):
    return reverse("comments:post", args=[article.pk])


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestReaderFlow:
    def test_article_page_invites_comments_with_the_form(self, client, article):
        html = page(client, article)
        assert "شارك بتعليقك" in html
        assert 'id="comment-form"' in html
        assert f'action="{post_url(article)}#comment-form"' in html
        for field in ['name="name"', 'name="email"', 'name="body"', 'name="consent"', 'name="notify_replies"']:
            assert field in html
        assert "09-08" in html
        assert "لا تعليقات منشورة بعد." in html
        # "notify me of replies" is off unless the reader ticks it.
        assert 'name="notify_replies" id="id_notify_replies" checked' not in html

    def test_a_comment_awaits_review_and_is_not_public_until_approved(self, client, article, editor):
        response = client.post(post_url(article), form_data(body="أتفق مع ما جاء في المقال."), follow=True)

        assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments", 302)]
        html = response.content.decode()
        assert AWAITS_REVIEW in html
        assert "أتفق مع ما جاء في المقال." not in html
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert comment.article == article

        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED, moderated_at=timezone.now())
        html = page(client, article)
        assert "أتفق مع ما جاء في المقال." in html
        assert "فاطمة الزهراء" in html
        assert "fatima@example.ma" not in html  # the email is never shown
        assert "تعليق واحد" in html
        assert f'href="{reverse("comments:reply", args=[comment.pk])}#comment-form">ردّ</a>' in html

    def test_what_is_stored_keeps_consent_and_no_raw_address(self, client, article):
        client.post(post_url(article), form_data(notify_replies="on"), REMOTE_ADDR="196.200.1.77")
        comment = Comment.objects.get()
        assert comment.consent_at is not None
        assert "09-08" in comment.consent_text
        assert comment.notify_replies is True
        assert "196.200.1.77" not in comment.sender_hash
        assert len(comment.sender_hash) == 64
        for field in Comment._meta.concrete_fields:
            assert "196.200.1.77" not in str(getattr(comment, field.attname))

    def test_approved_comments_read_oldest_first_with_replies_under_their_comment(self, client, article):
        with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
            first = make_comment(article, name="الأول", body="أول تعليق")
        with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
            second = make_comment(article, name="الثاني", body="ثاني تعليق")
        with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
            make_comment(article, name="المجيب", body="ردّ على الأول", parent=first)
        make_comment(article, body="تعليق مرفوض", status=Comment.Status.REJECTED)
        make_comment(article, body="رد ينتظر", parent=second, status=Comment.Status.PENDING)

        html = page(client, article)
        assert html.index("أول تعليق") < html.index("ردّ على الأول") < html.index("ثاني تعليق")
        assert "تعليق مرفوض" not in html
        assert "رد ينتظر" not in html
        assert "3 تعليقات" in html
        reply_block = html[html.index('class="comment-replies"') :]
        assert "ردّ على الأول" in reply_block.split("</ol>")[0]

    def test_reply_link_opens_the_form_answering_that_comment(self, client, article):
        parent = make_comment(article, name="سعيد", body="سؤال للكاتب؟")
        response = client.get(reverse("comments:reply", args=[parent.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "تكتب ردا على تعليق <bdi>سعيد</bdi>" in html
        assert f'name="parent" value="{parent.pk}"' in html
        assert response["X-Robots-Tag"] == "noindex"

        client.post(post_url(article), form_data(parent=parent.pk, body="هذا جوابي"))
        reply = Comment.objects.get(body="هذا جوابي")
        assert reply.parent == parent

    def test_a_reply_with_an_error_still_answers_the_same_comment(self, client, article):
        parent = make_comment(article, name="سعيد")
        response = client.post(post_url(article), form_data(parent=parent.pk, body=""))
        assert response.status_code == 400
        html = response.content.decode()
        assert "تكتب ردا على تعليق <bdi>سعيد</bdi>" in html
        assert f'name="parent" value="{parent.pk}"' in html

    def test_a_reply_to_a_reply_joins_the_same_thread(self, client, article):
        parent = make_comment(article)
        reply = make_comment(article, parent=parent)
        client.post(post_url(article), form_data(parent=reply.pk, body="رد على الرد"))
        assert Comment.objects.get(body="رد على الرد").parent == parent

    def test_replying_to_a_comment_that_is_not_public_keeps_the_text_and_explains(self, client, article):
        hidden = make_comment(article, status=Comment.Status.REJECTED)
        response = client.post(post_url(article), form_data(parent=hidden.pk, body="نصي الذي كتبته"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "التعليق الذي تردّ عليه غير موجود" in html
        assert "نصي الذي كتبته" in html
        assert not Comment.objects.filter(body="نصي الذي كتبته").exists()
        # Sent again as it comes back, it goes out as a standalone comment.
        assert '<input type="hidden" name="parent" id="id_parent">' in html

    def test_comment_counts_appear_on_article_cards(self, client, article):
        for _ in range(3):
            make_comment(article)
        make_comment(article, status=Comment.Status.PENDING)
        html = client.get(reverse("articles:category", args=[article.category.slug])).content.decode()
        assert f'<a class="card-comments" href="{article.get_absolute_url()}#comments">3 تعليقات</a>' in html
        quiet = make_article(category=article.category)
        assert f'href="{quiet.get_absolute_url()}#comments"' not in html

    def test_home_page_still_renders_every_block_with_counts(self, client, article):
        make_comment(article)
        response = client.get("/")
        assert response.status_code == 200
        assert "تعليق واحد" in response.content.decode()


class TestFormErrors:
    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"name": ""}, "اكتب اسمك."),
            ({"email": ""}, "اكتب بريدك الإلكتروني."),
            ({"email": "fatima@"}, "هذا العنوان ليس بريدا إلكترونيا صحيحا."),
            ({"email": "a b@example.ma"}, "هذا العنوان ليس بريدا إلكترونيا صحيحا."),
            ({"email": "a" * 250 + "@example.ma"}, "عنوان البريد طويل جدا."),
            ({"name": "ن" * 81}, "الاسم طويل جدا (80 حرفا على الأكثر)."),
            ({"body": "   \n  "}, "اكتب تعليقك."),
            ({"consent": None}, "لا يمكن نشر تعليقك دون موافقتك"),
        ],
    )
    def test_errors_come_back_next_to_the_field_with_the_text_intact(self, client, article, overrides, message):
        data = form_data(**{"body": "رأيي في الموضوع طويل ومهم.", **overrides})
        response = client.post(post_url(article), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert "شارك بتعليقك" in html and article.title in html
        if "body" not in overrides:
            assert "رأيي في الموضوع طويل ومهم." in html  # the reader's text is still there
        if "name" not in overrides:
            assert 'value="فاطمة الزهراء"' in html
        assert not Comment.objects.exists()

    def test_only_invisible_characters_count_as_empty(self, client, article):
        response = client.post(post_url(article), form_data(name="\u200b\u202e\u2066", body="\u200f\ufeff"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "اكتب اسمك." in html and "اكتب تعليقك." in html
        assert not Comment.objects.exists()


class TestHostileInput:
    def test_script_tags_are_shown_as_text(self, client, article):
        client.post(
            post_url(article),
            form_data(name="<b>x</b>", body='<script>alert("x")</script><img src=x onerror=alert(1)>'),
        )
        Comment.objects.update(status=Comment.Status.APPROVED, moderated_at=timezone.now())
        html = page(client, article)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html

    def test_javascript_links_stay_plain_text_and_web_links_are_nofollow(self, client, article):
        body = "انظر javascript:alert(1) و https://www.hespress.com/maroc?a=1&b=2."
        client.post(post_url(article), form_data(body=body))
        Comment.objects.update(status=Comment.Status.APPROVED, moderated_at=timezone.now())
        html = page(client, article)
        assert 'href="javascript' not in html
        assert "javascript:alert(1)" in html
        assert (
            '<a href="https://www.hespress.com/maroc?a=1&amp;b=2" rel="nofollow ugc noopener" dir="ltr">'
            "https://www.hespress.com/maroc?a=1&amp;b=2</a>." in html
        )

    def test_line_breaks_are_kept(self, client, article):
        client.post(post_url(article), form_data(body="سطر أول\r\nسطر ثان\r\n\r\nفقرة ثانية"))
        Comment.objects.update(status=Comment.Status.APPROVED, moderated_at=timezone.now())
        html = page(client, article)
        assert "<p>سطر أول<br>سطر ثان</p>\n\n<p>فقرة ثانية</p>" in html

    def test_bidi_tricks_and_zero_width_characters_are_stripped(self, client, article):
        client.post(
            post_url(article),
            form_data(name="\u202eأحمد\u202c\u200b", body="نص\u2067 مقلوب\u2069 و\u200dمخفي\u061c\ufeff"),
        )
        comment = Comment.objects.get()
        assert comment.name == "أحمد"
        assert comment.body == "نص مقلوب ومخفي"

    def test_a_body_over_the_limit_is_refused_with_its_length(self, client, article):
        response = client.post(post_url(article), form_data(body="ب" * 2001))
        assert response.status_code == 400
        assert "التعليق طويل جدا: 2001 حرف، والحد 2000 حرف." in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_huge_request_is_refused_not_crashed(self, client, article):
        response = client.post(post_url(article), form_data(body="ب" * (11 * 1024 * 1024)))
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_null_bytes_and_control_characters_do_not_crash(self, client, article):
        response = client.post(post_url(article), form_data(name="علي\x00\x07", body="نص\x00 عادي\x1b"))
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert (comment.name, comment.body) == ("علي", "نص عادي")

    def test_a_reply_to_a_junk_parent_is_a_form_error(self, client, article):
        response = client.post(post_url(article), form_data(parent="abc", body="نص لا يضيع"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "التعليق الذي تردّ عليه غير موجود" in html
        assert "نص لا يضيع" in html
        assert 'value="abc"' not in html
        assert not Comment.objects.exists()

    def test_posting_needs_post(self, client, article):
        assert client.get(post_url(article)).status_code == 405

    def test_unpublished_articles_take_no_comments(self, client):
        draft = make_article(status=Article.Status.DRAFT)
        assert client.post(post_url(draft), form_data()).status_code == 404
        assert client.post(reverse("comments:post", args=[999999]), form_data()).status_code == 404
        assert not Comment.objects.exists()


class TestClosedComments:
    def test_closed_article_shows_it_has_no_form_and_refuses_posts(self, client):
        closed = make_article(comments_open=False)
        make_comment(closed, body="تعليق قديم")
        html = page(client, closed)
        assert "التعليقات مغلقة على هذا المقال." in html
        assert "تعليق قديم" in html
        assert 'id="comment-form"' not in html
        assert ">ردّ</a>" not in html

        response = client.post(post_url(closed), form_data())
        assert response.status_code == 403
        assert "التعليقات مغلقة على هذا المقال." in response.content.decode()
        assert Comment.objects.count() == 1

    def test_comments_close_by_themselves_thirty_days_after_publication(self, client, article):
        published = article.published_at
        with time_machine.travel(published + timedelta(days=29, hours=23), tick=False):
            assert 'id="comment-form"' in page(client, article)
        with time_machine.travel(published + timedelta(days=30, minutes=1), tick=False):
            assert "التعليقات مغلقة على هذا المقال." in page(client, article)
            assert client.post(post_url(article), form_data()).status_code == 403
        assert not Comment.objects.exists()


class TestReports:
    def report(self, client, comment, address):
        return client.post(reverse("comments:report", args=[comment.pk]), REMOTE_ADDR=address, follow=True)

    def test_report_is_one_click_and_thanks_the_reader(self, client, article):
        comment = make_comment(article)
        html = page(client, article)
        assert f'action="{reverse("comments:report", args=[comment.pk])}"' in html
        assert ">إبلاغ</button>" in html
        response = self.report(client, comment, "10.1.1.1")
        assert "وصل إبلاغك" in response.content.decode()
        comment.refresh_from_db()
        assert comment.report_count == 1
        assert comment.status == Comment.Status.APPROVED

    def test_three_distinct_readers_send_a_comment_back_to_review(self, client, article):
        comment = make_comment(article, body="تعليق مسيء")
        for address in ["10.1.1.1", "10.1.1.1", "10.1.1.2"]:
            self.report(client, comment, address)
        comment.refresh_from_db()
        assert (comment.report_count, comment.status) == (2, Comment.Status.APPROVED)

        self.report(client, comment, "10.1.1.3")
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING
        assert "تعليق مسيء" not in page(client, article)
        # Nor is it counted on the article's card any more.
        listing = client.get(reverse("articles:category", args=[article.category.slug])).content.decode()
        assert f'href="{article.get_absolute_url()}#comments"' not in listing

    def test_reporting_needs_post(self, client, article):
        comment = make_comment(article)
        assert client.get(reverse("comments:report", args=[comment.pk])).status_code == 405


class TestPageQueries:
    def count_queries(self, client, article):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    def add_threads(self, article, total):
        # Half top-level comments, half replies to them, plus hidden ones that must not show.
        parents = [make_comment(article, body=f"تعليق {n}") for n in range(total // 2)]
        for n, parent in enumerate(parents):
            make_comment(article, parent=parent, body=f"رد {n}")
        make_comment(article, status=Comment.Status.PENDING)
        make_comment(article, status=Comment.Status.SPAM)

    def test_article_page_queries_do_not_grow_with_comments(self, client):
        an_hour_ago = timezone.now() - timedelta(hours=1)
        small, large = make_article(published_at=an_hour_ago), make_article(published_at=an_hour_ago)
        self.add_threads(small, 2)
        self.add_threads(large, 200)
        # Expected on a first view, whatever the number of comments (measured with 2 and 200):
        #   1 the article  2 its bylines  3 sections  4 tags  5 corrections  6-8 related
        #   articles (ranked once per version: the newest window, the hand-picked, the
        #   ranking)  9 their bylines  10 most read  11 approved top-level comments
        #   12 their approved replies (one Prefetch, whatever the number of threads)
        #   13 navigation categories
        assert self.count_queries(client, small) == 13
        cache.clear()
        assert self.count_queries(client, large) == 13
        html = page(client, large)
        assert "200 تعليق" in html
        assert "رد 99" in html


class TestPreview:
    def test_the_newsroom_preview_shows_no_comment_form(self, client, editor):
        draft = make_article(status=Article.Status.DRAFT)
        client.force_login(editor)
        response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
        assert response.status_code == 200
        assert 'id="comment-form"' not in response.content.decode()


class TestAnyInput:
    @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(name=st.text(max_size=120), email=st.one_of(st.emails(), st.text(max_size=60)), body=st.text(max_size=300))
    def test_whatever_a_reader_types_is_stored_clean_or_refused_never_a_crash(self, client, article, name, email, body):
        with override_settings(COMMENTS_RATE_PER_ADDRESS="", COMMENTS_RATE_PER_EMAIL=""):
            response = client.post(post_url(article), form_data(name=name, email=email, body=body))
        assert response.status_code in (302, 400)
        if response.status_code == 302:
            comment = Comment.objects.latest("pk")
            for text in (comment.name, comment.body):
                assert text.strip()
                assert not set(text) & set(
                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\x00"
                )


class TestAfterPosting:
    def test_the_thanks_stands_alone_and_the_email_line_appears_once(self, client, article):
        response = client.post(post_url(article), form_data(body="تعليق أول على المقال."), follow=True)
        html = response.content.decode()
        assert 'class="comments-status comments-status-success"' in html and AWAITS_REVIEW in html
        assert "لا تعليقات منشورة بعد." not in html
        assert html.count("لن يُنشر بريدك") == 1
        assert "لا يُنشر بريد" not in html

    def test_see_also_comes_before_the_comments(self, client, article):
        make_article(category=article.category)
        html = page(client, article)
        assert 0 < html.index('id="related-title"') < html.index('id="comments"')
