import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.models import Dispatch, Subscriber
from tests.helpers import make_article, run_tasks
from tests.newsletter.helpers import committed, make_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "/admin/newsletter/subscriber/"
DISPATCHES = "/admin/newsletter/dispatch/"


@pytest.fixture
def editor_client(client, editor):
    editor.email = "souad@newsroom.ma"
    editor.save()
    client.force_login(editor)
    return client


def prepare(client):
    make_article("خبر للنشرة", published_at=timezone.now() - timedelta(hours=1))
    response = client.post(f"{DISPATCHES}add/", {"rhythm": "daily"})
    assert response.status_code == 302
    return Dispatch.objects.get()


class TestSubscribersAdmin:
    def test_editors_filter_and_search_subscribers_in_arabic(self, editor_client):
        make_subscriber("amina@example.ma")
        make_subscriber("youssef@example.ma", status=Subscriber.Status.PENDING)
        page = editor_client.get(SUBSCRIBERS).content.decode()
        assert "المشتركون" in page and "بانتظار التأكيد" in page
        pending = editor_client.get(SUBSCRIBERS, {"status__exact": "pending"}).content.decode()
        assert "youssef@example.ma" in pending and "amina@example.ma" not in pending
        found = editor_client.get(SUBSCRIBERS, {"q": "amina"}).content.decode()
        assert "amina@example.ma" in found and "youssef@example.ma" not in found

    def test_csv_export_of_the_selection(self, editor_client):
        chosen = make_subscriber("amina@example.ma")
        make_subscriber("other@example.ma")
        response = editor_client.post(SUBSCRIBERS, {"action": "export_csv", "_selected_action": [chosen.pk]})
        assert response["Content-Type"].startswith("text/csv")
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeffالبريد الإلكتروني,الحالة,الإيقاع")
        assert "amina@example.ma,مؤكَّد," in content
        assert "other@example.ma" not in content

    def test_csv_export_cells_never_run_as_spreadsheet_formulas(self, editor_client):
        hostile = make_subscriber("=1+2@evil.ma", source_page="@SUM(A1:A9)")
        plain = make_subscriber("amina@example.ma", source_page="/article/5/")
        response = editor_client.post(SUBSCRIBERS, {"action": "export_csv", "_selected_action": [hostile.pk, plain.pk]})
        rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
        assert "'=1+2@evil.ma" in rows and rows["'=1+2@evil.ma"][-1] == "'@SUM(A1:A9)"
        assert rows["amina@example.ma"][-1] == "/article/5/"  # ordinary values are left as they are
        for row in rows.values():
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    def test_journalists_and_bare_staff_cannot_see_the_list(self, client, journalist, staff_without_permission):
        make_subscriber()
        for user in (journalist, staff_without_permission):
            client.force_login(user)
            assert client.get(SUBSCRIBERS).status_code == 403
            assert client.get(DISPATCHES).status_code == 403


class TestDispatchAdmin:
    def test_prepare_preview_test_send_and_follow_progress(self, editor_client):
        readers = [make_subscriber(f"r{n}@example.ma") for n in range(3)]
        dispatch = prepare(editor_client)
        assert dispatch.status == Dispatch.Status.DRAFT

        change = editor_client.get(f"{DISPATCHES}{dispatch.pk}/change/").content.decode()
        assert "أرسل نسخة تجريبية إلى بريدي" in change and "أرسل النشرة إلى المشتركين" in change
        preview = editor_client.get(f"{DISPATCHES}{dispatch.pk}/preview/").content.decode()
        assert "خبر للنشرة" in preview and 'dir="rtl"' in preview

        editor_client.post(f"{DISPATCHES}{dispatch.pk}/send-test/")
        [test] = mail.outbox
        assert test.to == ["souad@newsroom.ma"] and test.subject.startswith("[تجربة]")
        assert dispatch.deliveries.count() == 0  # a test is not a delivery

        # "Send" first asks, saying how many confirmed readers of this rhythm it reaches.
        make_subscriber("weekly@example.ma", rhythm="weekly")
        make_subscriber("pending@example.ma", status=Subscriber.Status.PENDING)
        confirmation = editor_client.get(f"{DISPATCHES}{dispatch.pk}/send/").content.decode()
        assert "3 مشتركين" in confirmation and "نعم، أرسلها الآن" in confirmation
        assert dispatch.deliveries.count() == 0 and not mail.outbox[1:]  # asking sends nothing

        with committed():
            editor_client.post(f"{DISPATCHES}{dispatch.pk}/send/")
        listing = editor_client.get(DISPATCHES).content.decode()
        assert "0 أُرسلت · 0 فشلت · 3 في الانتظار" in listing
        run_tasks()
        listing = editor_client.get(DISPATCHES).content.decode()
        assert "3 أُرسلت · 0 فشلت · 0 في الانتظار" in listing
        change = editor_client.get(f"{DISPATCHES}{dispatch.pk}/change/").content.decode()
        assert "3 أُرسلت · 0 فشلت · 0 في الانتظار" in change  # progress stays on the dispatch page
        assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted(r.email for r in readers)

        # Pressing send again never sends the dispatch a second time.
        with committed():
            response = editor_client.post(f"{DISPATCHES}{dispatch.pk}/send/", follow=True)
        run_tasks()
        assert "لن تُرسل مرة ثانية" in response.content.decode()
        assert len(mail.outbox) == 4

    def test_nothing_new_means_no_dispatch(self, editor_client):
        response = editor_client.post(f"{DISPATCHES}add/", {"rhythm": "weekly"}, follow=True)
        assert "لا جديد" in response.content.decode()
        assert not Dispatch.objects.exists()

    def test_a_journalist_cannot_send(self, client, editor, journalist):
        client.force_login(editor)
        dispatch = prepare(client)
        client.force_login(journalist)
        assert client.post(f"{DISPATCHES}{dispatch.pk}/send/").status_code == 403
        assert client.post(f"{DISPATCHES}{dispatch.pk}/send-test/").status_code == 403
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.DRAFT
