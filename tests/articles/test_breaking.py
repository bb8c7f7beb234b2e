"""«عاجل» ends: at the time the editor set, or six hours after publication when none was set."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.helpers import make_article

pytestmark = pytest.mark.django_db


def ribbon(client=None):
    page = (client or Client()).get("/").content.decode()
    if 'class="breaking"' not in page:
        return ""
    return page.split('class="breaking"', 1)[1].split("</ul>", 1)[0]


def test_a_breaking_story_leaves_the_ribbon_six_hours_after_publication():
    story = make_article("زلزال بقوة 5 درجات يضرب الحسيمة", is_breaking=True, published_at=timezone.now())
    assert story.title in ribbon()
    with time_machine.travel(timezone.now() + timedelta(hours=5, minutes=50)):
        assert story.title in ribbon()
    with time_machine.travel(timezone.now() + timedelta(hours=6, minutes=10)):
        assert ribbon() == ""
    # Still a published article, on the home page's list, only no longer breaking.
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_the_editor_sets_when_breaking_ends():
    now = timezone.now()
    longer = make_article(
        "حريق في غابة بإقليم شفشاون", is_breaking=True, published_at=now, breaking_until=now + timedelta(days=1)
    )
    shorter = make_article(
        "انقطاع الطريق السيار بين الرباط والدار البيضاء",
        is_breaking=True,
        published_at=now,
        breaking_until=now + timedelta(minutes=30),
    )
    assert longer.title in ribbon() and shorter.title in ribbon()
    with time_machine.travel(now + timedelta(hours=2)):
        current = ribbon()
        assert longer.title in current and shorter.title not in current


def test_the_2024_demo_story_is_no_longer_breaking():
    call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.filter(is_breaking=True).exists()  # the demo ticks it…
    assert ribbon() == ""  # …but its hours passed long ago


def test_a_cached_home_is_not_kept_past_the_end_of_a_breaking_story(page_cache):
    now = timezone.now()
    make_article(
        "عاصفة رعدية على الدار البيضاء",
        is_breaking=True,
        published_at=now - timedelta(hours=1),
        breaking_until=now + timedelta(seconds=40),
    )
    home = Client().get("/")
    assert 0 < int(home["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 40
    with time_machine.travel(now + timedelta(seconds=41)):
        assert ribbon() == ""


def test_the_editor_finds_the_end_time_in_the_article_form(client, editor):
    client.force_login(editor)
    page = client.get("/admin/articles/article/add/").content.decode()
    assert 'name="breaking_until_0"' in page and "عاجل حتى" in page
