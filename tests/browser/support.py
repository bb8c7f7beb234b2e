"""Steps and facts shared by the browser journeys."""

import re

PASSWORD = "x-pass-123456"  # what tests.helpers.make_user gives every account

MOROCCAN_MONTHS = "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر".split()
# Month names of Django's stock `ar` (Egyptian/Levantine) and `ar_DZ` that a Moroccan
# reader must not meet; the ones shared with Moroccan usage are left out.
FOREIGN_MONTHS = "مايو يوليو أغسطس سبتمبر نوفمبر ديسمبر جانفي فيفري أفريل جوان جويليه أوت".split()


def month_names_in(text: str) -> tuple[set[str], set[str]]:
    """The Moroccan and the foreign month names written in a text, as whole words."""
    words = set(re.findall(r"[\u0600-\u06FF]+", text))
    return words & set(MOROCCAN_MONTHS), words & set(FOREIGN_MONTHS)


def login(page, username, password=PASSWORD):
    """Sign in through the admin's real pages (django-axes watches them), as a person would.

    After the password, the second factor: an account with an authenticator gets the
    code it shows now (computed from the device's key, as the phone does); an editor or
    superuser without one goes through enrolment (the key read from the page) first.
    """
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    follow(page, page.locator("input[type=submit]"))
    if "/admin/second-factor/enrol/" in page.url:
        enrol(page)
        follow(page, page.get_by_role("link", name="حفظتها، متابعة إلى لوحة الإدارة"))
    elif "/admin/second-factor/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.helpers import current_code

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", current_code(device))
        follow(page, page.locator("#second-factor-form input[type=submit]"))
    assert re.search(r"/admin/$", page.url), f"{username} could not sign in: {page.url}"


def enrol(page) -> list[str]:
    """On the enrolment page: add the key to an "authenticator app", type its code; the recovery codes."""
    secret = page.locator("#second-factor-secret").inner_text()
    page.fill("#id_code", code_for_secret(secret))
    follow(page, page.locator("#second-factor-form input[type=submit]"))
    return page.locator("#recovery-codes li").all_inner_texts()


def code_for_secret(secret: str) -> str:
    """What an authenticator app shows for a key typed in by hand (base32, 30-second steps)."""
    import base64

    from django_otp.oath import totp

    key = "".join(secret.split()).upper()
    key += "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(key)):06d}"


def follow(page, target):
    """Click something that loads a new page, and wait until that new page has loaded.

    (Waiting for a URL or a load state after the click can return at once, on the old
    page, when the new address matches too or the old page is already loaded.)
    """
    with page.expect_navigation():
        target.click()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def wait_like_a_person(page):
    """Let the comment form stay open as long as a person's would (the bot trap's minimum)."""
    from django.conf import settings

    page.wait_for_timeout(settings.COMMENTS_MIN_FILL_SECONDS * 1000 + 200)
