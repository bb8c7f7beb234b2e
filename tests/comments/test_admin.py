import re

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.factories import make_comment
from tests.helpers import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def act(client, action, comments):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}, follow=True
    )


class TestModerationByRole:
    def test_anonymous_readers_are_sent_to_the_login(self, client, article):
        make_comment(article, status=Comment.Status.PENDING)
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    @pytest.mark.parametrize("persona", ["journalist", "staff_without_permission"])
    def test_journalists_and_bare_staff_cannot_moderate(self, client, article, request, persona):
        user = request.getfixturevalue(persona)
        comment = make_comment(article, status=Comment.Status.PENDING)
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 403
        assert act(client, "approve", [comment]).status_code == 403
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING
        index = client.get("/admin/").content.decode()
        assert "في انتظار المراجعة" not in index
        assert CHANGELIST not in index

    def test_editors_see_an_arabic_queue_pending_first(self, client, article, editor):
        make_comment(article, body="تعليق قديم منشور")
        make_comment(article, body="تعليق مرفوض", status=Comment.Status.REJECTED)
        make_comment(article, body="تعليق ينتظر قرارك", status=Comment.Status.PENDING)
        client.force_login(editor)
        response = client.get(CHANGELIST)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'dir="rtl"' in html
        assert html.index("تعليق ينتظر قرارك") < html.index("تعليق مرفوض")
        assert html.index("تعليق ينتظر قرارك") < html.index("تعليق قديم منشور")
        assert article.get_absolute_url() in html  # the article link
        for description in ["نشر التعليقات المحددة", "رفض التعليقات المحددة", "وسم التعليقات المحددة كرسائل مزعجة"]:
            assert description in html
        for value in ['value="approve"', 'value="reject"', 'value="mark_spam"']:
            assert value in html

    def test_editors_filter_by_status_and_article_and_search(self, client, article, editor):
        other = make_article("مقال آخر عن الاقتصاد")
        make_comment(article, body="نقاش حول الأمن", status=Comment.Status.PENDING)
        make_comment(other, body="نقاش حول الاقتصاد", status=Comment.Status.SPAM)
        client.force_login(editor)
        html = client.get(CHANGELIST, {"status__exact": "spam"}).content.decode()
        assert "نقاش حول الاقتصاد" in html and "نقاش حول الأمن" not in html
        html = client.get(CHANGELIST, {"article__id__exact": article.pk}).content.decode()
        assert "نقاش حول الأمن" in html and "نقاش حول الاقتصاد" not in html
        html = client.get(CHANGELIST, {"q": "الأمن"}).content.decode()
        assert "نقاش حول الأمن" in html and "نقاش حول الاقتصاد" not in html

    @pytest.mark.parametrize(
        "action, status, message",
        [
            ("approve", Comment.Status.APPROVED, "نُشر تعليقان."),
            ("reject", Comment.Status.REJECTED, "رُفض تعليقان."),
            ("mark_spam", Comment.Status.SPAM, "وُسم تعليقان كرسائل مزعجة."),
        ],
    )
    def test_bulk_actions_moderate_the_selection(self, client, article, editor, action, status, message):
        chosen = [make_comment(article, status=Comment.Status.PENDING, body=f"مختار {n}") for n in range(2)]
        left = make_comment(article, status=Comment.Status.PENDING, body="غير مختار")
        client.force_login(editor)
        response = act(client, action, chosen)
        assert message in response.content.decode()
        for comment in chosen:
            comment.refresh_from_db()
            assert comment.status == status
            assert comment.moderator == editor
            assert comment.moderated_at is not None
        left.refresh_from_db()
        assert left.status == Comment.Status.PENDING

    def test_approved_comment_appears_on_the_article_with_its_reply_link(self, client, article, editor):
        comment = make_comment(article, status=Comment.Status.PENDING, body="رأي قارئ من فاس")
        assert "رأي قارئ من فاس" not in client.get(article.get_absolute_url()).content.decode()
        client.force_login(editor)
        act(client, "approve", [comment])
        client.logout()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "رأي قارئ من فاس" in html
        assert f'{reverse("comments:reply", args=[comment.pk])}#comment-form">ردّ</a>' in html

    def test_editors_cannot_add_comments_in_the_admin(self, client, editor):
        client.force_login(editor)
        assert client.get("/admin/comments/comment/add/").status_code == 403

    def test_editor_can_open_a_comment_and_sees_no_raw_address(self, client, article, editor):
        comment = make_comment(article, status=Comment.Status.PENDING, address="41.250.3.4")
        client.force_login(editor)
        response = client.get(f"/admin/comments/comment/{comment.pk}/change/")
        assert response.status_code == 200
        assert "41.250.3.4" not in response.content.decode()


class TestAdminIndex:
    def test_editors_see_the_pending_count_on_the_admin_index(self, client, article, editor):
        for _ in range(3):
            make_comment(article, status=Comment.Status.PENDING)
        make_comment(article)
        client.force_login(editor)
        html = client.get("/admin/").content.decode()
        assert "3 تعليقات في انتظار المراجعة" in html
        assert f'href="{CHANGELIST}?status__exact=pending"' in html

    def test_an_empty_queue_says_so(self, client, editor):
        client.force_login(editor)
        assert "لا تعليقات في انتظار المراجعة." in client.get("/admin/").content.decode()


class TestCardCounts:
    """The count on an article's card follows what the editors do in the queue."""

    def card_count(self, client, article) -> int:
        # The number in the card's comment link; no link at all when nothing is approved.
        html = client.get(reverse("articles:category", args=[article.category.slug])).content.decode()
        link = re.search(
            rf'<a class="card-comments" href="{re.escape(article.get_absolute_url())}#comments">(.*?)</a>', html
        )
        return int(re.search(r"\d+", link.group(1)).group()) if link else 0

    def test_card_count_follows_approval_rejection_spam_and_deletion(self, client, article, editor):
        waiting = [make_comment(article, status=Comment.Status.PENDING, body=f"تعليق {n}") for n in range(6)]
        reply = make_comment(article, parent=waiting[0], status=Comment.Status.PENDING, body="رد")
        other = make_article(category=article.category)
        for _ in range(3):
            make_comment(other)
        client.force_login(editor)
        assert self.card_count(client, article) == 0

        act(client, "approve", [*waiting, reply])
        assert self.card_count(client, article) == 7

        act(client, "reject", [waiting[5]])
        assert self.card_count(client, article) == 6

        act(client, "mark_spam", [waiting[4]])
        assert self.card_count(client, article) == 5

        # Deleting a comment in the admin takes its reply with it.
        response = client.post(reverse("admin:comments_comment_delete", args=[waiting[0].pk]), {"post": "yes"})
        assert response.status_code == 302
        assert self.card_count(client, article) == 3
        assert self.card_count(client, other) == 3

    def test_deleting_a_selection_in_the_admin_updates_the_count(self, client, article, editor):
        comments = [make_comment(article, body=f"تعليق {n}") for n in range(4)]
        client.force_login(editor)
        assert self.card_count(client, article) == 4
        response = client.post(
            CHANGELIST, {"action": "delete_selected", "_selected_action": [comments[0].pk], "post": "yes"}, follow=True
        )
        assert response.status_code == 200
        assert set(Comment.objects.filter(article=article)) == set(comments[1:])
        assert self.card_count(client, article) == 3
