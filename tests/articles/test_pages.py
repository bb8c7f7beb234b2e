"""About, contact, the editorial charter and privacy: standing pages editors keep in the admin."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Page

pytestmark = pytest.mark.django_db
FOOTER = {"about": "من نحن", "contact": "اتصل بنا", "charter": "ميثاق التحرير", "privacy": "حماية المعطيات الشخصية"}


@pytest.fixture
def demo_pages(db):
    call_command("load_demo", stdout=io.StringIO())


def test_every_footer_page_answers_and_is_linked_from_the_footer(client, demo_pages):
    home = client.get("/").content.decode()
    footer = home[home.index('<footer class="site-footer">') :]
    for slug, name in FOOTER.items():
        url = reverse("articles:page", kwargs={"slug": slug})
        assert f'<a href="{url}">{name}</a>' in footer
        response = client.get(url)
        assert response.status_code == 200
        assert "<h1" in response.content.decode()


def test_privacy_names_the_controller_and_the_cndp_declaration(client, demo_pages):
    page = client.get("/page/privacy/").content.decode()
    assert "المسؤول عن المعالجة" in page and "شركة كواليس اليوم للنشر" in page
    assert "رقم التصريح لدى اللجنة الوطنية" in page and "CNDP" in page and "09-08" in page
    assert 'href="/newsletter/privacy/"' in page  # the mailing list's own notice


def test_an_unknown_page_is_an_arabic_404(client):
    response = client.get("/page/no-such-page/")
    assert response.status_code == 404
    assert 'lang="ar-MA"' in response.content.decode()


def test_an_editor_rewrites_a_page_and_readers_see_it_at_once(
    client, editor, demo_pages, page_cache, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="contact")
    assert "redaction@kawalis.ma" in client.get(page.get_absolute_url()).content.decode()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_page_change", args=[page.pk]),
            {
                "title": "اتصل بنا",
                "slug": "contact",
                "body": "<p>هاتف التحرير: 0537000000</p><script>alert(1)</script>",
            },
        )
    assert response.status_code == 302
    client.logout()
    shown = client.get(page.get_absolute_url()).content.decode()
    assert "هاتف التحرير: 0537000000" in shown and "redaction@kawalis.ma" not in shown
    assert "<script>alert(1)" not in shown
