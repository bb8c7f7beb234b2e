"""The newsroom desk: the workflow buttons, the index's waiting work, the editor's note."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.helpers import make_article

pytestmark = pytest.mark.django_db
INDEX_URL = reverse("admin:index")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form(article, **overrides):
    """The article's change form as the browser posts it back, unchanged but for `overrides`."""
    article.refresh_from_db()
    sections = list(article.sections.all())
    bylines = list(article.byline_set.all())
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "category": str(article.category_id),
        "tags": "، ".join(article.tags.names()),
        "status": article.status,
        "comments_open": "on",
        "cover_caption": "",
        "cover_credit": "",
        "return_note": article.return_note,
        "authors": [str(pk) for pk in article.authors.values_list("pk", flat=True)],
        "opened_at": article.updated_at.isoformat(),
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "1",
        "sections-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "byline_set-TOTAL_FORMS": str(len(bylines)),
        "byline_set-INITIAL_FORMS": str(len(bylines)),
        "byline_set-MIN_NUM_FORMS": "0",
        "byline_set-MAX_NUM_FORMS": "1000",
    }
    for i, byline in enumerate(bylines):
        data |= {
            f"byline_set-{i}-id": str(byline.pk),
            f"byline_set-{i}-article": str(article.pk),
            f"byline_set-{i}-author": str(byline.author_id),
            f"byline_set-{i}-position": str(byline.position),
        }
    for i, section in enumerate(sections):
        data |= {
            f"sections-{i}-id": str(section.pk),
            f"sections-{i}-article": str(article.pk),
            f"sections-{i}-position": str(section.position),
            f"sections-{i}-heading": section.heading,
            f"sections-{i}-body": section.body,
        }
    data.update(overrides)
    return data


def text_of(response) -> str:
    return unescape(response.content.decode())


class TestEditorButtons:
    def test_publish_now_publishes_with_the_current_time_and_no_date_typed(self, client, editor, journalist):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(editor)
        page = text_of(client.get(change_url(article)))
        assert 'name="_desk_publish"' in page and "نشر الآن" in page
        before = timezone.now()
        response = client.post(change_url(article), change_form(article, _desk_publish="نشر الآن"))
        assert response.status_code == 302, text_of(response)[:3000]
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED and article.is_public
        assert before <= article.published_at <= timezone.now()

    def test_schedule_with_a_future_date_shows_as_scheduled_in_the_list(self, client, editor):
        article = make_article(status=Article.Status.IN_REVIEW)
        client.force_login(editor)
        later = timezone.localtime() + timedelta(days=2)
        data = change_form(
            article,
            _desk_schedule="جدولة",
            published_at_0=later.strftime("%d/%m/%Y"),
            published_at_1=later.strftime("%H:%M"),
        )
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED and not article.is_public
        listing = text_of(client.get(LIST_URL))
        assert "موعد النشر" in listing and "مجدول ·" in listing

    def test_schedule_without_a_future_date_is_refused_in_arabic(self, client, editor):
        article = make_article(status=Article.Status.IN_REVIEW)
        client.force_login(editor)
        response = client.post(change_url(article), change_form(article, _desk_schedule="جدولة"))
        assert response.status_code == 200
        assert "اختر موعدا في المستقبل لجدولة المقال." in text_of(response)
        article.refresh_from_db()
        assert article.status == Article.Status.IN_REVIEW

    def test_a_returned_article_carries_the_note_until_it_is_resubmitted(self, client, editor, journalist):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(editor)
        refused = client.post(change_url(article), change_form(article, _desk_return="إعادة"))
        assert "اكتب للصحفي ما يجب تغييره" in text_of(refused)  # a return needs a note
        note = "المصدر الثاني غير مذكور؛ أضف تصريح الوزارة."
        data = change_form(article, _desk_return="إعادة", return_note=note)
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.status, article.return_note) == (Article.Status.DRAFT, note)

        client.force_login(journalist)
        index = text_of(client.get(INDEX_URL))
        assert 'مقالات أعيدت إليك: <strong class="desk-count">1</strong>' in index
        assert f"{LIST_URL}?desk=returned" in index
        form = text_of(client.get(change_url(article)))
        assert "ملاحظة المحرر:" in form and note in form
        assert 'name="return_note"' not in form  # the journalist reads it, never edits it
        data = change_form(article, _desk_review="إرسال للمراجعة")
        del data["return_note"]
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.status, article.return_note) == (Article.Status.IN_REVIEW, "")


