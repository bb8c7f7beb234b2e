"""Content-Security-Policy, Permissions-Policy and CORP on every response."""

import re

import pytest

from tests.helpers import make_article, make_category

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.fixture
def article():
    return make_article("مقال", category=make_category("أمن", slug="amn"), tags=["الأمن"])


def test_public_pages_allow_no_inline_script_or_style_and_no_framing(client, article):
    for url in ["/", article.get_absolute_url(), "/amn/", "/search/?q=الأمن", "/no-such-page/x/", "/author/%00/"]:
        response = client.get(url, follow=True)
        csp = directives(response)
        assert csp["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in csp["script-src"], url
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"], url
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_500_pages_inline_style_is_allowed_by_its_hash_alone(client, settings):
    csp = directives(client.get("/"))
    hashes = [value for value in csp["style-src"] if value.startswith("'sha256-")]
    assert len(hashes) == 1
    page = (settings.BASE_DIR / "templates" / "500.html").read_text()
    assert re.search(r"<style>.+</style>", page)


def test_the_admin_is_as_strict_as_ckeditor_allows(client, editor):
    client.force_login(editor)
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]  # no inline or eval'd script, even for the editor
    assert "'unsafe-inline'" in csp["style-src"]  # CKEditor 5 writes its own styles
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]


def test_uploads_from_another_origin_may_show(client, settings):
    settings.MEDIA_URL = "https://media.example.ma/"
    from articles.headers import build_policies

    public, _admin = build_policies()
    assert "img-src 'self' data: https://media.example.ma" in public
