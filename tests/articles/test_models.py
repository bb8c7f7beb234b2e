from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Section
from articles.tagging import edit_string, parse_tags
from tests.helpers import make_article, make_category

CASABLANCA = ZoneInfo("Africa/Casablanca")
pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2024, 12, 5, 10, 0, tzinfo=CASABLANCA), tick=False)
def test_scheduled_article_is_hidden_until_its_time():
    article = make_article(published_at=datetime(2024, 12, 5, 12, 0, tzinfo=CASABLANCA))
    assert article not in Article.objects.published()
    with time_machine.travel(datetime(2024, 12, 5, 12, 0, 1, tzinfo=CASABLANCA), tick=False):
        assert article in Article.objects.published()
        assert article.is_public


def test_drafts_and_articles_in_review_are_never_published():
    draft = make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=1))
    review = make_article(status=Article.Status.IN_REVIEW, published_at=timezone.now() - timedelta(days=1))
    visible = make_article()
    assert list(Article.objects.published()) == [visible]
    assert not draft.is_public and not review.is_public


def test_database_refuses_a_published_article_without_date():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_arabic_slug_is_made_from_the_title():
    article = make_article("زيارة عمل إلى بلجيكا")
    assert article.slug == "زيارة-عمل-إلى-بلجيكا"
    assert (
        article.get_absolute_url()
        == f"/article/{article.pk}/%D8%B2%D9%8A%D8%A7%D8%B1%D8%A9-%D8%B9%D9%85%D9%84-%D8%A5%D9%84%D9%89-%D8%A8%D9%84%D8%AC%D9%8A%D9%83%D8%A7/"
    )


def test_section_anchor_is_stable_when_heading_changes():
    article = make_article(sections=[("", "<p>مقدمة</p>"), ("خطة عمل مشتركة", "<p>نص</p>")])
    section = article.sections.get(heading="خطة عمل مشتركة")
    assert section.anchor == "خطة-عمل-مشتركة"
    section.heading = "خطة عمل مشتركة للتعاون الأمني"
    section.save()
    section.refresh_from_db()
    assert section.anchor == "خطة-عمل-مشتركة"


def test_two_sections_with_the_same_heading_get_distinct_anchors():
    article = make_article(sections=[("أسئلة", "<p>1</p>"), ("أسئلة", "<p>2</p>")])
    assert sorted(article.sections.values_list("anchor", flat=True)) == ["أسئلة", "أسئلة-2"]


def test_intro_section_has_no_anchor():
    article = make_article(sections=[("", "<p>مقدمة</p>")])
    assert article.sections.get().anchor == ""


def test_section_body_is_cleaned_on_every_save():
    article = make_article()
    section = Section.objects.create(article=article, body='<p onclick="x()">نص<script>alert(1)</script></p>')
    section.refresh_from_db()
    assert section.body == "<p>نص</p>"


def test_arabic_comma_separates_tags_and_spaces_do_not():
    assert parse_tags("المغرب، بلجيكا,الجريمة المنظمة") == ["الجريمة المنظمة", "المغرب", "بلجيكا"]
    assert parse_tags("الجريمة المنظمة") == ["الجريمة المنظمة"]
    assert parse_tags(" ، ,") == []


def test_tag_slugs_keep_arabic_letters():
    article = make_article(tags=["الإرهاب"])
    assert article.tags.get().slug == "الإرهاب"


def test_tag_edit_string_uses_the_arabic_comma():
    article = make_article(tags=["المغرب", "بلجيكا"])
    assert edit_string(article.tags.all()) == "المغرب، بلجيكا"


def related_articles(*, article, count):
    # What the article page asks for its «شاهد أيضا» block.
    return list(Article.objects.published().for_listing().related_to(article, count=count))


class TestRelated:
    def test_hand_picked_first_then_shared_tags_then_category_then_recency(self):
        security = make_category()
        other = make_category()
        article = make_article(category=security, tags=["المغرب", "بلجيكا"])
        picked = make_article(category=other)
        two_tags = make_article(
            category=other, tags=["المغرب", "بلجيكا"], published_at=timezone.now() - timedelta(days=30)
        )
        one_tag = make_article(category=other, tags=["بلجيكا"], published_at=timezone.now() - timedelta(days=20))
        same_category = make_article(category=security, published_at=timezone.now() - timedelta(days=10))
        make_article(category=other, published_at=timezone.now() - timedelta(days=40))
        # Dated explicitly: make_article's default is an hour per article made so far in the run.
        recent = make_article(category=other, published_at=timezone.now() - timedelta(hours=1))
        article.see_also.add(picked)

        assert related_articles(article=article, count=5) == [picked, two_tags, one_tag, same_category, recent]

    def test_never_itself_nor_unpublished(self):
        category = make_category()
        article = make_article(category=category, tags=["أمن"])
        draft = make_article(category=category, tags=["أمن"], status=Article.Status.DRAFT)
        scheduled = make_article(category=category, tags=["أمن"], published_at=timezone.now() + timedelta(days=1))
        article.see_also.add(article, draft, scheduled)
        visible = make_article(category=category, tags=["أمن"])

        assert related_articles(article=article, count=4) == [visible]

    def test_fills_to_the_fixed_count(self):
        article = make_article()
        for _ in range(6):
            make_article()
        assert len(related_articles(article=article, count=4)) == 4
