"""Uploaded images: stored only as Pillow writes them again, named by their real format."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from articles.models import Article
from articles.uploads import media_serve
from tests.helpers import admin_article_form, make_category

pytestmark = pytest.mark.django_db

UPLOAD = "/editor/image-upload/"
SCRIPT = b"<script>alert(document.cookie)</script>"


def image_bytes(fmt="PNG", size=(40, 30), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def exif_with_secret():
    exif = Image.Exif()
    exif[0x010E] = "secret-gps-of-the-photographer"  # ImageDescription
    return exif


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, data: bytes, name: str):
    return client.post(UPLOAD, {"upload": SimpleUploadedFile(name, data, content_type="image/png")})


def stored(media, url: str) -> bytes:
    return (media / url.removeprefix("/media/")).read_bytes()


class TestEditorUpload:
    def test_an_image_that_carries_html_uploaded_as_html_is_stored_as_the_image_it_is(self, client, journalist, media):
        # A valid GIF with a script after it, named x.html: once it was served as a page.
        polyglot = image_bytes("GIF") + SCRIPT
        client.force_login(journalist)
        response = upload(client, polyglot, "x.html")
        assert response.status_code == 200
        url = response.json()["url"]
        assert url.endswith(".gif") and ".html" not in url
        data = stored(media, url)
        assert b"<script" not in data
        assert Image.open(io.BytesIO(data)).format == "GIF"

    def test_the_format_pillow_finds_names_the_file_whatever_the_upload_says(self, client, journalist, media):
        client.force_login(journalist)
        response = upload(client, image_bytes("JPEG"), "photo.png")
        assert response.json()["url"].endswith(".jpg")

    def test_metadata_and_trailing_bytes_are_dropped(self, client, journalist, media):
        client.force_login(journalist)
        original = image_bytes("JPEG", exif=exif_with_secret()) + b"trailing-secret"
        assert b"secret-gps" in original
        data = stored(media, upload(client, original, "photo.jpg").json()["url"])
        assert b"secret" not in data
        assert Image.open(io.BytesIO(data)).size == (40, 30)

    def test_an_animated_gif_keeps_its_frames(self, client, journalist, media):
        frames = [Image.new("RGB", (20, 20), color) for color in ("red", "green", "blue")]
        buffer = io.BytesIO()
        frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, comment=b"x-secret")
        client.force_login(journalist)
        data = stored(media, upload(client, buffer.getvalue(), "anim.gif").json()["url"])
        assert Image.open(io.BytesIO(data)).n_frames == 3
        assert b"x-secret" not in data

    def test_an_image_over_the_pixel_bound_is_refused_in_arabic_before_it_is_decoded(
        self, client, journalist, media, settings
    ):
        settings.IMAGE_MAX_MEGAPIXELS = 40
        # 144 Mpx in a PNG of a few hundred KB: it would cost a worker gigabytes to decode.
        huge = image_bytes("PNG", size=(12000, 12000), mode="1")
        assert len(huge) < 1024 * 1024
        client.force_login(journalist)
        response = upload(client, huge, "huge.png")
        assert response.status_code == 400
        assert "مليون بكسل" in response.json()["error"]["message"]
        assert not list(media.rglob("*.png"))

    def test_a_decompression_bomb_is_a_400_not_a_500(self, client, journalist, media, settings):
        settings.IMAGE_MAX_MEGAPIXELS = 1000  # even past our own bound, Pillow's refusal is a clean 400
        bomb = image_bytes("PNG", size=(15000, 15000), mode="1")
        client.force_login(journalist)
        response = upload(client, bomb, "bomb.png")
        assert response.status_code == 400
        assert "بكسل" in response.json()["error"]["message"]

    def test_a_truncated_image_is_refused_in_arabic(self, client, journalist, media):
        client.force_login(journalist)
        truncated = image_bytes("JPEG", size=(400, 300))[:600]
        response = upload(client, truncated, "cut.jpg")
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "الملف المرفوع ليس صورة صالحة."

    def test_staff_without_an_article_permission_cannot_upload(self, client, staff_without_permission, media):
        client.force_login(staff_without_permission)
        response = upload(client, image_bytes(), "a.png")
        assert response.status_code == 403
        assert "صلاحية" in response.json()["error"]["message"]
        assert not list(media.rglob("*"))

    def test_editors_and_journalists_can_upload(self, client, journalist, editor, media):
        for person in (journalist, editor):
            client.force_login(person)
            assert upload(client, image_bytes(), "a.png").status_code == 200

    def test_a_get_is_refused(self, client, journalist):
        client.force_login(journalist)
        assert client.get(UPLOAD).status_code == 405


class TestCoverUpload:
    def test_a_cover_is_stored_re_encoded_and_named_by_its_format(self, client, editor, media):
        client.force_login(editor)
        data = admin_article_form(make_category())
        data["cover"] = SimpleUploadedFile(
            "cover.png", image_bytes("JPEG", exif=exif_with_secret()) + SCRIPT, content_type="image/png"
        )
        response = client.post(reverse("admin:articles_article_add"), data)
        assert response.status_code == 302
        cover = Article.objects.get().cover
        assert cover.name.startswith("covers/") and cover.name.endswith(".jpg")
        saved = (media / cover.name).read_bytes()
        assert b"<script" not in saved and b"secret" not in saved


class TestMediaServing:
    def serve(self, media, name: str, content: bytes):
        (media / name).write_bytes(content)
        return media_serve(RequestFactory().get(f"/media/{name}"), name)

    def test_an_image_is_shown_inline_and_never_sniffed(self, media):
        response = self.serve(media, "a.png", image_bytes())
        assert response["Content-Type"] == "image/png"
        assert not response.get("Content-Disposition", "").startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]

    def test_anything_else_is_a_download_that_runs_nothing(self, media):
        response = self.serve(media, "old.html", b"<script>alert(1)</script>")
        assert response["Content-Disposition"] == "attachment"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
