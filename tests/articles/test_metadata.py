"""What search engines and social networks read: the seed article's metadata, and the
titles and descriptions of the home and category pages."""

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import extruct
import lxml.html
import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from PIL import Image

from articles.models import Article
from tests.helpers import make_article, make_category

pytestmark = pytest.mark.django_db
SEED_TITLE = "السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا بزيارة عمل هامة"


def meta(page, attribute, name):
    return [unescape(v) for v in re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)]


def json_ld(page):
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(raw)


@pytest.fixture
def seed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    return Article.objects.get(title=SEED_TITLE)


def test_seed_article_has_open_graph_and_twitter_tags(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    url = "http://testserver" + seed.get_absolute_url()
    assert meta(page, "name", "description") == [seed.lead]
    assert meta(page, "property", "og:type") == ["article"]
    assert meta(page, "property", "og:title") == [SEED_TITLE]
    assert meta(page, "property", "og:description") == [seed.lead]
    assert meta(page, "property", "og:url") == [url]
    (image,) = meta(page, "property", "og:image")
    assert image.startswith("http://testserver/media/")
    assert meta(page, "property", "article:published_time") == ["2024-12-05T11:30:00+01:00"]
    assert meta(page, "property", "article:section") == ["أمن"]
    assert meta(page, "property", "article:tag") == ["المغرب", "بلجيكا", "الأمن", "الإرهاب", "التعاون الأمني"]
    assert meta(page, "name", "twitter:card") == ["summary_large_image"]
    assert meta(page, "name", "twitter:title") == [SEED_TITLE]
    assert meta(page, "name", "twitter:image") == [image]


def test_seed_article_has_a_news_article_json_ld(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    data = json_ld(page)
    url = "http://testserver" + seed.get_absolute_url()
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == SEED_TITLE
    assert data["description"] == seed.lead
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"] == "2024-12-05T11:30:00+01:00"  # Casablanca, UTC+1 in December
    assert data["dateModified"] == "2024-12-05T11:30:00+01:00"
    # Google's rich results: the cover in 16:9, 4:3 and 1:1, each a real file of that shape.
    shapes = []
    for image_url in data["image"]:
        with Image.open(media_file(image_url)) as image:
            shapes.append(image.size)
    assert shapes == [(1200, 675), (1200, 900), (1200, 1200)]
    assert data["author"] == [{"@type": "Person", "name": "يوسف العلمي", "url": "http://testserver/author/sahafi/"}]
    publisher = data["publisher"]
    assert publisher["name"] == "كواليس اليوم"
    assert publisher["logo"]["url"] == "http://testserver" + static("img/logo.png")
    assert publisher["logo"]["url"].endswith(".png")


def test_ramadan_time_is_utc(client):
    # Morocco moves to UTC+0 during Ramadan (2025-02-23 to 2025-04-06).
    from datetime import datetime
    from zoneinfo import ZoneInfo

    article = make_article(published_at=datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Africa/Casablanca")))
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["datePublished"] == "2025-03-10T09:00:00+00:00"


def test_a_title_cannot_break_out_of_the_json_ld(client):
    article = make_article('</script><script>alert("x")</script> & <!--', lead="<b>مقدمة</b>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    data = json_ld(page)
    assert data["headline"] == '</script><script>alert("x")</script> & <!--'
    assert data["description"] == "<b>مقدمة</b>"
    # An article without a cover shares the site's image.
    assert data["image"] == ["http://testserver" + static("img/share.png")]


def test_home_and_category_pages_have_their_own_titles_and_descriptions(client):
    make_category("اقتصاد", "iqtisad", description="المال والأعمال والتشغيل والاستثمار.")
    home = client.get("/").content.decode()
    category = client.get("/iqtisad/").content.decode()
    assert "<title>كواليس اليوم — أخبار المغرب والعالم</title>" in home
    assert "<title>اقتصاد — كواليس اليوم</title>" in category
    assert meta(category, "name", "description") == ["المال والأعمال والتشغيل والاستثمار."]
    assert meta(home, "name", "description")[0] != meta(category, "name", "description")[0]
    assert meta(home, "property", "og:type") == ["website"]
    assert meta(category, "property", "og:title") == ["اقتصاد"]


def open_graph(page, url):
    """The Open Graph properties as extruct reads them (as link previewers do), in order."""
    (graph,) = extruct.extract(page, base_url=url, syntaxes=["opengraph"], uniform=False)["opengraph"]
    return graph["properties"]


def named_meta(page):
    """<meta name=…> pairs as an HTML parser reads them (Twitter cards, robots)."""
    return [
        (node.get("name"), node.get("content")) for node in lxml.html.fromstring(page).iter("meta") if node.get("name")
    ]


def media_file(url):
    return Path(settings.MEDIA_ROOT) / unquote(urlsplit(url).path).removeprefix(settings.MEDIA_URL)


def test_share_previewers_get_a_jpeg_with_its_real_size_the_authors_and_alt_texts(client, seed):
    url = "http://testserver" + seed.get_absolute_url()
    page = client.get(seed.get_absolute_url()).content.decode()
    properties = open_graph(page, url)
    values = dict(properties)
    assert values["og:type"] == "article" and values["og:url"] == url
    assert values["og:image:type"] == "image/jpeg"
    with Image.open(media_file(values["og:image"])) as image:  # the file a previewer fetches
        assert image.format == "JPEG"
        assert (values["og:image:width"], values["og:image:height"]) == (str(image.width), str(image.height))
        assert image.size == (1200, 630)
    assert values["og:image:alt"] == seed.cover_caption
    assert [value for key, value in properties if key == "article:author"] == ["http://testserver/author/sahafi/"]
    named = dict(named_meta(page))
    assert named["twitter:image"] == values["og:image"]
    assert named["twitter:image:alt"] == seed.cover_caption
    assert "max-image-preview:large" in [part.strip() for part in named["robots"].split(",")]


def test_an_article_without_cover_shares_the_site_image_with_its_size(client):
    article = make_article("خبر بلا صورة")
    page = client.get(article.get_absolute_url()).content.decode()
    values = dict(open_graph(page, "http://testserver" + article.get_absolute_url()))
    assert values["og:image"] == "http://testserver" + static("img/share.png")
    assert values["og:image:type"] == "image/png"
    with Image.open(Path(settings.BASE_DIR) / "static" / "img" / "share.png") as share:
        assert (values["og:image:width"], values["og:image:height"]) == (str(share.width), str(share.height))
        assert share.size == (1200, 630) and share.format == "PNG"
    assert "article:author" not in values  # no byline: no author profile to claim
    assert dict(named_meta(page))["twitter:image:alt"] == "خبر بلا صورة"


def test_the_home_and_listings_share_the_site_image_with_its_size_and_type(client):
    category = make_category("اقتصاد", "iqtisad")
    for url in ["/", category.get_absolute_url()]:
        page = client.get(url).content.decode()
        values = dict(open_graph(page, "http://testserver" + url))
        assert values["og:image"] == "http://testserver" + static("img/share.png"), url
        with Image.open(Path(settings.BASE_DIR) / "static" / "img" / "share.png") as share:
            assert (values["og:image:width"], values["og:image:height"], values["og:image:type"]) == (
                str(share.width),
                str(share.height),
                "image/png",
            )
        assert dict(named_meta(page))["twitter:card"] == "summary_large_image"
