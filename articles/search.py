"""Arabic search: the indexed document, query parsing, matching and highlighting.

One normalization (articles.text) on both sides. Every article keeps `search_document`:
its normalized words field by field, then the extra forms `expand_word` gives (without
the article or a prefix letter). SQLite matches whole words in it; PostgreSQL matches a
weighted tsvector of the same words with the `arabic` configuration and ranks.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from articles.text import expand_word, raw_words, search_words

MAX_QUERY_LENGTH = 200
MAX_RANKED = 200
# The newest articles searched row by row before the GIN index is used (see _newest_postgres).
NEWEST_WINDOW = 300
# Fewer matches than this among them say too little of how often the query matches.
MIN_TO_ESTIMATE = 5
# More words than this add little but cost a join of conditions each.
MAX_TERMS = 10
SEARCH_CONFIG = "arabic"
# Separates fields and extra forms in the document, so a phrase never runs across them;
# the title (with its extra forms) comes first and ends with _TITLE_END.
_BREAK = " | "
_TITLE_END = " ‖ "
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "″": '"'})
_PHRASE = re.compile(r'"([^"]*)"')


class SearchQueryError(ValueError):
    """A query that cannot be searched; the message is for the reader."""


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[tuple[str, ...], ...]  # per word of the query: its forms, any may match
    phrases: tuple[tuple[str, ...], ...]  # per quoted phrase: its words, in order


def parse_query(raw: str) -> ParsedQuery:
    """Words and quoted phrases of what the reader typed, or SearchQueryError."""
    raw = (raw or "").strip()
    if not raw:
        raise SearchQueryError(_("اكتب كلمة أو أكثر للبحث."))
    if len(raw) > MAX_QUERY_LENGTH:
        too_long = ngettext_lazy(
            "عبارة البحث طويلة جدا: حرف واحد على الأكثر.", "عبارة البحث طويلة جدا: %(max)d حرف على الأكثر.", "max"
        )
        raise SearchQueryError(too_long % {"max": MAX_QUERY_LENGTH})
    text = raw.translate(_QUOTES)
    phrases, terms = [], []
    for quoted in _PHRASE.findall(text):
        words = _usable(search_words(quoted))
        if len(words) > 1:
            phrases.append(tuple(words))
        elif words:
            terms.append(words[0])
    rest = _PHRASE.sub(" ", text)
    terms.extend(_usable(search_words(rest)))
    unique_terms = list(dict.fromkeys(terms))
    if not unique_terms and not phrases:
        raise SearchQueryError(_("لم نجد في عبارة البحث كلمات يمكن البحث عنها. جرّب كلمات عربية أو أرقاما."))
    if len(unique_terms) + sum(len(p) for p in phrases) > MAX_TERMS:
        too_many = ngettext_lazy(
            "عبارة البحث فيها كلمات كثيرة: كلمة واحدة على الأكثر.",
            "عبارة البحث فيها كلمات كثيرة: %(max)d كلمات على الأكثر.",
            "max",
        )
        raise SearchQueryError(too_many % {"max": MAX_TERMS})
    return ParsedQuery(
        terms=tuple(tuple(expand_word(word)) for word in unique_terms),
        phrases=tuple(dict.fromkeys(phrases)),
    )


def _usable(words: list[str]) -> list[str]:
    # A lone letter (a stray و or a typo) would match nearly every article.
    return [word for word in words if len(word) > 1 or word.isdigit()]


# Indexing


@dataclass(frozen=True)
class SearchTexts:
    """What is indexed of one article, normalized and expanded, field by field."""

    document: str
    weight_a: str  # title, section headings
    weight_b: str  # lead, tags
    weight_c: str  # section bodies


def _field(text: str) -> tuple[str, list[str]]:
    words = search_words(text)
    extra = [form for word in words for form in expand_word(word)[1:]]
    return " ".join(words), extra


def build_search_texts(
    *, title: str, lead: str, headings: list[str], bodies: list[str], tags: list[str]
) -> SearchTexts:
    """The document and weighted texts for an article; `bodies` are plain text."""
    fields = {
        "title": [_field(title)],
        "headings": [_field(heading) for heading in headings if heading],
        "lead": [_field(lead)],
        "tags": [_field(tag) for tag in tags],
        "bodies": [_field(body) for body in bodies if body],
    }
    (title_words, title_extra), *_ = fields["title"]
    streams, extras = [], []
    for name, parts in fields.items():
        if name == "title":
            continue
        for words, extra in parts:
            if words:
                streams.append(words)
            extras.extend(extra)
    extra_forms = [form for form in dict.fromkeys(extras) if form not in title_extra]
    title_part = _BREAK.join([title_words, *dict.fromkeys(title_extra)])
    document = " " + title_part + _TITLE_END + _BREAK.join(streams + extra_forms) + " "

    def weighted(*names):
        parts = [part for name in names for part in fields[name]]
        return (
            _BREAK.join(words for words, _extra in parts if words)
            + _BREAK
            + " ".join(form for _words, extra in parts for form in extra)
        )

    return SearchTexts(
        document=document,
        weight_a=weighted("title", "headings"),
        weight_b=weighted("lead", "tags"),
        weight_c=weighted("bodies"),
    )


def search_vector_expression(texts: SearchTexts):
    """The weighted tsvector of `texts`, for an UPDATE on PostgreSQL."""
    return (
        SearchVector(Value(texts.weight_a), config=SEARCH_CONFIG, weight="A")
        + SearchVector(Value(texts.weight_b), config=SEARCH_CONFIG, weight="B")
        + SearchVector(Value(texts.weight_c), config=SEARCH_CONFIG, weight="C")
    )


def uses_full_text(using=None) -> bool:
    return (using or connection).vendor == "postgresql"


# Matching


def search_queryset(queryset: QuerySet, query: ParsedQuery) -> QuerySet:
    """`queryset` narrowed to the articles matching `query`, best first.

    Only the newest MAX_RANKED matches are ranked: a word found in half the archive
    would otherwise be ranked row by row (seconds at 100,000 articles), and a news
    reader wants recent articles anyway. Their ids are found first, so the count and
    the page read at most MAX_RANKED rows.
    """
    if uses_full_text():
        tsquery = _tsquery(query)
        ids = _newest_postgres(queryset, tsquery)
        rank = SearchRank(F("search_vector"), tsquery)
    else:
        matches, rank = _simple_match(queryset, query)
        ids = list(matches.order_by("-published_at", "-id").values_list("pk", flat=True)[:MAX_RANKED])
    matches = queryset.filter(pk__in=ids).annotate(rank=rank).order_by("-rank", "-published_at", "-id")
    matches.match_count = len(ids)  # what counting them would answer: MatchesPaginator asks no query
    return matches


class MatchesPaginator(Paginator):
    """Pages of search_queryset()'s matches: their count is known from finding them, not counted again."""

    @cached_property
    def count(self):
        known = getattr(self.object_list, "match_count", None)
        return known if known is not None else super().count


