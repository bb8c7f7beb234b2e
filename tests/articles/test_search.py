"""Arabic search: normalization, the issue's examples on the seed article, ranking,
highlighting, phrases, visibility, bad queries and query counts.

The same tests run on SQLite (word match on search_document) and on PostgreSQL
(weighted tsvector with the `arabic` configuration) — CI runs both.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, SearchQueryError, highlight, parse_query
from articles.text import expand_word, fold_teh_marbuta, normalize_arabic, search_words
from tests.helpers import admin_article_form, make_article, make_category

SEED_TITLE = "السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا بزيارة عمل هامة"

# Arabic letters, harakat, tatweel, Quranic marks, both digit sets, bidi and joiners,
# presentation forms, Latin and punctuation: what readers and journalists paste.
ARABISH = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
        st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
        st.sampled_from("\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069 .,«»\"'"),
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),
    ),
    max_size=40,
)


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = response.content.decode()
    titles = re.findall(r'class="search-result-title"><a href="[^"]*">(.*?)</a>', page)
    return [re.sub(r"</?mark>", "", title) for title in titles], page


class TestNormalization:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("الإرهاب", "الارهاب"),
            ("أمن", "امن"),
            ("آليات", "اليات"),
            ("ٱلله", "الله"),
            ("إلى", "الي"),
            ("التَّعاون", "التعاون"),
            ("التعـــاون", "التعاون"),
            ("٢٠٢٥", "2025"),
            ("۲۰۲۶", "2026"),
            ("\u202bبلجيكا\u202c", "بلجيكا"),
            ("مد\u200cرسة", "مدرسة"),
            ("ﻻ", "لا"),  # presentation form, folded by NFKC
            ("مدرسة", "مدرسة"),  # ة stays ة
        ],
    )
    def test_folds_the_spellings_readers_type(self, written, expected):
        assert normalize_arabic(written) == expected

    @pytest.mark.parametrize(
        ("word", "forms"),
        [
            ("الارهاب", ["الارهاب", "ارهاب"]),
            ("وبلجيكا", ["وبلجيكا", "بلجيكا"]),
            ("والارهاب", ["والارهاب", "ارهاب", "الارهاب"]),
            ("الجريمة", ["الجريمة", "جريمة", "الجريمه", "جريمه"]),
            ("الجريمه", ["الجريمه", "جريمه"]),
            ("ة", ["ة"]),
            ("بالمغرب", ["بالمغرب", "مغرب", "المغرب"]),
            ("للتعاون", ["للتعاون", "تعاون", "التعاون", "لتعاون"]),
            ("والي", ["والي"]),  # too short to be و + a word
            ("بلاغ", ["بلاغ"]),
        ],
    )
    def test_expansion_strips_the_article_and_prefix_letters(self, word, forms):
        assert expand_word(word) == forms

    @given(ARABISH)
    def test_normalization_is_idempotent(self, text):
        once = normalize_arabic(text)
        assert normalize_arabic(once) == once

    @given(ARABISH)
    def test_normalized_text_has_no_marks_variants_or_invisible_characters(self, text):
        folded = normalize_arabic(text)
        assert not re.search("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640أإآٱى\u0660-\u0669\u06f0-\u06f9]", folded)
        assert not re.search("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]", folded)

    @given(ARABISH)
    def test_query_side_and_index_side_agree(self, text):
        # The same words come out whether the text was normalized first or not.
        assert search_words(normalize_arabic(text)) == search_words(text)

    @given(st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=12))
    def test_expansion_keeps_the_word_first_and_only_yields_longer_words_tails(self, word):
        forms = expand_word(word)
        assert forms[0] == word
        assert len(forms) == len(set(forms))
        folded = fold_teh_marbuta(word)
        for form in forms[1:]:
            assert len(form) >= 3
            form = fold_teh_marbuta(form)
            assert folded.endswith(form) or folded.endswith(form[2:])


class TestParsing:
    def test_quoted_phrase_and_loose_words(self):
        parsed = parse_query("«خطة عمل» الإرهاب")
        assert parsed.phrases == (("خطة", "عمل"),)
        assert parsed.terms == (("الارهاب", "ارهاب"),)

    @pytest.mark.parametrize(
        "query", ["", "   ", "!!!؟؟", "و", "x" * (MAX_QUERY_LENGTH + 1), " ".join(f"كلمة{n}" for n in range(11))]
    )
    def test_unsearchable_queries_raise_a_reader_message(self, query):
        with pytest.raises(SearchQueryError) as error:
            parse_query(query)
        assert re.search("[\u0600-\u06ff]", str(error.value))


@pytest.mark.django_db
class TestSeedArticle:
    @pytest.fixture(autouse=True)
    def _demo(self):
        call_command("load_demo", verbosity=0)

    @pytest.mark.parametrize(
        ("query", "marked"),
        [
            ("الارهاب", "الإرهاب"),
            ("إرهاب", "الإرهاب"),
            ("التَّعاون", "التعاون"),
            ("التعـــاون", "التعاون"),
            ("غسيل الاموال", "الأموال"),
            ("٢٠٢٥", "2025"),
            ("بلجيكا", "وبلجيكا"),
            ('"خطة عمل مشتركة"', "مشتركة"),
            ("«خطة عمل مشتركة»", "خطة"),
            ("الجريمه المنظمه", "الجريمة"),  # ة typed as ه, as phones often do
            ("الجريمة المنظمة", "المنظمة"),
            ("جريمه", "الجريمة"),
        ],
    )
    def test_every_spelling_of_the_issue_finds_the_seed_article_highlighted(self, client, query, marked):
        titles, page = results(client, query)
        assert SEED_TITLE in titles
        assert f"<mark>{marked}</mark>" in page

    def test_heh_for_teh_marbuta_finds_what_the_exact_spelling_finds(self, client):
        typed_on_a_phone = make_article("الجريمه المنظمه في تقرير جديد").title
        exact = results(client, "الجريمة المنظمة")[0]
        assert SEED_TITLE in exact and typed_on_a_phone in exact
        assert sorted(results(client, "الجريمه المنظمه")[0]) == sorted(exact)

    def test_a_phrase_must_appear_in_that_order(self, client):
        assert SEED_TITLE not in results(client, '"مشتركة عمل خطة"')[0]
        assert SEED_TITLE in results(client, "مشتركة عمل خطة")[0]

    def test_every_word_must_match(self, client):
        assert SEED_TITLE not in results(client, "بلجيكا كرة")[0]

    def test_section_headings_and_tags_are_searched_but_not_markup(self, client):
        assert SEED_TITLE in results(client, "المصداقية")[0]  # a section heading only
        assert results(client, "strong")[0] == []  # markup, not text

    def test_the_header_form_of_every_page_searches(self, client):
        page = client.get("/").content.decode()
        form = re.search(
            r'<form class="search-form" role="search" aria-label="البحث في الموقع" method="get" action="/search/">.*?</form>',
            page,
            re.S,
        )
        assert form and 'name="q"' in form.group(0) and "<label" in form.group(0)


@pytest.mark.django_db
class TestResults:
    def test_only_published_articles_whose_time_has_come(self, client):
        make_article("زلزال مفاجئ في الأطلس")
        make_article("زلزال قيد التحرير", status=Article.Status.DRAFT)
        make_article("زلزال مجدول", published_at=timezone.now() + timedelta(hours=2))
        make_article("زلزال قيد المراجعة", status=Article.Status.IN_REVIEW)
        assert results(client, "زلزال")[0] == ["زلزال مفاجئ في الأطلس"]

    def test_title_matches_rank_first_then_lead_then_body(self, client):
        now = timezone.now()
        category = make_category()
        body = make_article(
            "جولة في الأسواق",
            category=category,
            lead="أخبار متفرقة.",
            sections=(("", "<p>ارتفاع أسعار الزيتون هذا الموسم.</p>"),),
            published_at=now - timedelta(hours=3),
        )
        lead = make_article(
            "موسم فلاحي جديد",
            category=category,
            lead="الزيتون يعود إلى الواجهة.",
            published_at=now - timedelta(hours=2),
        )
        title = make_article(
            "الزيتون المغربي في الأسواق الأوروبية", category=category, published_at=now - timedelta(days=3)
        )
        make_article("خبر لا علاقة له", category=category)
        assert results(client, "زيتون")[0] == [title.title, lead.title, body.title]

        # PostgreSQL weighs where the word is (lead B over body C) above recency;
        # SQLite ranks title matches, then the newest.
        fresh = make_article(
            "جولة ثانية",
            category=category,
            sections=(("", "<p>الزيتون مرة أخرى.</p>"),),
            published_at=now - timedelta(minutes=5),
        )
        expected = [title.title, lead.title, fresh.title, body.title]
        if connection.vendor == "sqlite":
            expected = [title.title, fresh.title, lead.title, body.title]
        assert results(client, "زيتون")[0] == expected

    def test_highlighting_escapes_everything_else(self, client):
        make_article("<b>تحقيق</b> حول الموانئ", lead='الموانئ & "الأمن" <script>alert(1)</script>')
        titles, page = results(client, "الموانئ")
        assert titles == ["&lt;b&gt;تحقيق&lt;/b&gt; حول الموانئ"]
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_snippet_is_cut_around_the_first_match(self):
        text = " ".join(["كلمة"] * 100 + ["الإرهاب"] + ["نص"] * 100)
        snippet = highlight(text, parse_query("ارهاب"), around=20)
        assert "<mark>الإرهاب</mark>" in snippet
        assert snippet.startswith("… ") and snippet.endswith(" …")
        assert len(snippet.split()) < 30

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "اكتب كلمة أو أكثر للبحث."),
            ("ا" * 201, "عبارة البحث طويلة جدا"),
            ("!!! ؟؟ ...", "لم نجد في عبارة البحث كلمات يمكن البحث عنها"),
            ('"', "لم نجد في عبارة البحث كلمات يمكن البحث عنها"),
        ],
    )
    def test_bad_queries_get_an_arabic_answer_not_an_error(self, client, query, message):
        titles, page = results(client, query)
        assert titles == []
        assert message in page

    def test_no_results_says_so(self, client):
        make_article("خبر عادي")
        titles, page = results(client, "كنغر")
        assert titles == [] and "لا توجد نتائج للبحث عن «كنغر»" in page

    def test_search_page_is_kept_out_of_indexes(self, client):
        assert '<meta name="robots" content="noindex, follow">' in results(client, "خبر")[1]

    def test_results_are_paginated_and_junk_pages_are_harmless(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        for n in range(5):
            make_article(f"قمة المناخ {n}")
        titles, page = results(client, "المناخ")
        assert len(titles) == 2 and "الصفحة 1 من 3" in page
        assert 'href="?q=%D8%A7%D9%84%D9%85%D9%86%D8%A7%D8%AE&amp;page=2"' in page
        assert len(results(client, "المناخ", page="abc")[0]) == 2
        assert len(results(client, "المناخ", page="99")[0]) == 1

    def test_query_count_is_flat_in_the_number_of_results(self, client, settings):
        # nav categories, the ids of the newest matches, count, the page of results with
        # categories (join), their bylines with profiles (one prefetch) and their sections (one
        # prefetch) — none per result. PostgreSQL looks among the newest articles first,
        # which here are the whole archive: nothing more to ask (see the next test).
        settings.ARTICLES_PER_PAGE = 50
        category = make_category()

        def add(n):
            for i in range(n):
                make_article(f"انتخابات جزئية {i}", category=category, sections=(("عنوان", "<p>الانتخابات</p>"),) * 2)

        def count():
            with CaptureQueriesContext(connection) as queries:
                titles, _page = results(client, "انتخابات")
            return len(titles), len(queries)

        add(2)
        found_small, small = count()
        add(30)
        found_big, big = count()
        assert (found_small, found_big) == (2, 32)
        assert big == small == 5  # the matches' count is known from finding them (MatchesPaginator)

    def test_the_newest_matches_whichever_way_they_are_found(self, client, settings, monkeypatch):
        # Narrowed so 40 articles make an archive larger than the newest window. On
        # PostgreSQL: a word in every article is settled in that window (5 queries as
        # above); one in every third, by a window of dates after it (a savepoint sets
        # its plan: savepoint, SET, query, release); a rare one, by the GIN index alone
        # (the same 4). The results are those a scan of every article would give.
        monkeypatch.setattr("articles.search.NEWEST_WINDOW", 6)
        monkeypatch.setattr("articles.search.MAX_RANKED", 3)
        monkeypatch.setattr("articles.search.MIN_TO_ESTIMATE", 2)
        settings.ARTICLES_PER_PAGE = 10
        now = timezone.now()
        category = make_category()
        titles = []
        for n in range(40):
            words = ["أمطار"] + (["رياح"] if n % 3 == 2 else []) + (["ثلوج"] if n in (31, 37) else [])
            titles.append(f"{' '.join(words)} {n}")
            make_article(titles[-1], category=category, published_at=now - timedelta(hours=n + 1))
        postgresql = connection.vendor == "postgresql"
        for word, newest, queries in (
            ("أمطار", titles[:3], 5),
            ("رياح", [titles[2], titles[5], titles[8]], 9 if postgresql else 5),
            ("ثلوج", [titles[31], titles[37]], 9 if postgresql else 5),
        ):
            with CaptureQueriesContext(connection) as captured:
                found, _page = results(client, word)
            assert found == newest, word
            assert len(captured) == queries, word


@pytest.mark.django_db
class TestIndexFollowsTheNewsroom:
    def form(self, category, **overrides):
        earlier = timezone.localtime() - timedelta(hours=1)
        data = {
            "title": "ميناء طنجة المتوسط يسجل رقما قياسيا",
            "lead": "ارتفاع عدد الحاويات المعالجة هذا العام.",
            "tags": "الموانئ، التجارة البحرية",
            "status": "published",
            "published_at_0": earlier.strftime("%d/%m/%Y"),
            "published_at_1": earlier.strftime("%H:%M:00"),
            "sections-0-body": "<p>سجلت <strong>الحاويات</strong> نموا لافتا.</p>",
            "sections-1-heading": "توسعة الأرصفة",
            "sections-1-body": "<ul><li>استثمارات في اللوجستيك.</li></ul>",
        }
        data.update(overrides)
        return admin_article_form(category, **data)

    def test_what_the_admin_saves_is_searchable_and_edits_reindex(self, client, editor):
        client.force_login(editor)
        response = client.post(reverse("admin:articles_article_add"), self.form(make_category()))
        assert response.status_code == 302, response.content.decode()[:2000]
        article = Article.objects.get()
        title = "ميناء طنجة المتوسط يسجل رقما قياسيا"
        for query in ("الحاويات", "الأرصفة", "اللوجستيك", "التجارة البحرية", "الموانئ"):
            assert results(client, query)[0] == [title], query

        section = article.sections.get(position=1)
        data = self.form(
            article.category,
            **{
                "sections-INITIAL_FORMS": "2",
                "sections-0-id": str(article.sections.get(position=0).pk),
                "sections-0-article": str(article.pk),
                "sections-1-id": str(section.pk),
                "sections-1-article": str(article.pk),
                "sections-1-body": "<p>قاطرات جديدة.</p>",
                "tags": "الموانئ",
            },
        )
        response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert results(client, "قاطرات")[0] == [title]
        assert results(client, "اللوجستيك")[0] == []
        assert results(client, "البحرية")[0] == []


@pytest.mark.django_db
def test_a_word_in_very_many_articles_ranks_only_the_newest(client, settings, monkeypatch):
    monkeypatch.setattr("articles.search.MAX_RANKED", 3)
    settings.ARTICLES_PER_PAGE = 10
    now = timezone.now()
    oldest_with_title = make_article("الطقس اليوم", published_at=now - timedelta(days=30))
    for n in range(4):
        make_article(f"خبر {n}", lead="توقعات الطقس.", published_at=now - timedelta(hours=n + 1))
    titles, page = results(client, "الطقس")
    assert len(titles) == 3 and oldest_with_title.title not in titles
    assert "أكثر من 3" in page
