"""What is not published stays inside the newsroom: other journalists, login names, draft tags."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.helpers import make_article, make_category, make_journalist, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoops(journalist):
    category = make_category()
    return {
        "draft": make_article(
            "سبق صحفي قيد الكتابة", category=category, status=Article.Status.DRAFT, authors=[journalist]
        ),
        "review": make_article(
            "سبق صحفي قيد المراجعة", category=category, status=Article.Status.IN_REVIEW, authors=[journalist]
        ),
        "published": make_article("خبر منشور للجميع", category=category, authors=[journalist]),
    }


class TestScoopsStayWithTheirAuthor:
    def test_another_journalist_sees_only_published_work_of_colleagues(self, client, scoops):
        colleague = make_journalist("colleague")
        client.force_login(colleague)
        listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert "خبر منشور للجميع" in listing
        assert "سبق صحفي" not in listing
        for article in (scoops["draft"], scoops["review"]):
            change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
            assert change.status_code == 302  # "no such article", as for an id that does not exist
            assert client.get(reverse("admin:articles_article_preview", args=[article.pk])).status_code == 404
        found = client.get(
            "/admin/autocomplete/",
            {"app_label": "articles", "model_name": "article", "field_name": "see_also", "term": "سبق"},
        ).json()
        assert found["results"] == []

    def test_the_author_and_editors_see_the_scoops(self, client, scoops, journalist, editor):
        for person in (journalist, editor):
            client.force_login(person)
            listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
            assert "سبق صحفي قيد الكتابة" in listing and "سبق صحفي قيد المراجعة" in listing
            preview = reverse("admin:articles_article_preview", args=[scoops["draft"].pk])
            assert client.get(preview).status_code == 200


class TestPublicPagesNameOnlyWhatIsPublished:
    def test_an_author_page_exists_only_for_someone_with_a_published_article(self, client, scoops, journalist):
        superuser = make_user("root-admin", is_staff=True, is_superuser=True)
        drafts_only = make_journalist("drafts-only")
        make_article("مسودة فقط", status=Article.Status.DRAFT, authors=[drafts_only])
        assert client.get(reverse("articles:author", args=[superuser.username])).status_code == 404
        assert client.get(reverse("articles:author", args=[drafts_only.username])).status_code == 404
        assert client.get(reverse("articles:author", args=["nobody-at-all"])).status_code == 404
        assert client.get(reverse("articles:author", args=[journalist.username])).status_code == 200

    def test_a_tag_only_drafts_carry_is_not_found_until_an_article_with_it_is_published(self, client):
        draft = make_article("مسودة موسومة", status=Article.Status.DRAFT, tags=["صفقة سرية"])
        url = reverse("articles:tag", args=[draft.tags.get().slug])
        assert client.get(url).status_code == 404
        make_article("خبر منشور موسوم", tags=["صفقة سرية"])
        assert client.get(url).status_code == 200
