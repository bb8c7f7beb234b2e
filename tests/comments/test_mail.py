import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_approve
from tests.comments.factories import form_data, make_comment
from tests.helpers import assert_headers_as_a_provider_reads_them, make_article, read_as_provider, run_tasks

pytestmark = pytest.mark.django_db


def submit(client, article, **overrides):
    client.post(reverse("comments:post", args=[article.pk]), form_data(**overrides))
    return Comment.objects.latest("pk")


def approve(comment, editor, capture):
    with capture(execute=True):
        comment_approve(comment=comment, moderator=editor)
    run_tasks()


def stop_link(message) -> str:
    return re.search(r"http://testserver(/comments/stop/[^/\s]+/)", message.body).group(1)


class TestApprovalMail:
    def test_an_author_who_asked_is_told_when_the_comment_is_published(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        comment = submit(client, article, notify_replies="on", email="amina@example.ma", name="أمينة")
        assert mail.outbox == []  # nothing is sent in the request
        approve(comment, editor, django_capture_on_commit_callbacks)

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["amina@example.ma"]
        assert article.title in message.subject
        assert "نُشر تعليقك" in message.subject
        assert "مرحبا أمينة،" in message.body
        assert f"http://testserver{article.get_absolute_url()}#comment-{comment.pk}" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert 'dir="rtl"' in html and 'lang="ar-MA"' in html
        assert stop_link(message) in html
        assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{stop_link(message)}>"

    def test_no_mail_without_the_tick(self, client, article, editor, django_capture_on_commit_callbacks):
        comment = submit(client, article)
        approve(comment, editor, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_approving_twice_mails_once(self, client, article, editor, django_capture_on_commit_callbacks):
        comment = submit(client, article, notify_replies="on")
        approve(comment, editor, django_capture_on_commit_callbacks)
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
        approve(comment, editor, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1

    def test_the_admin_action_sends_through_the_queue(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        comment = submit(client, article, notify_replies="on", email="amina@example.ma")
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})
        assert mail.outbox == []
        run_tasks()
        assert [m.to for m in mail.outbox] == [["amina@example.ma"]]


class TestReplyMail:
    def test_the_author_of_a_comment_hears_about_an_approved_reply(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, name="يوسف", email="youssef@example.ma", notify_replies=True)
        reply = submit(
            client, article, parent=parent.pk, name="ليلى", email="leila@example.ma", body="أوافقك الرأي يا يوسف"
        )
        approve(reply, editor, django_capture_on_commit_callbacks)

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["youssef@example.ma"]
        assert "ردّ جديد على تعليقك" in message.subject
        assert "مرحبا يوسف،" in message.body
        assert "ردّ ليلى على تعليقك" in message.body
        assert "أوافقك الرأي يا يوسف" in message.body
        assert "leila@example.ma" not in message.body + message.alternatives[0][0]

    def test_a_pending_reply_mails_nobody(self, client, article):
        parent = make_comment(article, notify_replies=True)
        submit(client, article, parent=parent.pk)
        run_tasks()
        assert mail.outbox == []

    def test_no_reply_mail_for_someone_who_did_not_ask(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        parent = make_comment(article, notify_replies=False)
        reply = submit(client, article, parent=parent.pk)
        approve(reply, editor, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_answering_yourself_sends_no_reply_mail(self, client, article, editor, django_capture_on_commit_callbacks):
        parent = make_comment(article, email="same@example.ma", notify_replies=True)
        reply = submit(client, article, parent=parent.pk, email="SAME@example.ma")
        approve(reply, editor, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_a_reply_in_html_mail_is_escaped(self, client, article, editor, django_capture_on_commit_callbacks):
        parent = make_comment(article, notify_replies=True)
        reply = submit(client, article, parent=parent.pk, body="<script>alert(1)</script>")
        approve(reply, editor, django_capture_on_commit_callbacks)
        html = mail.outbox[0].alternatives[0][0]
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


class TestStopLink:
    def test_the_stop_link_ends_notifications_without_a_login(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        comment = submit(client, article, notify_replies="on", email="amina@example.ma")
        approve(comment, editor, django_capture_on_commit_callbacks)
        link = stop_link(mail.outbox[0])
        assert "amina" not in link and "YW1pbm" not in link  # no address in URLs that end up in logs

        page = client.get(link)
        assert page.status_code == 200
        assert "أوقف الإشعارات" in page.content.decode()
        comment.refresh_from_db()
        assert comment.notify_replies is True  # a link scanner's GET changes nothing

        done = client.post(link)
        assert "أوقفنا الإشعارات" in done.content.decode()
        comment.refresh_from_db()
        assert comment.notify_replies is False

        mail.outbox.clear()
        reply = submit(client, article, parent=comment.pk, email="other@example.ma")
        approve(reply, editor, django_capture_on_commit_callbacks)
        assert mail.outbox == []

    def test_one_click_unsubscribe_from_the_mail_client_needs_no_csrf_token(self, article):
        from django.test import Client

        comment = make_comment(article, notify_replies=True, email="x@example.ma")
        csrf_client = Client(enforce_csrf_checks=True)
        path = comment.stop_url.removeprefix("http://testserver")
        assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
        comment.refresh_from_db()
        assert comment.notify_replies is False

    def test_a_forged_stop_link_is_refused_clearly(self, client, article):
        comment = make_comment(article, notify_replies=True, email="x@example.ma")
        forged = reverse("comments:stop", args=["eC1leGFtcGxlLm1h:forged"])
        assert client.get(forged).status_code == 400
        response = client.post(forged)
        assert response.status_code == 400
        assert "هذا الرابط غير صالح" in response.content.decode()
        comment.refresh_from_db()
        assert comment.notify_replies is True


class TestAsAProviderReadsIt:
    """Both comment mails parsed as a receiving provider parses them (`email.policy.default`)."""

    MORNING = datetime(2024, 12, 5, 6, 0, tzinfo=UTC)  # 07:00 in Casablanca (UTC+1 then)
    HOST = "news.example.ma"
    TITLE = 'الأمن & الهجرة: "خطة" <2030>'
    ESCAPED = "الأمن &amp; الهجرة: &quot;خطة&quot; &lt;2030&gt;"

    @pytest.fixture(autouse=True)
    def setting(self, settings):
        settings.SITE_URL = f"https://{self.HOST}"
        with time_machine.travel(self.MORNING, tick=False):
            yield

    def assert_reads_cleanly(self, message, *, subject, feedback):
        parsed, text, html = read_as_provider(message)
        assert_headers_as_a_provider_reads_them(
            parsed, subject=subject, feedback=feedback, host=self.HOST, sent_at=self.MORNING
        )
        assert parsed["Date"] == "Thu, 05 Dec 2024 07:00:00 +0100"
        assert self.TITLE in text and self.ESCAPED not in text
        assert self.ESCAPED in html and self.TITLE not in html
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert '<html lang="ar-MA" dir="rtl">' in html and '<body dir="rtl" style="' in html
        assert "max-width:560px" in html  # the newsletter's centred column, not a bare page
        assert "لـ" not in text + html
        return parsed, text, html

    def test_the_approval_mail(self, editor, django_capture_on_commit_callbacks):
        article = make_article(self.TITLE, published_at=self.MORNING - timedelta(hours=1))
        comment = make_comment(article, status=Comment.Status.PENDING, email="amina@example.ma", notify_replies=True)
        approve(comment, editor, django_capture_on_commit_callbacks)
        [message] = mail.outbox
        self.assert_reads_cleanly(message, subject=f"نُشر تعليقك على «{self.TITLE}»", feedback="approved:comments")

    def test_the_reply_mail(self, editor, django_capture_on_commit_callbacks):
        article = make_article(self.TITLE, published_at=self.MORNING - timedelta(hours=1))
        parent = make_comment(article, email="youssef@example.ma", notify_replies=True)
        reply = make_comment(article, status=Comment.Status.PENDING, parent=parent, email="leila@example.ma")
        approve(reply, editor, django_capture_on_commit_callbacks)
        [message] = mail.outbox
        parsed, _, _ = self.assert_reads_cleanly(
            message, subject=f"ردّ جديد على تعليقك في «{self.TITLE}»", feedback="reply:comments"
        )
        assert parsed["To"] == "youssef@example.ma"
