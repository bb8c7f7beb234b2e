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
    """Sign in through the admin's real login form (django-axes watches it)."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    follow(page, page.locator("input[type=submit]"))
    assert re.search(r"/admin/$", page.url), f"{username} could not sign in: {page.url}"


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
