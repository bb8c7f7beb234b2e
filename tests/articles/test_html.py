import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.html import clean_html, html_to_text


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<h2>عنوان</h2><p>فقرة</p>", "<h2>عنوان</h2><p>فقرة</p>"),
        ("<ul><li>أ</li></ul><ol><li>ب</li></ol>", "<ul><li>أ</li></ul><ol><li>ب</li></ol>"),
        ("<blockquote><p>قول</p></blockquote>", "<blockquote><p>قول</p></blockquote>"),
        ('<p dir="ltr" lang="fr">Bonjour</p>', '<p dir="ltr" lang="fr">Bonjour</p>'),
        (
            '<figure class="image"><img src="/media/a.jpg" alt="صورة"><figcaption>تعليق</figcaption></figure>',
            '<figure class="image"><img src="/media/a.jpg" alt="صورة"><figcaption>تعليق</figcaption></figure>',
        ),
        (
            '<a href="https://example.ma/x">رابط</a>',
            '<a href="https://example.ma/x" rel="noopener noreferrer">رابط</a>',
        ),
    ],
)
def test_article_markup_survives(dirty, clean):
    assert clean_html(dirty) == clean


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>نص<script>alert(1)</script></p>", "<p>نص</p>"),
        ('<p onclick="steal()" onmouseover="x">نص</p>', "<p>نص</p>"),
        ('<a href="javascript:alert(1)">اضغط</a>', '<a rel="noopener noreferrer">اضغط</a>'),
        ('<a href="JaVaScRiPt:alert(1)">اضغط</a>', '<a rel="noopener noreferrer">اضغط</a>'),
        ('<p style="color:red">نص</p>', "<p>نص</p>"),
        ('<iframe src="https://evil.example"></iframe><p>نص</p>', "<p>نص</p>"),
        ("<style>body{display:none}</style><p>نص</p>", "<p>نص</p>"),
        ('<img src="x" onerror="alert(1)">', '<img alt="" src="x">'),
        ('<p class="evil">نص</p>', "<p>نص</p>"),
        ('<p dir="javascript">نص</p>', "<p>نص</p>"),
        ("<form action='/x'><input name='a'></form>", ""),
    ],
)
def test_hostile_markup_is_removed(dirty, clean):
    assert clean_html(dirty) == clean


@given(st.text())
def test_cleaning_is_idempotent(text):
    once = clean_html(text)
    assert clean_html(once) == once


def test_an_image_without_description_gets_an_empty_alt_and_a_described_one_keeps_it():
    assert clean_html('<figure class="image"><img src="/m/a.jpg" width="300"></figure>') == (
        '<figure class="image"><img alt="" src="/m/a.jpg" width="300"></figure>'
    )
    assert clean_html('<img src="/m/a.jpg" alt="الوفد الأمني">') == '<img src="/m/a.jpg" alt="الوفد الأمني">'


def test_html_to_text_keeps_word_boundaries():
    assert html_to_text("<p>الأولى</p><p>الثانية</p><ul><li>أ</li><li>ب</li></ul>") == "الأولى الثانية أ ب"
    assert html_to_text("<p>غسيل &amp; الأموال</p>") == "غسيل & الأموال"