class TestJournalistForm:
    def test_shows_the_writers_buttons_and_no_technical_fields(self, client, journalist):
        article = make_article(status=Article.Status.DRAFT, authors=[journalist], sections=[("عنوان", "<p>نص</p>")])
        client.force_login(journalist)
        form = text_of(client.get(change_url(article)))
        assert "حفظ كمسودة" in form and "إرسال للمراجعة" in form
        assert "نشر الآن" not in form and "جدولة" not in form
        for technical in ('name="slug"', 'name="sections-0-position"', "المرساة"):
            assert technical not in form

    def test_sections_keep_the_order_of_the_form(self, client, journalist):
        article = make_article(
            status=Article.Status.DRAFT, authors=[journalist], sections=[("", "<p>مقدمة</p>"), ("أولا", "<p>أ</p>")]
        )
        client.force_login(journalist)
        data = change_form(article, _desk_draft="حفظ كمسودة")
        data |= {"sections-TOTAL_FORMS": "3", "sections-2-heading": "ثانيا", "sections-2-body": "<p>ب</p>"}
        assert client.post(change_url(article), data).status_code == 302
        assert [s.heading for s in article.sections.all()] == ["", "أولا", "ثانيا"]

    def test_save_as_draft_takes_an_article_back_from_review(self, client, journalist):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(journalist)
        assert client.post(change_url(article), change_form(article, _desk_draft="حفظ")).status_code == 302
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

    def test_sees_the_status_as_text_not_as_a_choice(self, client, journalist, editor):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(journalist)
        form = client.get(change_url(article))
        assert "status" not in form.context["adminform"].form.fields
        page = text_of(form)
        assert 'name="status"' not in page
        assert re.search(r'<div class="readonly">\s*قيد المراجعة\s*</div>', page)
        client.force_login(editor)
        assert '<select name="status"' in text_of(client.get(change_url(article)))

    @pytest.mark.parametrize("forged", ["published", "review"])
    def test_a_status_sent_by_hand_with_save_and_continue_changes_nothing(self, client, journalist, forged):
        article = make_article(status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(journalist)
        data = change_form(article, status=forged, title="عنوان بعد التعديل", _continue="حفظ ومتابعة التعديل")
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.title, article.status, article.published_at) == ("عنوان بعد التعديل", "draft", None)

    def test_a_forged_status_gives_way_to_the_button_pressed(self, client, journalist):
        article = make_article(status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(journalist)
        data = change_form(article, status="published", _desk_review="إرسال للمراجعة")
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert (article.status, article.is_public) == (Article.Status.IN_REVIEW, False)

    def test_cannot_publish_by_sending_the_editors_button(self, client, journalist):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(journalist)
        response = client.post(change_url(article), change_form(article, _desk_publish="نشر"))
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.status == Article.Status.IN_REVIEW


class TestIndex:
    def test_the_editor_sees_the_review_queue_and_what_goes_out_today(self, client, editor):
        with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 10, 9, 0)), tick=False):
            make_article(status=Article.Status.IN_REVIEW)
            make_article(status=Article.Status.IN_REVIEW)
            make_article(published_at=timezone.now() + timedelta(hours=3))  # today
            make_article(published_at=timezone.now() + timedelta(days=2))  # not today
            client.force_login(editor)
            index = text_of(client.get(INDEX_URL))
            assert 'مقالات قيد المراجعة: <strong class="desk-count">2</strong>' in index
            assert 'مقالات مجدولة اليوم: <strong class="desk-count">1</strong>' in index
            listing = text_of(client.get(LIST_URL + "?desk=scheduled_today"))
            assert "1 مقال" in listing or listing.count('class="action-select"') == 1

    def test_lists_put_the_last_changed_first_even_without_a_date(self, client, editor):
        make_article("مقال منشور قديم")
        draft = make_article("مسودة بلا تاريخ", status=Article.Status.DRAFT)
        client.force_login(editor)
        listing = text_of(client.get(LIST_URL))
        assert listing.index(draft.title) < listing.index("مقال منشور قديم")


class TestViewOnSite:
    def test_a_drafts_view_on_site_link_opens_its_preview(self, client, editor):
        draft = make_article(status=Article.Status.DRAFT)
        client.force_login(editor)
        preview = reverse("admin:articles_article_preview", args=[draft.pk])
        form = text_of(client.get(change_url(draft)))
        assert f'<a href="{preview}" class="viewsitelink">' in form
        assert client.get(preview).status_code == 200


