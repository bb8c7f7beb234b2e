"""The client's address behind a front server: rate limits, reports and the login lockout."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from articles.clients import client_address
from comments.models import Comment
from tests.comments.factories import form_data, make_comment
from tests.helpers import make_article

PROXY = "10.1.2.3"


def request(remote="", **headers):
    meta = {f"HTTP_{name.upper()}": value for name, value in headers.items()}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


class TestClientAddress:
    def test_without_a_front_server_it_is_the_connection_address(self, settings):
        assert client_address(request("196.200.1.7", x_forwarded_for="6.6.6.6")) == "196.200.1.7"

    def test_an_empty_connection_address_never_raises(self, settings):
        assert client_address(request("")) == "0.0.0.0"
        assert client_address(request("not-an-address", x_real_ip="also bad")) == "0.0.0.0"

    def test_a_configured_header_from_the_front_server_names_the_client(self, settings):
        settings.CLIENT_IP_HEADER = "X-Real-IP"
        assert client_address(request("", x_real_ip="196.200.1.7")) == "196.200.1.7"
        # A malformed header counts as absent.
        assert client_address(request("127.0.0.1", x_real_ip="<script>")) == "127.0.0.1"

    def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
        forged_then_real = "6.6.6.6, 196.200.1.7, 10.9.9.9"
        assert client_address(request(PROXY, x_forwarded_for=forged_then_real)) == "196.200.1.7"
        # On a unix socket the connection has no address: the proxy's header is still read.
        assert client_address(request("", x_forwarded_for=forged_then_real)) == "196.200.1.7"

    def test_forwarded_for_from_an_untrusted_connection_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
        assert client_address(request("196.200.1.7", x_forwarded_for="1.2.3.4")) == "196.200.1.7"

    def test_ipv6_clients_are_keyed_by_their_64_network(self, settings):
        one = client_address(request("2001:db8:aa:bb:1:2:3:4"))
        other = client_address(request("2001:db8:aa:bb:ffff::9"))
        elsewhere = client_address(request("2001:db8:aa:cc::1"))
        assert one == other == "2001:db8:aa:bb::"
        assert elsewhere != one
        assert client_address(request("::ffff:196.200.1.7")) == "196.200.1.7"


@pytest.mark.django_db
class TestBehindAFrontServerOnAUnixSocket:
    """REMOTE_ADDR is empty, as it is behind nginx on a unix socket; the front server sets X-Real-IP."""

    @pytest.fixture(autouse=True)
    def front_server(self, settings):
        settings.CLIENT_IP_HEADER = "X-Real-IP"

    def test_signup_answers_for_everyone_and_counts_each_reader_apart(self, client, settings):
        settings.NEWSLETTER_SUBSCRIBE_RATE = "2/10m"

        def join(address, n):
            data = {"email": f"r{n}@example.ma", "consent": "on", "rhythm": "daily", "source": "/"}
            return client.post("/newsletter/subscribe/", data, REMOTE_ADDR="", HTTP_X_REAL_IP=address)

        assert [join("196.200.1.1", n).status_code for n in range(3)] == [302, 302, 429]
        assert join("196.200.1.2", 9).status_code == 302  # another reader is not held back

    def test_signup_without_any_configuration_still_answers(self, client, settings):
        settings.CLIENT_IP_HEADER = ""
        data = {"email": "a@example.ma", "consent": "on", "rhythm": "daily", "source": "/"}
        assert client.post("/newsletter/subscribe/", data, REMOTE_ADDR="").status_code == 302

    def test_comment_writers_do_not_share_one_rate_limit(self, client, settings):
        settings.COMMENTS_RATE_PER_ADDRESS = "2/10m"
        article = make_article("مقال للتعليق")

        def comment(address, n):
            data = form_data(email=f"reader{n}@example.ma", body=f"تعليق رقم {n} على المقال.")
            return client.post(
                reverse("comments:post", args=[article.pk]), data, REMOTE_ADDR="", HTTP_X_REAL_IP=address
            )

        assert [comment(f"196.200.2.{n}", n).status_code for n in range(5)] == [302] * 5
        assert comment("196.200.3.1", 10).status_code == 302
        assert comment("196.200.3.1", 11).status_code == 302
        assert comment("196.200.3.1", 12).status_code == 429

    def test_three_readers_reporting_are_three_readers(self, client, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 3
        article = make_article("مقال فيه تعليق")
        comment = make_comment(article)
        for n in range(3):
            client.post(reverse("comments:report", args=[comment.pk]), REMOTE_ADDR="", HTTP_X_REAL_IP=f"196.200.4.{n}")
        comment.refresh_from_db()
        assert comment.report_count == 3
        assert comment.status == Comment.Status.PENDING

    def test_nobody_can_lock_an_editor_out_by_typing_their_name(self, client, editor, settings):
        settings.AXES_FAILURE_LIMIT = 5
        login = "/admin/login/?next=/admin/"
        for _ in range(6):
            client.post(
                login, {"username": editor.username, "password": "wrong"}, REMOTE_ADDR="", HTTP_X_REAL_IP="6.6.6.6"
            )
        locked = client.post(
            login, {"username": editor.username, "password": "x-pass-123456"}, REMOTE_ADDR="", HTTP_X_REAL_IP="6.6.6.6"
        )
        assert locked.status_code in (403, 429)  # the attacker's own address is locked out
        response = client.post(
            login,
            {"username": editor.username, "password": "x-pass-123456"},
            REMOTE_ADDR="",
            HTTP_X_REAL_IP="196.200.5.5",
        )
        # The password is accepted: the next step is the editor's second factor.
        assert response.status_code == 302 and response["Location"].startswith("/admin/second-factor/")