def _tsquery(query):
    parts = [
        reduce(or_, [SearchQuery(form, config=SEARCH_CONFIG, search_type="plain") for form in forms])
        for forms in query.terms
    ]
    parts += [SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="phrase") for words in query.phrases]
    return reduce(and_, parts)


def _newest_postgres(queryset, tsquery) -> list[int]:
    # PostgreSQL prices testing a row's tsvector as nearly free, but each test unpacks a
    # stored vector of some kilobytes: walking the date index and testing row after row
    # (its usual plan) takes seconds for a word in a few percent of the archive, and the
    # GIN index alone reads every match of a word found in much of the archive, to sort
    # them by date. So, in at most three queries:
    # 1. the newest NEWEST_WINDOW articles, tested one by one until MAX_RANKED match (a
    #    word in most articles is done here; so is an archive no larger than that);
    # 2. from how many of them matched, a date after which MAX_RANKED matches are likely:
    #    the date index and the GIN index together read only the articles since then;
    # 3. if that window held fewer, or too few of the newest matched to tell, the GIN
    #    index alone: its matches are then a small share of the archive.
    newest = queryset.order_by("-published_at", "-id").values("pk", "published_at", "search_vector")
    window_sql, window_params = newest[:NEWEST_WINDOW].query.sql_with_params()
    # The oldest article of the window (none when the archive is smaller), read from the
    # date index alone: how far back the window reaches.
    edge_sql, edge_params = newest.values("published_at")[NEWEST_WINDOW - 1 : NEWEST_WINDOW].query.sql_with_params()
    compiler = newest.query.get_compiler(connection=connection)
    tsquery_sql, tsquery_params = compiler.compile(tsquery.resolve_expression(newest.query))
    with connection.cursor() as cursor:
        cursor.execute(
            f"(SELECT w.pk, w.published_at FROM ({window_sql}) w WHERE w.search_vector @@ ({tsquery_sql})"
            " ORDER BY w.published_at DESC, w.pk DESC LIMIT %s)"
            f" UNION ALL (SELECT NULL, e.published_at FROM ({edge_sql}) e)",
            [*window_params, *tsquery_params, MAX_RANKED, *edge_params],
        )
        rows = cursor.fetchall()
    found = [pk for pk, _published_at in rows if pk is not None]
    edge = next((published_at for pk, published_at in rows if pk is None), None)
    if len(found) >= MAX_RANKED or edge is None:
        return found
    matches = queryset.filter(search_vector=tsquery).order_by("-published_at", "-id").values_list("pk", flat=True)
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        # Its estimate of how many rows match is too rough to choose the plan by: bitmap
        # scans only (the GIN index, with the date index for a window), no JIT to compile.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off")
        if len(found) >= MIN_TO_ESTIMATE:
            newest_match = rows[0][1]
            # Matches come at about len(found) per (newest_match - edge); a margin for
            # chance, smaller as more of the newest matched, and for an uneven pace.
            margin = 1.2 + 2 / math.sqrt(len(found))
            since = newest_match - (newest_match - edge) * (margin * MAX_RANKED / len(found))
            ids = list(matches.filter(published_at__gte=since)[:MAX_RANKED])
            if len(ids) >= MAX_RANKED:
                return ids
        return list(matches[:MAX_RANKED])


