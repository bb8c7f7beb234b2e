import pytest

from tests.newsletter.helpers import Plan


@pytest.fixture
def planned_mail(settings):
    """Mail through the scripted local-memory backend (tests.newsletter.helpers.Plan)."""
    settings.EMAIL_BACKEND = "tests.newsletter.helpers.PlannedBackend"
    Plan.reset()
    yield Plan
    Plan.reset()
