"""The audit log: what editors do through the admin is written down, and editors can read it."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEntry
from comments.models import Comment
from newsletter.models import Dispatch
from tests.comments.factories import make_comment
from tests.helpers import admin_article_form, make_article, make_category
from tests.newsletter.helpers import committed, make_subscriber

pytestmark = pytest.mark.django_db
LOG = reverse("admin:articles_auditentry_changelist")
ARTICLES = reverse("admin:articles_article_changelist")
Action = AuditEntry.Action


@pytest.fixture
def desk(client, editor):
    """The editor, signed in to the admin."""
    client.force_login(editor)
    return client


def act(client, url, action, objects):
    return client.post(url, {"action": action, "_selected_action": [o.pk for o in objects], "index": 0}, follow=True)


def entries():
    return [(e.actor_name, e.action, e.target_text) for e in AuditEntry.objects.order_by("id")]


def page_text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


class TestArticles:
    def test_publishing_from_the_list_is_recorded_per_article(self, desk):
        first = make_article("مقال أول", status=Article.Status.IN_REVIEW)
        second = make_article("مقال ثان", status=Article.Status.IN_REVIEW)
        already = make_article("مقال منشور من قبل")
        act(desk, ARTICLES, "publish", [first, second, already])
        assert sorted(entries()) == [
            ("سعاد بنعلي", Action.PUBLISHED, "مقال أول"),
            ("سعاد بنعلي", Action.PUBLISHED, "مقال ثان"),
        ]

    def test_unpublishing_from_the_list_is_recorded(self, desk):
        article = make_article("مقال يُسحب")
        act(desk, ARTICLES, "unpublish", [article])
        assert entries() == [("سعاد بنعلي", Action.UNPUBLISHED, "مقال يُسحب")]

    def test_scheduling_and_unpublishing_in_the_form_are_recorded(self, desk):
        category = make_category()
        later = timezone.localtime() + timedelta(days=1)
        desk.post(
            reverse("admin:articles_article_add"),
            admin_article_form(
                category,
                title="مقال الغد",
                status="published",
                published_at_0=later.strftime("%d/%m/%Y"),
                published_at_1="10:00:00",
            ),
        )
        article = Article.objects.get(title="مقال الغد")
        [entry] = AuditEntry.objects.all()
        assert (entry.action, entry.target_text, entry.actor_name) == (Action.SCHEDULED, "مقال الغد", "سعاد بنعلي")
        assert entry.detail.startswith("موعد النشر:")

        # Saving again without touching the publication records nothing new.
        sections = article.sections.all()
        form = admin_article_form(
            category,
            title="مقال الغد",
            slug=article.slug,
            status="published",
            published_at_0=later.strftime("%d/%m/%Y"),
            published_at_1="10:00:00",
            **{"sections-INITIAL_FORMS": "2", "sections-0-id": sections[0].pk, "sections-1-id": sections[1].pk},
        )
        desk.post(reverse("admin:articles_article_change", args=[article.pk]), form)
        assert AuditEntry.objects.count() == 1

        desk.post(reverse("admin:articles_article_change", args=[article.pk]), {**form, "status": "draft"})
        assert entries()[-1] == ("سعاد بنعلي", Action.UNPUBLISHED, "مقال الغد")

    def test_deleting_keeps_the_title_in_the_log(self, desk):
        article = make_article("مقال يُحذف")
        desk.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
        assert not Article.objects.exists()
        assert entries() == [("سعاد بنعلي", Action.DELETED, "مقال يُحذف")]
        assert "مقال يُحذف" in page_text(desk.get(LOG))

    def test_deleting_several_from_the_list_is_recorded_per_article(self, desk):
        articles = [make_article("مقال أ"), make_article("مقال ب")]
        act(desk, ARTICLES, "delete_selected", articles)
        desk.post(
            ARTICLES,
            {"action": "delete_selected", "_selected_action": [a.pk for a in articles], "post": "yes"},
        )
        assert sorted(entries()) == [("سعاد بنعلي", Action.DELETED, "مقال أ"), ("سعاد بنعلي", Action.DELETED, "مقال ب")]


class TestModerationAndNewsletter:
    @pytest.mark.parametrize(
        "admin_action, recorded",
        [("approve", Action.COMMENT_APPROVED), ("reject", Action.COMMENT_REJECTED), ("mark_spam", Action.COMMENT_SPAM)],
    )
    def test_each_moderation_is_recorded(self, desk, admin_action, recorded):
        comment = make_comment(make_article("مقال"), name="قارئ", body="تعليق للمراجعة", status=Comment.Status.PENDING)
        act(desk, reverse("admin:comments_comment_changelist"), admin_action, [comment])
        assert entries() == [("سعاد بنعلي", recorded, "قارئ: تعليق للمراجعة")]

    def test_exporting_subscribers_is_recorded_with_how_many(self, desk):
        chosen = [make_subscriber(f"s{n}@example.ma") for n in range(3)]
        response = desk.post(
            reverse("admin:newsletter_subscriber_changelist"),
            {"action": "export_csv", "_selected_action": [s.pk for s in chosen]},
        )
        assert response["Content-Type"].startswith("text/csv")
        [entry] = AuditEntry.objects.all()
        assert (entry.action, entry.actor_name, entry.detail) == (
            Action.SUBSCRIBERS_EXPORTED,
            "سعاد بنعلي",
            "3 مشتركين",
        )

    def test_sending_a_newsletter_is_recorded_once(self, desk):
        make_subscriber("r@example.ma")
        make_article("خبر للنشرة", published_at=timezone.now() - timedelta(hours=1))
        desk.post(reverse("admin:newsletter_dispatch_add"), {"rhythm": "daily"})
        dispatch = Dispatch.objects.get()
        send = reverse("admin:newsletter_dispatch_send", args=[dispatch.pk])
        with committed():
            desk.post(send)
        with committed():
            desk.post(send)  # pressed again: not sent again, not recorded again
        assert entries() == [("سعاد بنعلي", Action.NEWSLETTER_SENT, dispatch.subject)]


class TestReadingTheLog:
    def test_editors_read_the_log_in_arabic_and_filter_it(self, desk, editor):
        act(desk, ARTICLES, "publish", [make_article("مقال للنشر", status=Article.Status.IN_REVIEW)])
        act(desk, ARTICLES, "unpublish", [make_article("مقال للسحب")])
        listing = desk.get(LOG)
        assert listing.status_code == 200
        text = page_text(listing)
        assert "سجل العمليات" in text and "نشر مقالا" in text and "سحب مقالا من النشر" in text
        assert "سعاد بنعلي" in text
        filtered = page_text(desk.get(LOG, {"action__exact": "unpublished", "actor__id__exact": editor.pk}))
        assert "مقال للسحب" in filtered and "مقال للنشر" not in filtered

    def test_nobody_adds_changes_or_deletes_an_entry(self, desk):
        act(desk, ARTICLES, "unpublish", [make_article("مقال")])
        entry = AuditEntry.objects.get()
        assert desk.get(reverse("admin:articles_auditentry_add")).status_code == 403
        change = reverse("admin:articles_auditentry_change", args=[entry.pk])
        assert desk.get(change).status_code == 200  # read-only view
        desk.post(change, {"actor_name": "غيري", "action": "published"})
        assert (
            desk.post(reverse("admin:articles_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
        )
        entry.refresh_from_db()
        assert (entry.actor_name, entry.action) == ("سعاد بنعلي", Action.UNPUBLISHED)

    @pytest.mark.parametrize("persona", ["journalist", "staff_without_permission"])
    def test_journalists_cannot_read_the_log(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(LOG).status_code == 403
        assert LOG not in client.get("/admin/").content.decode()
