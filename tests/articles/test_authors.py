"""Bylines beyond login accounts: profiles of journalists, agencies and guests, in order,
on the article page, its metadata and feeds, and each on its own author page."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Author, Byline
from tests.articles.test_feeds import jpeg
from tests.helpers import admin_article_form, make_article, make_author, make_category, make_user

pytestmark = pytest.mark.django_db

MAP_BIO = "وكالة المغرب العربي للأنباء، وكالة الأنباء الرسمية للمملكة المغربية."
DC = "{http://purl.org/dc/elements/1.1/}"


def html(response):
    return response.content.decode()


def json_ld(page):
    return [json.loads(raw) for raw in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


@pytest.fixture
def co_signed(db):
    """An article signed by a journalist, then by an agency that has no login."""
    writer = make_user("sahafi", first_name="يوسف", last_name="العلمي")
    agency = make_author("و.م.ع", slug="map", bio=MAP_BIO, website="https://www.mapexpress.ma")
    article = make_article("الرباط تحتضن منتدى إفريقيا للأمن", authors=[writer])
    article.bylines.add(agency, through_defaults={"position": 1})
    return {"writer": writer, "agency": agency, "article": article}


class TestAuthorPage:
    def test_a_journalists_page_shows_the_photo_bio_links_and_articles(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        user = make_user("sahafi", first_name="يوسف", last_name="العلمي")
        article = make_article("مقال الصحفي", authors=[user])
        profile = Author.objects.get(user=user)
        profile.bio = "صحفي في القسم الوطني."
        profile.x_url = "https://x.com/sahafi_demo"
        profile.photo.save("photo.jpg", jpeg(), save=False)
        profile.save()

        response = client.get("/author/sahafi/")  # the profile's slug is the login name: old links work
        page = html(response)
        assert response.status_code == 200
        assert '<h1 class="page-title">يوسف العلمي</h1>' in page
        assert "صحفي في القسم الوطني." in page
        assert '<a href="https://x.com/sahafi_demo" rel="me noopener" target="_blank">إكس</a>' in page
        assert re.search(r'<img class="author-photo" src="[^"]+\.jpg"[^>]* alt="يوسف العلمي"', page)
        assert article.title in page
        (data,) = json_ld(page)
        assert data["@type"] == "ProfilePage"
        person = data["mainEntity"]
        assert person["@type"] == "Person" and person["name"] == "يوسف العلمي"
        assert person["url"] == "http://testserver/author/sahafi/"
        assert person["description"] == "صحفي في القسم الوطني."
        assert person["sameAs"] == ["https://x.com/sahafi_demo"] and person["image"].startswith("http://testserver/")

    def test_an_agency_without_a_login_has_its_page_as_an_organization(self, client, co_signed):
        page = html(client.get("/author/map/"))
        assert '<h1 class="page-title">و.م.ع</h1>' in page
        assert MAP_BIO in page and "وكالة" in page
        assert co_signed["article"].title in page
        assert f'<meta name="description" content="{MAP_BIO}">' in page
        (data,) = json_ld(page)
        assert data["mainEntity"]["@type"] == "Organization"
        assert data["mainEntity"]["sameAs"] == ["https://www.mapexpress.ma"]

    @pytest.mark.parametrize("slug", ["nobody", "map-2", "%D9%84%D8%A7"])
    def test_an_unknown_slug_is_a_404(self, client, co_signed, slug):
        assert client.get(f"/author/{slug}/").status_code == 404

    def test_a_profile_that_signs_only_drafts_has_no_page_yet(self, client):
        guest = make_author("ضيف الموقع", slug="guest", kind=Author.Kind.GUEST)
        make_article("مسودة الضيف", status=Article.Status.DRAFT, bylines=[guest])
        assert client.get("/author/guest/").status_code == 404
        make_article("مقال الضيف", bylines=[guest])
        assert client.get("/author/guest/").status_code == 200

    def test_query_count_is_flat_with_a_photo_and_more_articles(self, client, settings, tmp_path):
        # 5: the profile, the count, navigation categories, the cards with their
        # categories (join), their bylines with profiles (one prefetch). The photo's
        # renditions are found in the thumbnail cache after the first view.
        settings.MEDIA_ROOT = tmp_path
        settings.ARTICLES_PER_PAGE = 50
        agency = make_author("أ.ف.ب", slug="afp", bio="وكالة فرانس برس.")
        agency.photo.save("logo.jpg", jpeg(), save=True)

        def warm_count():
            client.get("/author/afp/")
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/author/afp/").status_code == 200
            return len(queries)

        for _ in range(2):
            make_article(bylines=[agency, make_author("ضيف", kind=Author.Kind.GUEST)])
        assert warm_count() == 5
        for _ in range(30):
            make_article(bylines=[agency, make_author("ضيف", kind=Author.Kind.GUEST)])
        assert warm_count() == 5


class TestBylinesInOrder:
    def test_the_article_names_both_in_order_and_links_their_pages(self, client, co_signed):
        page = html(client.get(co_signed["article"].get_absolute_url()))
        byline = re.search(r'<span class="article-authors">(.*?)</span>', page, re.S).group(1)
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', byline) == [
            ("/author/sahafi/", "يوسف العلمي"),
            ("/author/map/", "و.م.ع"),
        ]
        assert re.findall(r'<meta property="article:author" content="([^"]+)">', page) == [
            "http://testserver/author/sahafi/",
            "http://testserver/author/map/",
        ]

    def test_news_article_json_ld_names_a_person_then_an_organization(self, client, co_signed):
        (data,) = json_ld(html(client.get(co_signed["article"].get_absolute_url())))
        assert data["author"] == [
            {"@type": "Person", "name": "يوسف العلمي", "url": "http://testserver/author/sahafi/"},
            {"@type": "Organization", "name": "و.م.ع", "url": "http://testserver/author/map/"},
        ]

    def test_the_feed_names_the_byline_in_order(self, client, co_signed):
        item = ET.fromstring(client.get("/feed/").content).find("channel/item")
        assert item.find(f"{DC}creator").text == "يوسف العلمي، و.م.ع"

    def test_search_results_and_the_sitemap_follow_the_bylines(self, client, co_signed):
        results = html(client.get("/search/", {"q": "منتدى"}))
        assert "يوسف العلمي، و.م.ع" in results
        sitemap = html(client.get("/sitemap-authors.xml"))
        assert re.findall(r"<loc>([^<]+)</loc>", sitemap) == [
            "http://testserver/author/map/",
            "http://testserver/author/sahafi/",
        ]

    def test_a_changed_order_shows_at_once(self, client, co_signed):
        Byline.objects.filter(author=co_signed["agency"]).update(position=0)
        Byline.objects.filter(author__user=co_signed["writer"]).update(position=1)
        page = html(client.get(co_signed["article"].get_absolute_url()))
        assert page.index(">و.م.ع</a>") < page.index(">يوسف العلمي</a>")


class TestDesk:
    def test_an_editor_adds_an_agency_as_second_name(self, client, editor, co_signed):
        afp = make_author("أ.ف.ب", slug="afp")
        article = make_article("خبر من بروكسيل", authors=[co_signed["writer"]], category=make_category())
        client.force_login(editor)
        mine = Byline.objects.get(article=article)
        data = admin_article_form(
            article.category,
            title=article.title,
            status="published",
            authors=[str(co_signed["writer"].pk)],
            **{
                "byline_set-TOTAL_FORMS": "2",
                "byline_set-INITIAL_FORMS": "1",
                "byline_set-0-id": str(mine.pk),
                "byline_set-0-article": str(article.pk),
                "byline_set-0-author": str(mine.author_id),
                "byline_set-0-position": "0",
                "byline_set-1-article": str(article.pk),
                "byline_set-1-author": str(afp.pk),
                "byline_set-1-position": "0",
            },
        )
        response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
        assert [author.name for author in article.byline_authors] == ["يوسف العلمي", "أ.ف.ب"]
        assert list(article.authors.all()) == [co_signed["writer"]]  # the desk's owner is unchanged

    def test_a_journalist_saving_without_a_byline_signs_with_their_own_profile(self, client, journalist):
        client.force_login(journalist)
        category = make_category()
        response = client.post("/admin/articles/article/add/", admin_article_form(category, title="خبر الصحفي"))
        assert response.status_code == 302
        article = Article.objects.get(title="خبر الصحفي")
        (profile,) = article.byline_authors
        assert profile.user == journalist and profile.slug == "journalist" and profile.name == "يوسف العلمي"
        assert profile.kind == Author.Kind.STAFF

    def test_a_journalist_cannot_add_a_name_to_the_byline(self, client, journalist):
        agency = make_author("و.م.ع", slug="map")
        article = make_article("مسودة الصحفي", status=Article.Status.DRAFT, authors=[journalist])
        client.force_login(journalist)
        data = admin_article_form(
            article.category,
            title=article.title,
            status="draft",
            **{
                "byline_set-TOTAL_FORMS": "1",
                "byline_set-0-article": str(article.pk),
                "byline_set-0-author": str(agency.pk),
                "byline_set-0-position": "1",
            },
        )
        client.post(f"/admin/articles/article/{article.pk}/change/", data)
        article.refresh_from_db()
        assert [author.name for author in article.byline_authors] == ["يوسف العلمي"]

    def test_profile_addresses_must_be_https_and_on_their_site(self, client, editor):
        client.force_login(editor)
        response = client.post(
            "/admin/articles/author/add/",
            {
                "name": "كاتب ضيف",
                "slug": "",
                "kind": "guest",
                "bio": "",
                "website": "http://example.ma",
                "x_url": "https://facebook.com/someone",
                "facebook_url": "",
                "user": "",
            },
        )
        page = html(response)
        assert response.status_code == 200
        assert "أدخل رابطا آمنا يبدأ بـ https://" in page
        assert "أدخل رابط حساب على إكس" in page
        assert not Author.objects.filter(name="كاتب ضيف").exists()

    def test_an_editor_makes_an_agency_profile_with_an_arabic_slug(self, client, editor):
        client.force_login(editor)
        response = client.post(
            "/admin/articles/author/add/",
            {"name": "وكالة الأنباء", "slug": "", "kind": "agency", "bio": "وكالة.", "website": "", "x_url": ""}
            | {"facebook_url": "", "user": ""},
        )
        assert response.status_code == 302
        assert Author.objects.get(name="وكالة الأنباء").slug == "وكالة-الأنباء"

    def test_a_journalist_has_no_profiles_page(self, client, journalist):
        client.force_login(journalist)
        assert client.get("/admin/articles/author/").status_code == 403


@pytest.mark.usefixtures("page_cache")
def test_a_profile_edit_renders_anew_the_pages_that_show_it(
    client, editor, co_signed, django_capture_on_commit_callbacks
):
    reader = Client()
    article_url, author_url = co_signed["article"].get_absolute_url(), "/author/map/"
    for url in (article_url, author_url, "/feed/"):
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "HIT", url
    agency = co_signed["agency"]
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/articles/author/{agency.pk}/change/",
            {"name": "وكالة المغرب العربي للأنباء", "slug": "map", "kind": "agency", "bio": MAP_BIO}
            | {"website": "https://www.mapexpress.ma", "x_url": "", "facebook_url": "", "user": ""},
        )
    assert response.status_code == 302
    for url in (article_url, author_url, "/feed/"):
        response = reader.get(url)
        assert response["X-Page-Cache"] == "MISS", url
        assert "وكالة المغرب العربي للأنباء" in html(response), url


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_signing_account_a_profile_and_copies_the_bylines_in_order():
    before, after = [("articles", "0012_desk_content_corrections")], [("articles", "0013_bylines")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User, Category, Article_ = (
        old.get_model(*name) for name in (("auth", "User"), ("articles", "Category"), ("articles", "Article"))
    )
    named = User.objects.create(username="sahafi", first_name="يوسف", last_name="العلمي")
    bare = User.objects.create(username="desk.rabat")
    User.objects.create(username="idle")  # signs nothing: no profile
    category = Category.objects.create(name="أمن", slug="amn")
    when = timezone.now() - timedelta(hours=1)
    fields = {"lead": "مقدمة", "category": category, "status": "published", "published_at": when}
    joint = Article_.objects.create(title="تحقيق مشترك", slug="tahqiq", **fields)
    joint.authors.add(bare)
    joint.authors.add(named)  # added second: signs second
    solo = Article_.objects.create(title="خبر", slug="khabar", **fields)
    solo.authors.add(named)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert sorted(Author.objects.values_list("slug", "name", "kind")) == [
        ("desk.rabat", "desk.rabat", "staff"),
        ("sahafi", "يوسف العلمي", "staff"),
    ]
    assert [a.slug for a in Article.objects.get(pk=joint.pk).byline_authors] == ["desk.rabat", "sahafi"]
    assert [a.slug for a in Article.objects.get(pk=solo.pk).byline_authors] == ["sahafi"]
    reader = Client()
    assert reader.get("/author/desk.rabat/").status_code == 200  # the old address of the author page
    page = html(reader.get(Article.objects.get(pk=joint.pk).get_absolute_url()))
    assert page.index(">desk.rabat</a>") < page.index(">يوسف العلمي</a>")  # readers see what they saw before


def test_a_journalist_whose_login_an_agency_took_signs_under_a_numbered_slug(client):
    make_author("و.م.ع", slug="map")
    user = make_user("map", first_name="مريم", last_name="الإدريسي")
    article = make_article("خبر مريم", authors=[user])
    (profile,) = article.byline_authors
    assert (profile.slug, profile.name, profile.user) == ("map-2", "مريم الإدريسي", user)
    assert '<h1 class="page-title">مريم الإدريسي</h1>' in html(client.get("/author/map-2/"))