def _simple_match(queryset, query):
    # Whole words: the document is space-separated words with a space at both ends.
    conditions = [reduce(or_, [Q(search_document__contains=f" {form} ") for form in forms]) for forms in query.terms]
    conditions += [Q(search_document__contains=f" {' '.join(words)} ") for words in query.phrases]
    # The title is the document's first field: a match before _TITLE_END is in it.
    first_break = StrIndex("search_document", Value(_TITLE_END))
    title_hits = [
        Case(
            When(
                reduce(
                    or_,
                    [
                        Q(GreaterThan(StrIndex("search_document", Value(f" {form} ")), 0))
                        & Q(LessThan(StrIndex("search_document", Value(f" {form} ")), first_break))
                        for form in forms
                    ],
                ),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        for forms in query.terms
    ]
    rank = reduce(lambda a, b: a + b, title_hits) if title_hits else Value(0)
    return queryset.filter(reduce(and_, conditions)), rank


# Highlighting


# A page of results highlights a few thousand words, most of them the same common
# words: each distinct word is normalized and expanded once per process, not per use.
@lru_cache(maxsize=16384)
def _normalized(word: str) -> tuple[str, ...]:
    return tuple(search_words(word))


@lru_cache(maxsize=16384)
def _forms(word: str) -> frozenset[str]:
    return frozenset(form for normalized in _normalized(word) for form in expand_word(normalized))


def highlight(text: str, query: ParsedQuery, *, around: int | None = None) -> SafeString:
    """`text` escaped, with the words the query matched wrapped in <mark>.

    The words are compared after normalization, so "الارهاب" marks "الإرهاب" as
    written. With `around`, only a window of that many words about the first match is
    kept (the start of the text when nothing matched), with an ellipsis where cut.
    """
    forms = frozenset(form for alternatives in query.terms for form in alternatives)
    spans = raw_words(text)

    def matches(i):
        start, stop = spans[i]
        return not forms.isdisjoint(_forms(text[start:stop]))

    cut = around is not None and len(spans) > around
    if cut and not query.phrases:
        # A snippet: only its words are looked at, from the first match on.
        first = next((i for i in range(len(spans)) if matches(i)), None)
        lo, hi = _window(len(spans), first or 0, around)
        hit_set = set() if first is None else {i for i in range(first, hi) if matches(i)}
    else:
        hit_set = {i for i in range(len(spans)) if matches(i)}
        if query.phrases:
            normalized = [_normalized(text[start:stop]) for start, stop in spans]
            for phrase in query.phrases:
                for i in range(len(spans) - len(phrase) + 1):
                    if all(word in normalized[i + j] for j, word in enumerate(phrase)):
                        hit_set.update(range(i, i + len(phrase)))
        lo, hi = _window(len(spans), min(hit_set, default=0), around) if cut else (0, len(spans))
    begin, end = (spans[lo][0], spans[hi - 1][1]) if cut else (0, len(text))
    out, position = [], begin
    for i in range(lo, hi):
        if i in hit_set:
            start, stop = spans[i]
            out.append(escape(text[position:start]))
            out.append(f"<mark>{escape(text[start:stop])}</mark>")
            position = stop
    out.append(escape(text[position:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def _window(count: int, first: int, around: int) -> tuple[int, int]:
    # `around` words from a third of them before the first match, inside the text.
    lo = max(0, first - around // 3)
    hi = min(count, lo + around)
    return max(0, hi - around), hi
