"""The icons a browser tab, a phone's home screen and a feed reader show for the site."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def static_file(url):
    """The source of a static URL, hashed by the manifest storage or not."""
    name = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix(settings.STATIC_URL))
    return finders.find(name)


def test_favicon_ico_answers_with_the_icon_in_three_sizes(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"].startswith("public")
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= icon.ico.sizes()
        # the logo's brand red, not a blank square
        assert icon.convert("RGB").getpixel((1, 1)) == (140, 28, 19)


def test_every_page_links_the_favicon_a_large_icon_and_a_touch_icon(client):
    page = client.get("/").content.decode()
    links = dict(
        (rel + (f" {sizes}" if sizes else ""), href)
        for rel, href, sizes in re.findall(
            r'<link rel="([^"]+)" href="([^"]+)"(?: type="[^"]+")?(?: sizes="([^"]+)")?>', page
        )
    )
    assert links["icon 48x48"] == "/favicon.ico"
    with Image.open(static_file(links["icon 512x512"])) as large:
        assert large.size == (512, 512)
    with Image.open(static_file(links["apple-touch-icon"])) as touch:
        assert touch.size == (180, 180) and touch.mode == "RGB"  # iOS paints transparency black
