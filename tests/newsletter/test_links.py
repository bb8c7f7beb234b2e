from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsletter.models import Delivery, Dispatch, Subscriber
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.newsletter.helpers import committed, links_in, make_subscriber, path_of

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def confirm_path(subscriber):
    return f"/newsletter/confirm/{confirm_token(subscriber)}/"


def unsubscribe_path(subscriber):
    return f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/"


def provider_client():
    """A mail provider's robot: no cookie, no session, and CSRF checks really on."""
    return Client(enforce_csrf_checks=True)


class TestConfirmLink:
    def test_the_link_shows_a_button_and_confirms_only_when_pressed(self, client):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        page = client.get(confirm_path(subscriber))
        assert page.status_code == 200
        assert "أؤكد اشتراكي" in page.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.PENDING  # link scanners do not confirm
        done = client.post(confirm_path(subscriber))
        assert "تم تأكيد اشتراكك" in done.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED
        assert subscriber.confirmed_at is not None

    def test_an_expired_link_explains_itself_in_arabic(self, client):
        start = datetime(2024, 12, 5, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as clock:
            subscriber = make_subscriber(status=Subscriber.Status.PENDING)
            path = confirm_path(subscriber)
            clock.shift(timedelta(days=3, minutes=1))
            for response in [client.get(path), client.post(path)]:
                assert response.status_code == 410
                assert "انتهت صلاحية رابط التأكيد" in response.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.PENDING

    def test_a_link_still_valid_on_its_third_day_works(self, client):
        start = datetime(2024, 12, 5, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as clock:
            subscriber = make_subscriber(status=Subscriber.Status.PENDING)
            path = confirm_path(subscriber)
            clock.shift(timedelta(days=2, hours=23))
            assert client.post(path).status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
            lambda token: "x" + token,
            lambda token: "garbage",
            lambda token: token.split(":")[0],
        ],
        ids=["signature", "payload", "garbage", "unsigned"],
    )
    def test_a_tampered_link_gets_a_clear_arabic_page_not_an_error(self, client, mangle):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        path = f"/newsletter/confirm/{mangle(confirm_token(subscriber))}/"
        for response in [client.get(path), client.post(path)]:
            assert response.status_code == 400
            assert "هذا الرابط غير صالح" in response.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.PENDING

    def test_an_unsubscribe_token_cannot_confirm(self, client):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        response = client.post(f"/newsletter/confirm/{unsubscribe_token(subscriber)}/")
        assert response.status_code == 400

    def test_a_link_for_an_erased_subscriber_says_so(self, client):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        path = confirm_path(subscriber)
        subscriber.delete()
        response = client.get(path)
        assert response.status_code == 404
        assert "لا يوجد اشتراك بهذا الرابط" in response.content.decode()

    def test_an_old_confirmation_link_does_not_bring_back_someone_who_left(self, client):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        path = confirm_path(subscriber)
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.save()
        assert client.post(path).status_code == 410
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


