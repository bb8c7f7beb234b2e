"""Counting reader views for «الأكثر قراءة» without a database write per request.

A view increments a per-article, per-day counter in the cache. The first view of an
article on a day also writes the article's id into that day's register (an atomic
sequence number plus one key per slot), so the fold knows which counters to read with
no key listing, which neither the local-memory nor the Redis backend offers portably.
`views_fold()` moves the counts into ArticleDailyViews: it decrements each counter by
what it read (views arriving meanwhile stay counted) and adds that in one UPDATE per
day. It runs as a background task, which `articles.services.article_view_record`
enqueues once counts have waited FOLD_INTERVAL, and from the `fold_views` management
command for cron. With the local-memory cache (`make run`) other processes cannot see
the counters, so the web process folds its own counts inline instead, still at most
once per interval. This module knows nothing of the task queue.
"""

import re
import time
from datetime import date, timedelta

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone

from articles.models import Article, ArticleDailyViews

# Substrings of User-Agents that are crawlers, link previewers or monitoring, not readers.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|scrape|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"mediapartners|adsbot|feedfetcher|feedparser|curl|wget|python-requests|httpx|"
    r"go-http-client|okhttp|java/|headless|lighthouse|pingdom|uptime|monitor|whatsapp|"
    r"telegram|skype|discord|slack",
    re.IGNORECASE,
)
FOLD_INTERVAL = 5 * 60  # seconds between folds at most
MOST_READ_DAYS = 3
MOST_READ_COUNT = 5
# Counters and registers outlive a day so a late fold still finds yesterday's.
_TTL = 3 * 24 * 3600


def is_bot(user_agent: str) -> bool:
    """True for an empty User-Agent or one naming a crawler or a link previewer."""
    return not user_agent or bool(BOT_PATTERN.search(user_agent))


def _counter_key(day: date, article_id: int) -> str:
    return f"views:{day.isoformat()}:{article_id}"


def _register_key(day: date) -> str:
    return f"views:register:{day.isoformat()}"


def _slot_key(day: date, n: int) -> str:
    return f"views:register:{day.isoformat()}:{n}"


_PENDING_KEY = "views:pending-since"
_ENQUEUED_KEY = "views:fold-enqueued"


def _incr(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): start again
        cache.add(key, 0, _TTL)
        return cache.incr(key)


def view_count(*, article_id: int) -> bool:
    """Count one view of an article today in the cache; True when a fold is now due.

    Cache operations only, never a database query. A fold is due once counts have
    waited FOLD_INTERVAL, and is announced to one caller per interval.
    """
    day = timezone.localdate()
    key = _counter_key(day, article_id)
    if cache.add(key, 0, _TTL):
        cache.add(_register_key(day), 0, _TTL)
        n = _incr(_register_key(day))
        cache.set(_slot_key(day, n), article_id, _TTL)
    _incr(key)
    now = time.time()
    cache.add(_PENDING_KEY, now, _TTL)
    waiting_since = cache.get(_PENDING_KEY, now)
    return now - waiting_since >= FOLD_INTERVAL and cache.add(_ENQUEUED_KEY, 1, FOLD_INTERVAL)


def fold_in_process() -> bool:
    """True when the counters live in this process's memory (the local-memory cache).

    The worker and the fold_views command run in other processes and would find an
    empty cache, so this process folds its own counts, still at most every interval.
    """
    return isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache)


def views_fold(*, days: int = 2) -> int:
    """Move the cached view counts of the last `days` days into ArticleDailyViews.

    Returns how many views were folded. Safe to run concurrently with readers and with
    itself: each count is taken out of the cache by a decrement before it is added.
    """
    cache.delete(_PENDING_KEY)
    today = timezone.localdate()
    folded = 0
    for offset in range(days):
        folded += _fold_day(today - timedelta(days=offset))
    cache.delete(_ENQUEUED_KEY)
    return folded


def _fold_day(day: date) -> int:
    registered = cache.get(_register_key(day)) or 0
    if not registered:
        return 0
    slots = cache.get_many([_slot_key(day, n) for n in range(1, registered + 1)])
    article_ids = sorted(set(slots.values()))
    counters = cache.get_many([_counter_key(day, article_id) for article_id in article_ids])
    taken = {}
    for article_id in article_ids:
        value = counters.get(_counter_key(day, article_id)) or 0
        if value > 0:
            cache.decr(_counter_key(day, article_id), value)
            taken[article_id] = value
    if not taken:
        return 0
    existing = set(Article.objects.filter(pk__in=taken).values_list("pk", flat=True))
    taken = {article_id: value for article_id, value in taken.items() if article_id in existing}
    if not taken:
        return 0
    with transaction.atomic():
        ArticleDailyViews.objects.bulk_create(
            [ArticleDailyViews(article_id=article_id, day=day, count=0) for article_id in taken],
            ignore_conflicts=True,
            batch_size=500,
        )
        ArticleDailyViews.objects.filter(day=day, article_id__in=taken).update(
            count=F("count")
            + Case(
                *[When(article_id=article_id, then=Value(value)) for article_id, value in taken.items()],
                default=Value(0),
                output_field=PositiveIntegerField(),
            )
        )
    return sum(taken.values())


MOST_READ_SECONDS = 60  # the list may lag this much: computed once a minute, not per page
_MOST_READ_KEY = "most-read:v1"


MOST_READ_SPARE = 5  # kept beyond the list, for the home, which leaves out its lead and secondary stories


def most_read_articles(*, exclude: frozenset[int] | set[int] = frozenset()) -> list[Article]:
    """The «الأكثر قراءة» list shown on the home and article pages, without the articles in `exclude`.

    Computed at most once a minute for the site and kept in the cache: one query then,
    none on the other pages of that minute. Whoever recomputes it, the list is the same.
    """
    articles = cache.get(_MOST_READ_KEY)
    if articles is None:
        count = MOST_READ_COUNT + MOST_READ_SPARE
        articles = list(Article.objects.published().most_read(days=MOST_READ_DAYS, count=count))
        cache.set(_MOST_READ_KEY, articles, MOST_READ_SECONDS)
    return [article for article in articles if article.pk not in exclude][:MOST_READ_COUNT]


def most_read_article_changed(*, article: Article, was_public: bool) -> None:
    """An article_change_receivers entry: an article taken off the site leaves the list at once."""
    if was_public and not article.is_public:
        cache.delete(_MOST_READ_KEY)
