import pytest

from tests.helpers import make_article


@pytest.fixture
def article(db):
    """A published article with comments open."""
    return make_article("السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا")
