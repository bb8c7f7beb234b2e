from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers import make_article


@pytest.fixture
def article(db):
    """A published article with comments open: an hour old, well inside the closing delay."""
    return make_article(
        "السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا",
        published_at=timezone.now() - timedelta(hours=1),
    )
