"""RSS 2.0 feeds of the whole site and of each category."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.helpers import make_article, make_category, make_user

pytestmark = pytest.mark.django_db
DC = "{http://purl.org/dc/elements/1.1/}"


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="cover.jpg")


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


@pytest.fixture
def cover_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_site_feed_items_carry_everything_a_feed_reader_needs(client, cover_media):
    author = make_user("sahafi", first_name="يوسف", last_name="العلمي")
    security = make_category("أمن", "amn")
    article = make_article(
        "تفكيك خلية إرهابية",
        category=security,
        lead="أوقفت المصالح الأمنية أربعة أشخاص.",
        tags=["الإرهاب"],
        authors=[author],
    )
    article.cover.save("cover.jpg", jpeg())
    channel = feed(client, "/feed/")
    assert channel.findtext("language") == "ar-MA"  # as <html lang> says on every page
    (item,) = channel.findall("item")
    assert item.findtext("title") == "تفكيك خلية إرهابية"
    assert item.findtext("link") == "http://testserver" + article.get_absolute_url()
    assert item.findtext("description") == "أوقفت المصالح الأمنية أربعة أشخاص."
    assert item.findtext(f"{DC}creator") == "يوسف العلمي"
    assert [c.text for c in item.findall("category")] == ["أمن", "الإرهاب"]
    assert item.findtext("pubDate").endswith("+0000")
    assert item.findtext("guid") == f"http://testserver/article/{article.pk}/"
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == "http://testserver" + article.cover.url
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == article.cover.size > 0


def test_feed_lists_only_public_articles_newest_first(client):
    make_article("أقدم", published_at=timezone.now() - timedelta(days=2))
    make_article("أحدث", published_at=timezone.now() - timedelta(hours=1))
    make_article("مسودة", status=Article.Status.DRAFT)
    make_article("مجدول", published_at=timezone.now() + timedelta(hours=1))
    titles = [item.findtext("title") for item in feed(client, "/feed/").findall("item")]
    assert titles == ["أحدث", "أقدم"]


def test_category_feed_has_only_its_category(client):
    sport = make_category("رياضة", "riyada")
    make_article("مباراة الديربي", category=sport)
    make_article("قانون المالية", category=make_category("اقتصاد", "iqtisad"))
    channel = feed(client, "/riyada/feed/")
    assert channel.findtext("title").startswith("رياضة")
    assert channel.findtext("link") == "http://testserver/riyada/"
    assert [item.findtext("title") for item in channel.findall("item")] == ["مباراة الديربي"]
    assert client.get("/no-such/feed/").status_code == 404


def test_feed_query_count_is_flat(client, django_assert_num_queries):
    # articles with their categories (join), bylines with profiles, tags, corrections (one prefetch each).
    category = make_category()
    for _ in range(2):
        make_article(category=category, tags=["أ", "ب"], authors=[make_user()])
    with django_assert_num_queries(4):
        client.get("/feed/")
    for _ in range(20):
        make_article(category=category, tags=["أ", "ب"], authors=[make_user()])
    with django_assert_num_queries(4):
        client.get("/feed/")


def test_every_page_links_the_site_feed_and_category_pages_their_own(client):
    category = make_category("وطني", "watani")
    article = make_article(category=category)
    for url in ["/", "/watani/", article.get_absolute_url(), "/search/?q=خبر"]:
        page = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml" title="كواليس اليوم" href="/feed/">' in page, url
    for url in ["/watani/", article.get_absolute_url()]:
        assert (
            'type="application/rss+xml" title="وطني — كواليس اليوم" href="/watani/feed/"'
            in client.get(url).content.decode()
        )


class RenderedHTML(HTMLParser):
    """What a feed reader that renders a field as HTML puts on screen: text and tags."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def shown(self):
        return "".join(self.text)


def test_markup_in_a_title_or_lead_reaches_feed_readers_as_the_literal_characters(client):
    title = "<b>عاجل</b> & <script>alert(1)</script>"
    lead = 'مقدمة <b>بالخط العريض</b> & <script>alert("x")</script> &amp; <img src=x onerror=alert(2)>'
    make_article(title, lead=lead)
    channel = feed(client, "/feed/")
    (item,) = channel.findall("item")
    for field, original in [("title", title), ("description", lead)]:
        rendered = RenderedHTML(item.findtext(field))
        assert rendered.tags == [], field
        assert rendered.shown == original, field


def test_category_feed_channel_reaches_readers_as_text(client):
    make_category("اقتصاد & <i>مال</i>", "iqtisad", description="<b>المال</b> & الأعمال")
    channel = feed(client, "/iqtisad/feed/")
    assert channel.findtext("language") == "ar-MA"
    assert RenderedHTML(channel.findtext("title")).shown == "اقتصاد & <i>مال</i> — كواليس اليوم"
    assert RenderedHTML(channel.findtext("description")).shown == "<b>المال</b> & الأعمال"
    assert RenderedHTML(channel.findtext("description")).tags == []
