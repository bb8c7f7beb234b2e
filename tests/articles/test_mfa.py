"""The newsroom's second factor, through the real sign-in pages (a stock test client)."""

import re
import time
from html import unescape

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import current_code, make_editor, make_journalist, totp_device

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "x-pass-123456"
VERIFY = reverse("admin:second_factor")
ENROL = reverse("admin:second_factor_enrol")


@pytest.fixture
def browser():
    """A person's browser: no shortcut past the sign-in pages."""
    return Client()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("rais", "rais@example.ma", PASSWORD)


def password_step(browser, user, password=PASSWORD):
    return browser.post(LOGIN, {"username": user.username, "password": password})


def text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def reaches_admin(browser) -> bool:
    return browser.get("/admin/").status_code == 200


def code_step(browser, code):
    return browser.post(VERIFY + "?next=/admin/", {"code": code, "next": "/admin/"})


def a_wrong_code(device) -> str:
    return f"{(int(current_code(device)) + 1) % 1000000:06d}"


class TestPasswordAlone:
    @pytest.mark.parametrize("role", ["editor", "superuser"])
    def test_the_right_password_without_a_code_does_not_reach_the_admin(self, browser, role, request):
        user = request.getfixturevalue(role)
        totp_device(user)
        response = password_step(browser, user)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
        assert not reaches_admin(browser)
        assert browser.get("/admin/articles/article/").status_code == 302
        page = browser.get(response["Location"])
        assert "اكتب الرمز المكوّن من ستة أرقام" in text(page)
        assert "كواليس اليوم — غرفة التحرير" in text(page)  # the admin's own layout
        assert 'dir="rtl"' in page.content.decode()

    def test_a_session_without_the_second_factor_is_refused_even_when_signed_in(self, editor):
        # Django's own force_login, with no device on the session (not the suite's client).
        stock = Client()
        Client.force_login(stock, editor)
        response = stock.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    def test_the_code_page_without_a_password_first_sends_back_to_the_login(self, browser):
        response = browser.get(VERIFY)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    def test_a_password_accepted_long_ago_no_longer_waits_for_its_code(self, browser, editor):
        device = totp_device(editor)
        password_step(browser, editor)
        with time_machine.travel(time.time() + 11 * 60):
            response = code_step(browser, current_code(device))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert not reaches_admin(browser)


class TestCode:
    def test_a_wrong_code_is_refused_in_arabic(self, browser, editor):
        device = totp_device(editor)
        password_step(browser, editor)
        response = code_step(browser, a_wrong_code(device))
        assert response.status_code == 200
        assert "الرمز غير صحيح" in text(response)
        assert not reaches_admin(browser)

    def test_the_code_page_is_the_login_box_alone_with_no_admin_navigation(self, browser, editor):
        totp_device(editor)
        password_step(browser, editor)
        page = browser.get(VERIFY).content.decode()
        assert 'id="second-factor-form"' in page and "login" in re.search(r'<body class="([^"]*)"', page).group(1)
        # Not yet signed in: no side navigation (and its "no permission" note), no user tools.
        assert 'id="nav-sidebar"' not in page and 'id="user-tools"' not in page

    @pytest.mark.parametrize("role", ["editor", "superuser"])
    def test_the_right_code_reaches_the_admin(self, browser, role, request):
        user = request.getfixturevalue(role)
        device = totp_device(user)
        password_step(browser, user)
        response = code_step(browser, current_code(device))
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert reaches_admin(browser)

    def test_a_recovery_code_works_once_only(self, browser, editor):
        from articles.mfa import recovery_codes_issue

        totp_device(editor)
        codes = recovery_codes_issue(user=editor)
        assert len(set(codes)) == 10
        password_step(browser, editor)
        assert code_step(browser, codes[3].upper())["Location"] == "/admin/"
        assert reaches_admin(browser)
        browser.post(reverse("admin:logout"))
        assert not reaches_admin(browser)

        password_step(browser, editor)
        response = code_step(browser, codes[3])
        assert "الرمز غير صحيح" in text(response)
        assert not reaches_admin(browser)

    def test_new_recovery_codes_replace_the_old_ones(self, browser, editor):
        from articles.mfa import recovery_codes_issue

        device = totp_device(editor)
        old = recovery_codes_issue(user=editor)
        password_step(browser, editor)
        code_step(browser, current_code(device))
        page = browser.post(reverse("admin:second_factor_recovery_codes"))
        new = re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())
        assert len(new) == 10 and not set(new) & set(old)
        browser.post(reverse("admin:logout"))
        password_step(browser, editor)
        assert "الرمز غير صحيح" in text(code_step(browser, old[0]))
        with time_machine.travel(time.time() + 5):  # django-otp's wait after a wrong code
            assert code_step(browser, new[0])["Location"] == "/admin/"

    def test_wrong_codes_lock_the_account_out_like_wrong_passwords(self, browser, editor, settings):
        settings.AXES_FAILURE_LIMIT = 3
        settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only axes counts here
        device = totp_device(editor)
        password_step(browser, editor)
        statuses = [code_step(browser, a_wrong_code(device)).status_code for _ in range(3)]
        assert statuses[-1] == 429
        assert code_step(browser, current_code(device)).status_code == 429
        assert not reaches_admin(browser)


