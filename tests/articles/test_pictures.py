"""Pictures in the sizes they are drawn: srcset and sizes, WebP first, and only the first one eager."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from django.conf import settings
from PIL import Image

from tests.articles.test_feeds import jpeg
from tests.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pictures(client, url):
    # libxml2 does not know <source> is void: the <img> ends up inside it, hence .//img
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content).xpath("//picture")


def candidates(srcset):
    """[(file on disk, width descriptor)] of a srcset."""
    found = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        path = Path(settings.MEDIA_ROOT) / unquote(urlsplit(url).path).removeprefix(settings.MEDIA_URL)
        found.append((path, int(descriptor.removesuffix("w"))))
    return found


def assert_files_match(srcset, image_format):
    for path, width in candidates(srcset):
        with Image.open(path) as image:
            assert image.format == image_format
            assert image.width == width and image.height == width * 9 // 16


def test_the_article_cover_comes_in_three_widths_as_webp_with_a_jpeg_fallback_fetched_first(client):
    article = make_article("خبر بصورة", cover=jpeg(), cover_caption="وصف الصورة")
    (cover,) = pictures(client, article.get_absolute_url())
    (source,) = cover.xpath(".//source")
    (img,) = cover.xpath(".//img")
    assert source.get("type") == "image/webp"
    assert [width for _, width in candidates(source.get("srcset"))] == [480, 800, 1200]
    assert_files_match(source.get("srcset"), "WEBP")
    assert_files_match(img.get("srcset"), "JPEG")
    assert img.get("src").endswith(".jpg") and (img.get("width"), img.get("height")) == ("800", "450")
    assert source.get("sizes") == img.get("sizes") and "736px" in img.get("sizes")
    assert img.get("alt") == "وصف الصورة"
    assert img.get("fetchpriority") == "high" and img.get("loading") is None  # the largest paint: not lazy


def test_on_the_home_only_the_big_first_card_is_fetched_first_and_the_rest_wait(client):
    make_article("الخبر الأبرز", cover=jpeg(), is_featured=True)
    for n in range(3):
        make_article(f"خبر {n}", cover=jpeg())
    page = pictures(client, "/")
    first, *rest = [picture.xpath(".//img")[0] for picture in page]
    assert first.get("fetchpriority") == "high" and first.get("loading") is None
    assert [width for _, width in candidates(first.get("srcset"))] == [480, 800, 1200]
    assert rest and all(img.get("loading") == "lazy" and img.get("fetchpriority") is None for img in rest)
    for img in rest:  # a small card: no 1200 px download for a 144 px picture
        assert [width for _, width in candidates(img.get("srcset"))] == [320, 640]
        assert (img.get("width"), img.get("height")) == ("320", "180")
    assert all(img.get("width") and img.get("height") for img in [first, *rest])


def test_a_cover_whose_file_is_gone_leaves_the_page_readable(client):
    article = make_article("خبر فقدت صورته", cover=jpeg())
    Path(article.cover.path).unlink()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "خبر فقدت صورته" in response.content.decode()
    assert not re.search(r"<img[^>]+src=\"\"", response.content.decode())