class TestUnsubscribeLink:
    def test_get_shows_one_confirm_button_and_changes_nothing(self, client):
        subscriber = make_subscriber()
        response = client.get(unsubscribe_path(subscriber))
        page = response.content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        assert response.status_code == 200
        assert main.count('type="submit"') == 1
        assert "نعم، ألغِ اشتراكي" in page
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED

    def test_the_one_click_post_of_a_mail_provider_unsubscribes_at_once(self):
        subscriber = make_subscriber()
        robot = provider_client()
        assert not robot.cookies  # no session, no CSRF cookie: nothing but the link
        response = robot.post(
            unsubscribe_path(subscriber), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert response.request["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
        assert subscriber.unsubscribed_at is not None

    def test_the_page_button_unsubscribes_without_a_csrf_token_or_login(self):
        subscriber = make_subscriber()
        browser = provider_client()
        browser.get(unsubscribe_path(subscriber))
        browser.post(unsubscribe_path(subscriber), {"List-Unsubscribe": "One-Click"})
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    def test_other_views_still_demand_csrf(self):
        subscriber = make_subscriber(status=Subscriber.Status.UNSUBSCRIBED)
        robot = provider_client()
        assert robot.post(f"{unsubscribe_path(subscriber)}undo/").status_code == 403
        assert robot.post("/newsletter/subscribe/", {"email": "a@example.ma", "consent": "on"}).status_code == 403

    def test_leaving_can_be_undone_from_the_page(self, client):
        subscriber = make_subscriber()
        page = client.post(unsubscribe_path(subscriber)).content.decode()
        assert "تم إلغاء اشتراكك" in page and "أعد اشتراكي" in page
        undone = client.post(f"{unsubscribe_path(subscriber)}undo/")
        assert undone.status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED
        assert subscriber.unsubscribed_at is None

    def test_undo_for_someone_who_never_confirmed_goes_back_to_pending(self, client):
        subscriber = make_subscriber(status=Subscriber.Status.PENDING)
        client.post(unsubscribe_path(subscriber))
        client.post(f"{unsubscribe_path(subscriber)}undo/")
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.PENDING

    def test_a_tampered_unsubscribe_link_is_a_clear_400(self, client):
        subscriber = make_subscriber()
        response = client.post(unsubscribe_path(subscriber)[:-3] + "/")
        assert response.status_code == 400
        assert "هذا الرابط غير صالح" in response.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED

    def test_the_unsubscribe_link_never_expires(self, client):
        with time_machine.travel(datetime(2024, 1, 1, tzinfo=UTC), tick=False) as clock:
            subscriber = make_subscriber()
            path = unsubscribe_path(subscriber)
            clock.shift(timedelta(days=800))
            client.post(path)
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


class TestErasure:
    def test_erasure_removes_the_record_and_the_delivery_log_keeps_no_address(self, client):
        subscriber = make_subscriber("erase.me@example.ma")
        now = datetime(2024, 12, 5, tzinfo=UTC)
        dispatch = Dispatch.objects.create(
            subject="نشرة", period_start=now - timedelta(days=1), period_end=now, status=Dispatch.Status.DONE
        )
        Delivery.objects.create(
            dispatch=dispatch,
            subscriber=subscriber,
            status=Delivery.Status.FAILED,
            last_error="550 erase.me@example.ma",
        )
        path = unsubscribe_path(subscriber)
        client.post(path)
        response = client.post(f"{path}erase/")
        assert response.status_code == 200
        assert "حُذفت بياناتك" in response.content.decode()
        assert not Subscriber.objects.exists()
        delivery = Delivery.objects.get()
        assert delivery.subscriber is None
        row = " ".join(str(value) for value in Delivery.objects.values().get().values())
        assert "erase.me" not in row
        from django_tasks_db.models import DBTaskResult

        assert not any("erase.me" in str(task.args_kwargs) for task in DBTaskResult.objects.all())
        # The old link now says there is nothing left, without an error.
        assert client.get(path).status_code == 404


class TestWholeJourney:
    def test_join_confirm_receive_leave(self, client):
        from newsletter import services
        from tests.helpers import make_article, run_tasks

        with committed():
            client.post(
                "/newsletter/subscribe/",
                {"email": "reader@example.ma", "consent": "on", "rhythm": "daily", "source": "/"},
            )
        run_tasks()
        [confirmation] = mail.outbox
        [confirm_url] = links_in(confirmation, "confirm")
        client.post(path_of(confirm_url))
        assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

        article = make_article("الدورة 93 للجمعية العامة للأنتربول بمراكش", published_at=timezone.now())
        with committed():
            dispatch = services.dispatch_prepare(rhythm="daily")
            services.dispatch_send(dispatch=dispatch)
        run_tasks()
        digest = mail.outbox[-1]
        assert digest.to == ["reader@example.ma"]
        assert article.title in digest.body
        [leave_url] = links_in(digest, "unsubscribe")
        assert digest.extra_headers["List-Unsubscribe"] == f"<{leave_url}>"

        provider_client().post(path_of(leave_url), ONE_CLICK, content_type="application/x-www-form-urlencoded")
        assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

        make_article("مقال جديد بعد الإلغاء", published_at=timezone.now())
        with committed():
            later = services.dispatch_prepare(rhythm="daily")
            services.dispatch_send(dispatch=later)
        run_tasks()
        assert mail.outbox[-1] is digest  # nothing more for someone who left


class TestQueries:
    def test_the_list_pages_cost_the_same_whatever_the_size_of_the_list(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def costs():
            reader = Subscriber.objects.order_by("pk").first()
            counts = []
            for url in [
                "/newsletter/subscribe/",
                "/newsletter/privacy/",
                confirm_path(reader),
                unsubscribe_path(reader),
            ]:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                counts.append(len(queries))
            return counts

        for n in range(2):
            make_subscriber(f"small{n}@example.ma")
        small = costs()
        for n in range(40):
            make_subscriber(f"large{n}@example.ma")
        # Each page: the site's categories for the navigation, plus the subscriber by key
        # on the confirm and unsubscribe pages; nothing grows with the list.
        assert costs() == small == [1, 1, 2, 2]
