"""An editor's first sign-in: password, then setting up the authenticator app, then the admin."""

import re

from tests.browser.support import PASSWORD, enrol, follow, login, no_horizontal_overflow


def test_an_editor_enrols_an_authenticator_sees_recovery_codes_and_reaches_the_admin(editor, new_page, axe):
    page = new_page()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    follow(page, page.locator("input[type=submit]"))

    # Not in the admin yet: the enrolment page, in the admin's right-to-left layout.
    assert "/admin/second-factor/enrol/" in page.url
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.get_by_role("heading", name="تفعيل التحقق بخطوتين").is_visible()
    qr = page.locator(".qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150  # big enough to scan
    assert no_horizontal_overflow(page)
    report = axe(page)
    assert not report["violations"], report["violations"]

    codes = enrol(page)  # the key read off the page, as typed into a phone
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    assert page.get_by_text("لن تظهر هذه الرموز مرة أخرى", exact=False).is_visible()

    follow(page, page.get_by_role("link", name="حفظتها، متابعة إلى لوحة الإدارة"))
    assert re.search(r"/admin/$", page.url)
    assert page.locator("#second-factor-notice").inner_text().count("مفعّل لحسابك") == 1
    assert page.get_by_role("link", name="المقالات").first.is_visible()


def test_an_editor_with_an_authenticator_signs_in_with_its_code(editor, new_page):
    from tests.helpers import totp_device

    totp_device(editor)
    page = new_page()
    login(page, "editor")  # types the code the device shows now
    assert page.locator("#second-factor-notice").is_visible()
