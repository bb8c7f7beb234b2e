"""Arabic search: the indexed document, query parsing, matching and highlighting.

One normalization (articles.text) on both sides. Every article keeps `search_document`:
its normalized words field by field, then the extra forms `expand_word` gives (without
the article or a prefix letter). SQLite matches whole words in it; PostgreSQL matches a
weighted tsvector of the same words with the `arabic` configuration and ranks.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from articles.text import expand_word, raw_words, search_words

MAX_QUERY_LENGTH = 200
MAX_RANKED = 200
# The newest articles searched row by row before the GIN index is used (see _newest_postgres).
NEWEST_WINDOW = 1000
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
    return queryset.filter(pk__in=ids).annotate(rank=rank).order_by("-rank", "-published_at", "-id")


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
    # GIN index (the other plan) reads every match of a word found in most articles.
    # So: first the newest NEWEST_WINDOW articles, tested one by one until MAX_RANKED
    # match (a word in a fifth of the articles or more is done here); if fewer do, the
    # GIN index alone, whose matches are then a small share of the archive.
    newest = queryset.order_by("-published_at", "-id").values("pk", "published_at", "search_vector")[:NEWEST_WINDOW]
    inner_sql, inner_params = newest.query.sql_with_params()
    compiler = newest.query.get_compiler(connection=connection)
    tsquery_sql, tsquery_params = compiler.compile(tsquery.resolve_expression(newest.query))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.pk FROM ({inner_sql}) w WHERE w.search_vector @@ ({tsquery_sql})"
            " ORDER BY w.published_at DESC, w.pk DESC LIMIT %s",
            [*inner_params, *tsquery_params, MAX_RANKED],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) >= MAX_RANKED:
        return ids
    matches = queryset.filter(search_vector=tsquery).order_by("-published_at", "-id").values_list("pk", flat=True)
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        # Its estimate of how many rows match is too rough to choose the plan by.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
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


def _matches(word: str, forms: frozenset[str]) -> bool:
    return any(form in forms for normalized in search_words(word) for form in expand_word(normalized))


def highlight(text: str, query: ParsedQuery, *, around: int | None = None) -> SafeString:
    """`text` escaped, with the words the query matched wrapped in <mark>.

    The words are compared after normalization, so "الارهاب" marks "الإرهاب" as
    written. With `around`, only a window of that many words about the first match is
    kept (the start of the text when nothing matched), with an ellipsis where cut.
    """
    forms = frozenset(form for alternatives in query.terms for form in alternatives)
    spans = raw_words(text)
    hit_set = {i for i, (start, end) in enumerate(spans) if _matches(text[start:end], forms)}
    if query.phrases:
        normalized = [search_words(text[start:end]) for start, end in spans]
        for phrase in query.phrases:
            for i in range(len(spans) - len(phrase) + 1):
                if all(word in normalized[i + j] for j, word in enumerate(phrase)):
                    hit_set.update(range(i, i + len(phrase)))
    hits = sorted(hit_set)
    begin, end = 0, len(text)
    if around is not None and len(spans) > around:
        first = hits[0] if hits else 0
        lo = max(0, first - around // 3)
        hi = min(len(spans), lo + around)
        lo = max(0, hi - around)
        begin = spans[lo][0]
        end = spans[hi - 1][1]
    out, position = [], begin
    for i, (start, stop) in enumerate(spans):
        if start < begin or stop > end:
            continue
        if i in hit_set:
            out.append(escape(text[position:start]))
            out.append(f"<mark>{escape(text[start:stop])}</mark>")
            position = stop
    out.append(escape(text[position:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)
