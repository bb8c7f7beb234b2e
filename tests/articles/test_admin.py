import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.helpers import admin_article_form as article_form
from tests.helpers import make_article, make_category

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def image_bytes(fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


class TestJournalist:
    def test_writes_an_article_and_submits_it_for_review(self, client, journalist):
        category = make_category()
        client.force_login(journalist)
        response = client.post(ADD_URL, article_form(category, _desk_review="إرسال للمراجعة"))
        assert response.status_code == 302, response.content.decode()[:2000]
        article = Article.objects.get()
        assert article.status == Article.Status.IN_REVIEW
        assert list(article.authors.all()) == [journalist]
        assert sorted(t.name for t in article.tags.all()) == ["المغرب", "بلجيكا"]
        intro, headed = article.sections.all()
        assert headed.anchor == "خطة-عمل-مشتركة"
        assert headed.body == "<p>نص</p><ul><li>بند</li></ul>"

    def test_sections_follow_the_order_given_and_new_ones_go_where_they_were_added(self, client, editor):
        # The order numbers are the editor's (a journalist's form has none: see test_desk.py).
        category = make_category()
        client.force_login(editor)
        data = article_form(
            category,
            **{
                "sections-TOTAL_FORMS": "3",
                "sections-0-position": "0",
                "sections-1-position": "0",
                "sections-2-position": "0",
                "sections-2-heading": "الفقرة الأخيرة",
                "sections-2-body": "<p>ختام</p>",
            },
        )
        assert client.post(ADD_URL, data).status_code == 302
        article = Article.objects.get()
        assert [(s.position, s.heading) for s in article.sections.all()] == [
            (0, ""),
            (1, "خطة عمل مشتركة"),
            (2, "الفقرة الأخيرة"),
        ]
        last = article.sections.get(heading="الفقرة الأخيرة")
        sections = list(article.sections.all())
        data = article_form(
            category,
            **{
                "sections-TOTAL_FORMS": "3",
                "sections-INITIAL_FORMS": "3",
            },
        )
        for i, section in enumerate(sections):
            data[f"sections-{i}-id"] = str(section.pk)
            data[f"sections-{i}-article"] = str(article.pk)
            data[f"sections-{i}-heading"] = section.heading
            data[f"sections-{i}-body"] = section.body
            data[f"sections-{i}-position"] = str(section.position)
        data["sections-2-position"] = "1"  # move the last section up, before "خطة عمل مشتركة"
        data["sections-1-position"] = "2"
        assert client.post(change_url(article), data).status_code == 302
        assert [s.heading for s in article.sections.all()] == ["", "الفقرة الأخيرة", "خطة عمل مشتركة"]
        assert article.sections.get(pk=last.pk).anchor == "الفقرة-الأخيرة"

    def test_cannot_publish_schedule_or_feature(self, client, journalist):
        category = make_category()
        client.force_login(journalist)
        # The status is no field of theirs: one sent by hand is not taken, the button is.
        response = client.post(ADD_URL, article_form(category, status="published", _desk_draft="حفظ كمسودة"))
        assert response.status_code == 302
        article = Article.objects.get()
        assert (article.status, article.published_at, article.is_public) == (Article.Status.DRAFT, None, False)
        article.delete()

        tomorrow = timezone.localtime() + timedelta(days=1)
        client.post(
            ADD_URL,
            article_form(
                category,
                is_featured="on",
                is_breaking="on",
                published_at_0=tomorrow.strftime("%d/%m/%Y"),
                published_at_1="10:00",
            ),
        )
        article = Article.objects.get()
        assert (article.is_featured, article.is_breaking, article.published_at) == (False, False, None)

    def test_edits_own_draft_but_not_others_or_published_ones(self, client, journalist, editor):
        own = make_article(status=Article.Status.DRAFT, authors=[journalist])
        others = make_article(status=Article.Status.DRAFT, authors=[editor])
        own_published = make_article(authors=[journalist])
        client.force_login(journalist)
        assert 'name="_desk_draft"' in client.get(change_url(own)).content.decode()
        for article in (others, own_published):
            assert 'name="_desk_draft"' not in client.get(change_url(article)).content.decode()
            response = client.post(change_url(article), article_form(article.category, title="تعديل غير مسموح"))
            # Refused; another's draft is not even shown to exist (the admin's "no such item").
            assert response.status_code == (302 if article is others else 403)
            article.refresh_from_db()
            assert article.title != "تعديل غير مسموح"

    def test_has_no_publish_action(self, client, journalist):
        client.force_login(journalist)
        page = client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert 'value="publish"' not in page

    def test_previews_own_draft_marked_noindex_and_never_cached(self, client, journalist):
        draft = make_article("مسودتي", status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(journalist)
        response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "مسودتي" in page and "معاينة" in page
        assert '<meta name="robots" content="noindex, nofollow">' in page
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert 'rel="canonical"' not in page


class TestEditor:
    def test_publishes_an_article_in_review(self, client, editor, journalist):
        article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
        client.force_login(editor)
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish", "_selected_action": [article.pk]},
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED and article.published_at is not None
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_schedules_and_features_through_the_form(self, client, editor):
        category = make_category()
        client.force_login(editor)
        later = timezone.localtime() + timedelta(days=2)
        response = client.post(
            ADD_URL,
            article_form(
                category,
                status="published",
                is_featured="on",
                published_at_0=later.strftime("%d/%m/%Y"),
                published_at_1=later.strftime("%H:%M:00"),
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        article = Article.objects.get()
        assert article.is_featured and article.status == Article.Status.PUBLISHED
        assert article.published_at > timezone.now()
        assert article not in Article.objects.published()

    def test_publishes_an_article_in_review_from_its_form_without_typing_a_date(self, client, editor, journalist):
        article = make_article("خبر ينتظر المراجعة", status=Article.Status.IN_REVIEW, authors=[journalist])
        section = article.sections.get()
        client.force_login(editor)
        data = article_form(
            article.category,
            title=article.title,
            status="published",
            published_at_0="",
            published_at_1="",
            authors=[str(journalist.pk)],
            **{
                "sections-TOTAL_FORMS": "1",
                "sections-INITIAL_FORMS": "1",
                "sections-0-id": str(section.pk),
                "sections-0-article": str(article.pk),
                "sections-0-body": section.body,
            },
        )
        before = timezone.now()
        response = client.post(change_url(article), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert before <= article.published_at <= timezone.now()
        assert list(article.authors.all()) == [journalist]
        client.logout()
        assert "خبر ينتظر المراجعة" in client.get("/").content.decode()

    def test_unpublishes_from_the_list(self, client, editor):
        article = make_article("خبر يُسحب")
        client.force_login(editor)
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "unpublish", "_selected_action": [article.pk]},
            follow=True,
        )
        assert "أُرجع مقال واحد إلى المسودات." in response.content.decode()
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_edits_any_article(self, client, editor, journalist):
        article = make_article(authors=[journalist])
        client.force_login(editor)
        assert 'name="_save"' in client.get(change_url(article)).content.decode()


class TestOtherVisitors:
    def test_staff_without_a_newsroom_group_sees_nothing(self, client, staff_without_permission):
        draft = make_article(status=Article.Status.DRAFT)
        client.force_login(staff_without_permission)
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
        assert client.get(reverse("admin:articles_article_preview", args=[draft.pk])).status_code == 403

    def test_anonymous_reader_is_sent_to_the_login(self, client):
        draft = make_article(status=Article.Status.DRAFT)
        for url in [
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_article_preview", args=[draft.pk]),
        ]:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestArabicAdmin:
    def test_admin_is_arabic_and_right_to_left(self, client, editor):
        client.force_login(editor)
        page = client.get(reverse("admin:index")).content.decode()
        assert 'dir="rtl"' in page
        assert "المقالات" in page and "غرفة التحرير" in page

    def test_section_inline_offers_to_add_a_section_in_correct_arabic(self, client, journalist):
        client.force_login(journalist)
        page = client.get(ADD_URL).content.decode()
        formset = json.loads(unescape(re.search(r'data-inline-formset="([^"]*)"', page).group(1)))
        assert formset["options"]["addText"] == "إضافة فقرة"

    def test_admin_calendar_uses_moroccan_month_names(self, client, editor):
        client.force_login(editor)
        script = client.get(reverse("admin:jsi18n")).content.decode()
        catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
        assert [catalog[m] for m in ["July", "August", "September", "November", "December"]] == [
            "يوليوز",
            "غشت",
            "شتنبر",
            "نونبر",
            "دجنبر",
        ]
        assert catalog["abbrev. month December\x04Dec"] == "دجنبر"

    def test_article_form_has_arabic_right_to_left_editor(self, client, editor):
        client.force_login(editor)
        response = client.get(ADD_URL)
        page = response.content.decode()
        assert "/static/django_ckeditor_5/dist/translations/ar." in page
        assert "/static/css/editor." in page
        config = json.loads(
            re.search(r'<script id="id_sections-0-body_script" type="application/json">(.*?)</script>', page).group(1)
        )
        assert config["language"] == "ar"
        assert {"SourceEditing", "GeneralHtmlSupport", "HtmlEmbed", "Style", "FullPage", "Markdown"} <= set(
            config["removePlugins"]
        )
        assert 'data-upload-url="/editor/image-upload/"' in page


class TestImageUploads:
    def test_editor_upload_is_for_staff_only(self, client):
        response = client.post(reverse("editor-image-upload"), {"upload": SimpleUploadedFile("a.png", image_bytes())})
        assert response.status_code == 403
        assert "صلاحية" in response.json()["error"]["message"]

    def test_staff_uploads_a_real_image(self, client, journalist, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(journalist)
        response = client.post(
            reverse("editor-image-upload"), {"upload": SimpleUploadedFile("صورة.png", image_bytes())}
        )
        assert response.status_code == 200
        assert response.json()["url"].startswith("/media/editor/")

    def test_a_file_that_is_not_an_image_is_refused_in_arabic(self, client, journalist, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(journalist)
        fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
        response = client.post(reverse("editor-image-upload"), {"upload": fake})
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "الملف المرفوع ليس صورة صالحة."

    def test_an_image_over_the_size_limit_is_refused_in_arabic(self, client, journalist, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.IMAGE_UPLOAD_MAX_MB = 1
        client.force_login(journalist)
        big = SimpleUploadedFile("big.png", image_bytes() + b"\0" * (1024 * 1024 + 1), content_type="image/png")
        response = client.post(reverse("editor-image-upload"), {"upload": big})
        assert response.status_code == 400
        assert "ميغابايت" in response.json()["error"]["message"]

    def test_cover_upload_is_validated_with_an_arabic_message(self, client, editor, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        category = make_category()
        client.force_login(editor)
        data = article_form(category)
        data["cover"] = SimpleUploadedFile("cover.jpg", b"not an image at all", content_type="image/jpeg")
        response = client.post(ADD_URL, data)
        assert response.status_code == 200
        assert not Article.objects.exists()
        page = response.content.decode()
        assert "صورة" in page and "errorlist" in page

        data["cover"] = SimpleUploadedFile("cover.jpg", image_bytes("JPEG"), content_type="image/jpeg")
        assert client.post(ADD_URL, data).status_code == 302
        assert Article.objects.get().cover.name.startswith("covers/")