class TestEnrolment:
    def test_an_editor_without_a_device_is_sent_to_enrolment_and_reaches_the_admin_after(self, browser, editor):
        response = password_step(browser, editor)
        assert response.status_code == 302 and response["Location"].startswith(ENROL)
        assert not reaches_admin(browser)
        page = browser.get(response["Location"])
        body = page.content.decode()
        assert "<svg" in body and "<script" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
        secret = re.search(r'id="second-factor-secret">([A-Z2-7 ]+)<', body).group(1)
        device = TOTPDevice.objects.get(user=editor, confirmed=False)
        assert secret.replace(" ", "") in device.config_url

        wrong = browser.post(ENROL, {"code": a_wrong_code(device), "next": "/admin/"})
        assert "الرمز غير صحيح" in text(wrong)
        assert not reaches_admin(browser)

        too_soon = browser.post(ENROL, {"code": current_code(device), "next": "/admin/"})
        assert "انتظر قليلا" in text(too_soon)  # django-otp's wait after a wrong code
        with time_machine.travel(time.time() + 5):
            done = browser.post(ENROL, {"code": current_code(device), "next": "/admin/"})
        assert done.status_code == 200
        codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
        assert len(codes) == 10
        assert "لن تظهر هذه الرموز مرة أخرى" in text(done)
        assert reaches_admin(browser)

        browser.post(reverse("admin:logout"))
        assert password_step(browser, editor)["Location"].startswith(VERIFY)  # from now on, a code

    def test_a_journalist_without_a_device_gets_in_with_the_password_and_is_offered_enrolment(self, browser):
        journalist = make_journalist("sahafia")
        response = password_step(browser, journalist)
        assert response["Location"] == "/admin/"
        index = browser.get("/admin/")
        assert index.status_code == 200
        assert "تفعيل التحقق بخطوتين" in text(index)

        page = browser.get(ENROL)
        assert "اختياري لحسابك" in text(page)
        device = TOTPDevice.objects.get(user=journalist, confirmed=False)
        done = browser.post(ENROL, {"code": current_code(device), "next": "/admin/"})
        assert len(re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())) == 10
        assert "مفعّل لحسابك" in text(browser.get("/admin/"))

        browser.post(reverse("admin:logout"))
        response = password_step(browser, journalist)
        assert response["Location"].startswith(VERIFY)
        assert not reaches_admin(browser)

    def test_a_pending_sign_in_with_a_device_cannot_set_up_another_one(self, browser, editor):
        totp_device(editor)
        password_step(browser, editor)
        response = browser.get(ENROL)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
        assert not TOTPDevice.objects.filter(user=editor, confirmed=False).exists()

    def test_enrolment_without_a_password_first_sends_back_to_the_login(self, browser):
        make_editor("muharrir2")
        response = browser.get(ENROL)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


class TestLockout:
    def test_the_lockout_page_is_an_arabic_admin_page_saying_how_long_and_whom_to_ask(self, browser, editor, settings):
        settings.AXES_FAILURE_LIMIT = 3
        for _ in range(3):
            response = password_step(browser, editor, password="wrong")
        assert response.status_code == 429
        page = text(response)
        assert "الدخول موقوف مؤقتا" in page
        assert "لمدة ساعة واحدة" in page
        assert "رئيس التحرير" in page and "مدير الموقع" in page
        assert "كواليس اليوم — غرفة التحرير" in page  # the admin's header
        assert 'lang="ar-ma" dir="rtl"' in response.content.decode()
        body = re.sub(r"(?s)<head>.*?</head>", "", response.content.decode())
        assert not re.search(r"[A-Za-z]{3,}", unescape(re.sub(r"<[^>]+>", " ", body)))  # no English

    def test_durations_read_as_arabic_counts(self):
        from datetime import timedelta

        from articles.admin_site import duration_text

        assert duration_text(timedelta(hours=1)) == "ساعة واحدة"
        assert duration_text(timedelta(hours=2)) == "ساعتان"
        assert duration_text(timedelta(hours=3)) == "3 ساعات"
        assert duration_text(timedelta(minutes=30)) == "30 دقيقة"


def test_after_a_second_factor_reset_the_editor_enrols_again(browser, editor):
    from django.core.management import call_command

    totp_device(editor)
    call_command("second_factor_reset", editor.username, stdout=open("/dev/null", "w"))
    response = password_step(browser, editor)
    assert response["Location"].startswith(ENROL)


def test_a_password_typed_over_another_session_ends_that_session(browser, editor):
    journalist = make_journalist("sahafi2")
    password_step(browser, journalist)
    assert reaches_admin(browser)
    totp_device(editor)
    password_step(browser, editor)  # on the same browser, the editor's password
    assert not reaches_admin(browser)  # neither the journalist's session nor the editor's yet
