"""What the home shows, block by block, with no story twice on the page.

The blocks are chosen in order of importance, each from what the blocks before it left:
the lead and the secondary stories (the editors' featured articles in their
`featured_order`, filled up with the newest), «الأكثر قراءة», «آخر الأخبار», then one
block per category (a category with nothing left to show has no block). The breaking
ribbon above the page is an alert bar, not a block: it may name a story shown below.
Seven queries whatever the size of the archive.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import ngettext

from articles.models import Article, Category
from articles.readership import MOST_READ_COUNT, most_read_articles

TOP_COUNT = 5  # the lead and at most four secondary stories
TOP_MIN = 3  # the lead and at least two secondary stories, filled up with the newest
LATEST_COUNT = 8
# The newest stories the lead fallback and «آخر الأخبار» are drawn from: enough for both
# even when most of them are already shown above.
NEWEST_WINDOW = TOP_COUNT + MOST_READ_COUNT + LATEST_COUNT
BREAKING_COUNT = 5
BLOCK_SIZE = 4
BLOCK_WINDOW = 400


FRONT_PAGE_BLOCKS = ("breaking", "lead", "secondary", "most_read", "latest", "category_blocks")


def front_page() -> dict:
    """The home's template context: breaking, lead, secondary, most_read, latest, category_blocks."""
    published = Article.objects.published()
    featured = list(published.for_front().featured_first()[:TOP_COUNT])
    newest = list(published.for_front()[:NEWEST_WINDOW])
    top = featured + [article for article in newest if article not in featured][: max(0, TOP_MIN - len(featured))]
    shown = {article.pk for article in top}
    most_read = most_read_articles(exclude=shown)
    shown |= {article.pk for article in most_read}
    latest = [article for article in newest if article.pk not in shown][:LATEST_COUNT]
    shown |= {article.pk for article in latest}
    return {
        "breaking": list(published.for_front().breaking()[:BREAKING_COUNT]),
        "lead": top[0] if top else None,
        "secondary": top[1:],
        "most_read": most_read,
        "latest": latest,
        "category_blocks": _category_blocks(exclude=shown),
    }


def _category_blocks(*, exclude: set[int]) -> list[tuple[Category, list[Article]]]:
    newest = (
        Article.objects.published()
        .for_front()
        .exclude(pk__in=exclude)
        .newest_by_category(size=BLOCK_SIZE, window=BLOCK_WINDOW)
        .order_by("-published_at", "-id")
    )
    by_category = {}
    for article in newest:
        by_category.setdefault(article.category_id, []).append(article)
    return [(category, by_category[category.pk]) for category in Category.objects.all() if category.pk in by_category]


def relative_time(moment: datetime, *, now: datetime | None = None) -> str:
    """«منذ 5 دقائق» for a moment earlier today (Casablanca time), else ""."""
    now = now or timezone.now()
    local = timezone.localtime(moment)
    if moment > now or local.date() != timezone.localtime(now).date():
        return ""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return ngettext("منذ دقيقة", "منذ %(count)s دقيقة", minutes) % {"count": minutes}
    hours = minutes // 60
    return ngettext("منذ ساعة", "منذ %(count)s ساعة", hours) % {"count": hours}


def relative_forms() -> dict[str, list[str]]:
    """The six plural forms of «منذ … دقيقة» and «منذ … ساعة», with {n} for the number, for site.js."""
    examples = (0, 1, 2, 3, 11, 100)  # one count per Arabic plural form, in the catalog's order
    return {
        "minute": [ngettext("منذ دقيقة", "منذ %(count)s دقيقة", n) % {"count": "{n}"} for n in examples],
        "hour": [ngettext("منذ ساعة", "منذ %(count)s ساعة", n) % {"count": "{n}"} for n in examples],
    }


def end_of_day(moment: datetime) -> datetime:
    """Midnight after `moment` in Casablanca time: when «منذ …» gives way to the time alone."""
    local = timezone.localtime(moment)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)