class TestVersions:
    def save_as(self, client, article, **overrides):
        response = client.post(change_url(article), change_form(article, _continue="1", **overrides))
        assert response.status_code == 302, text_of(response)[:3000]

    def test_every_save_keeps_a_version_with_sections_and_tags(self, client, editor):
        article = make_article("عنوان أول", status=Article.Status.DRAFT, tags=["الرباط"])
        client.force_login(editor)
        self.save_as(client, article, **{"sections-0-body": "<p>نص المقدمة الأولى.</p>"})
        self.save_as(
            client, article, title="عنوان ثان", tags="الرباط، سلا", **{"sections-0-body": "<p>نص المقدمة الجديدة.</p>"}
        )
        url = reverse("admin:articles_article_versions", args=[article.pk])
        page = text_of(client.get(url))
        assert page.count('class="desk-version"') == 2
        assert "سعاد بنعلي" in page
        # By default the last change is compared: words marked, in Arabic.
        assert "<del>أول</del><ins>ثان</ins>" in page
        assert "<del>الأولى</del><ins>الجديدة</ins>" in page
        assert "الرباط<ins>، سلا</ins>" in page

    def test_restoring_a_version_brings_back_its_text_as_a_new_version(self, client, editor):
        article = make_article("العنوان الأصلي", status=Article.Status.IN_REVIEW)
        client.force_login(editor)
        self.save_as(client, article)
        self.save_as(
            client, article, title="عنوان معدل", **{"sections-0-heading": "", "sections-0-body": "<p>معدل</p>"}
        )
        from articles.revisions import article_versions

        oldest = article_versions(article).last()
        response = client.post(reverse("admin:articles_article_restore", args=[article.pk, oldest.pk]))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "العنوان الأصلي" and article.status == Article.Status.IN_REVIEW
        assert "نص المقدمة." in article.sections.get().body
        assert article_versions(article).count() == 3

    def test_a_journalist_cannot_restore_anothers_article(self, client, journalist, editor):
        article = make_article(status=Article.Status.DRAFT, authors=[editor])
        client.force_login(editor)
        self.save_as(client, article)
        from articles.revisions import article_versions

        version = article_versions(article).first()
        client.force_login(journalist)
        response = client.post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))
        assert response.status_code in (403, 404)


class TestNoLostWork:
    def test_a_save_from_an_older_copy_is_refused_and_shows_what_the_other_changed(self, client, editor, journalist):
        article = make_article("عنوان الخبر", status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(editor)
        client.post(change_url(article), change_form(article, _continue="1"))  # a first version
        opened = change_form(article)  # the journalist opens the form here...
        client.post(change_url(article), change_form(article, _continue="1", title="عنوان الخبر المصحح"))

        client.force_login(journalist)
        mine = opened | {"lead": "مقدمة كتبها الصحفي بعناية.", "_desk_draft": "حفظ كمسودة"}
        del mine["return_note"]
        refused = client.post(change_url(article), mine)
        assert refused.status_code == 200
        page = text_of(refused)
        assert "عدّل سعاد بنعلي هذا المقال" in page and "فلم يُحفظ تعديلك" in page
        assert "عنوان الخبر<ins> المصحح</ins>" in page  # what the editor changed, marked
        assert "مقدمة كتبها الصحفي بعناية." in page  # what the journalist typed is still in the form
        article.refresh_from_db()
        assert (article.title, article.lead) == ("عنوان الخبر المصحح", "مقدمة قصيرة للمقال.")

        # Saved again from the refused form (which now carries the stored copy's time): accepted.
        again = mine | {"opened_at": article.updated_at.isoformat(), "title": article.title}
        assert client.post(change_url(article), again).status_code == 302
        article.refresh_from_db()
        assert (article.title, article.lead) == ("عنوان الخبر المصحح", "مقدمة كتبها الصحفي بعناية.")

    def test_opening_an_article_someone_else_is_editing_says_who_and_since_when(self, client, editor, journalist):
        article = make_article(status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(journalist)
        client.get(change_url(article))
        client.force_login(editor)
        page = text_of(client.get(change_url(article)))
        assert "يوسف العلمي يحرر هذا المقال الآن، منذ الساعة" in page
        client.force_login(journalist)
        page = text_of(client.get(change_url(article)))
        assert "سعاد بنعلي يحرر هذا المقال الآن" in page and "يوسف العلمي يحرر" not in page  # never oneself

    def test_the_forms_heartbeat_names_the_others_with_the_article_open(self, client, editor, journalist):
        article = make_article(status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(editor)
        client.get(change_url(article))
        client.force_login(journalist)
        beat = client.post(reverse("admin:articles_article_heartbeat", args=[article.pk]))
        assert beat.json() == {"message": "يحرر هذا المقال الآن أيضا: سعاد بنعلي"}
        assert client.get(reverse("admin:articles_article_heartbeat", args=[article.pk])).status_code == 405
        form = text_of(client.get(change_url(article)))
        assert "استرجاع النص المحفوظ تلقائيا" in form and "/static/js/desk" in form


def test_every_constraint_a_person_can_meet_says_what_is_wrong_in_arabic():
    import re as regex

    from django.apps import apps
    from django.db.models import BaseConstraint

    default = BaseConstraint.default_violation_error_message
    constraints = [
        (model, constraint)
        for app in ("articles", "comments", "newsletter")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ]
    assert len(constraints) >= 9
    for model, constraint in constraints:
        message = str(constraint.violation_error_message)
        assert message != str(default) and regex.search(r"[\u0600-\u06FF]", message), (model, constraint.name)
        assert not regex.search(r"[A-Za-z]", message), (model, constraint.name)
