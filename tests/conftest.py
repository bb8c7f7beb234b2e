import pytest
from django.core.cache import cache

from tests.helpers import make_editor, make_journalist, make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits, view counters and cached fragments must not leak between tests.
    cache.clear()
    yield
    cache.clear()


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
