import pytest
from django.core.cache import cache, caches
from django.test import Client

from articles.kept import forget_kept
from tests.helpers import make_editor, make_journalist, make_user, sign_in_verified


class NewsroomClient(Client):
    """The test client, whose force_login() stands for the whole two-step newsroom sign-in.

    Plain Django force_login() leaves a session without the second factor, which the
    admin refuses for editors and superusers (as it should). Tests that sign someone in
    mean "signed in as the newsroom signs in", so force_login() also records a confirmed
    authenticator device on the session (tests.helpers.sign_in_verified). The password,
    code and enrolment steps themselves are tested through the real pages in
    tests/articles/test_mfa.py, with a stock Client.
    """

    def __init__(self, *args, **kwargs):
        # Every browser names the page's origin when it posts a form; the reader forms
        # refuse posts that do not come from this site (articles.sameorigin).
        kwargs.setdefault("headers", {"Origin": "http://testserver"})
        super().__init__(*args, **kwargs)

    def force_login(self, user, backend=None):
        sign_in_verified(self, user)


@pytest.fixture
def client():
    return NewsroomClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits, view counters and cached fragments must not leak between tests.
    cache.clear()
    caches["pages"].clear()
    forget_kept()
    yield
    cache.clear()
    caches["pages"].clear()
    forget_kept()


@pytest.fixture(autouse=True)
def _no_page_cache(request, settings):
    # Most tests change data through the ORM between two requests, which no reader's
    # change does: the page cache is off for them, on for tests that ask for `page_cache`
    # (they change data through the services, which invalidate it). Headers are the same.
    # The same holds for the parts pages keep between requests (articles.kept).
    if "page_cache" not in request.fixturenames:
        settings.PAGE_CACHE_SECONDS = 0
        settings.KEPT_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """The application page cache on, and pages keeping their parts, as in production."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.KEPT_SECONDS = 300


@pytest.fixture
def journalist(db):
    """A newsroom writer: the صحفي group, staff."""
    return make_journalist("journalist", first_name="يوسف", last_name="العلمي")


@pytest.fixture
def editor(db):
    """A newsroom editor: the محرر group, staff."""
    return make_editor("editor", first_name="سعاد", last_name="بنعلي")


@pytest.fixture
def staff_without_permission(db):
    """Staff account in no newsroom group: may log in, may touch nothing."""
    return make_user("bare-staff", is_staff=True)
