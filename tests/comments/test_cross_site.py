"""The reader forms carry no CSRF cookie: a post from another site is refused by where it came from."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from newsletter.models import Subscriber
from tests.comments.factories import form_data, make_comment

pytestmark = pytest.mark.django_db

REFUSED = "لا يقبل الموقع هذا النموذج إلا مرسلا من صفحاته"


def browser(**headers):
    # A browser without any cookie of this site, with CSRF checks on as in production.
    return Client(enforce_csrf_checks=True, headers=headers)


def comment(client, article):
    return client.post(reverse("comments:post", args=[article.pk]), form_data())


def signup(client):
    return client.post(
        reverse("newsletter:subscribe"), {"email": "amal@example.ma", "consent": "on", "rhythm": "daily"}
    )


class TestCrossSitePostsAreRefused:
    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Referer": "https://evil.example/page"},
            {},  # nothing says where it came from
        ],
        ids=["origin", "null-origin", "fetch-cross-site", "fetch-same-site", "referer", "no-header"],
    )
    def test_a_comment_from_another_site_is_refused_in_arabic(self, article, headers):
        response = comment(browser(**headers), article)
        assert response.status_code == 403
        assert REFUSED in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_signup_from_another_site_is_refused(self):
        response = signup(browser(Origin="https://evil.example"))
        assert response.status_code == 403 and REFUSED in response.content.decode()
        assert not Subscriber.objects.exists()

    def test_a_report_from_another_site_is_refused(self, article):
        target = make_comment(article)
        response = browser(Origin="https://evil.example").post(reverse("comments:report", args=[target.pk]))
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.report_count == 0


class TestSameSitePostsNeedNoCookie:
    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "http://testserver"},
            {"Sec-Fetch-Site": "same-origin"},
            {"Referer": "http://testserver/article/1/"},  # an old browser: no Origin, no Sec-Fetch-Site
        ],
        ids=["origin", "fetch-metadata", "referer-only"],
    )
    def test_a_comment_from_the_article_page_is_taken_without_any_cookie(self, article, headers):
        response = comment(browser(**headers), article)
        assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_a_signup_from_the_footer_box_is_taken_without_any_cookie(self):
        response = signup(browser(Origin="http://testserver"))
        assert response.status_code == 302
        assert Subscriber.objects.filter(email="amal@example.ma").exists()

    def test_a_trusted_origin_may_post(self, article, settings):
        settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.ma"]
        assert comment(browser(Origin="https://www.example.ma"), article).status_code == 302

    def test_the_admin_keeps_djangos_csrf_check(self):
        response = browser(Origin="http://testserver").post("/admin/login/", {"username": "x", "password": "y"})
        assert response.status_code == 403
