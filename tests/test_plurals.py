"""Counted nouns in the six Arabic plural forms: 0 · 1 · 2 · 3–10 · 11–99 · 100 and more."""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

COUNTS = (0, 1, 2, 3, 11, 100)


def counted(singular, plural, key="count"):
    with translation.override("ar-ma"):
        return [ngettext(singular, plural, n) % {key: n} for n in COUNTS]


def rendered(source, **context):
    with translation.override("ar-ma"):
        return [
            " ".join(Template("{% load i18n %}" + source).render(Context({**context, "n": n})).split()) for n in COUNTS
        ]


def test_published_articles_in_the_admin_message():
    assert counted("نُشر مقال واحد.", "نُشر %(count)d مقالا.") == [
        "لم يُنشر أي مقال.",
        "نُشر مقال واحد.",
        "نُشر مقالان.",
        "نُشرت 3 مقالات.",
        "نُشر 11 مقالا.",
        "نُشر 100 مقال.",
    ]


def test_articles_sent_back_to_drafts():
    assert counted("أُرجع مقال واحد إلى المسودات.", "أُرجع %(count)d مقالا إلى المسودات.")[1:] == [
        "أُرجع مقال واحد إلى المسودات.",
        "أُرجع مقالان إلى المسودات.",
        "أُرجعت 3 مقالات إلى المسودات.",
        "أُرجع 11 مقالا إلى المسودات.",
        "أُرجع 100 مقال إلى المسودات.",
    ]


@pytest.mark.parametrize(
    ("singular", "plural", "expected"),
    [
        (
            "نُشر تعليق واحد.",
            "نُشر %(count)d تعليقا.",
            ["نُشر تعليق واحد.", "نُشر تعليقان.", "نُشرت 3 تعليقات.", "نُشر 11 تعليقا.", "نُشر 100 تعليق."],
        ),
        (
            "رُفض تعليق واحد.",
            "رُفض %(count)d تعليقا.",
            ["رُفض تعليق واحد.", "رُفض تعليقان.", "رُفضت 3 تعليقات.", "رُفض 11 تعليقا.", "رُفض 100 تعليق."],
        ),
        (
            "وُسم تعليق واحد كرسالة مزعجة.",
            "وُسم %(count)d تعليقا كرسائل مزعجة.",
            [
                "وُسم تعليق واحد كرسالة مزعجة.",
                "وُسم تعليقان كرسائل مزعجة.",
                "وُسمت 3 تعليقات كرسائل مزعجة.",
                "وُسم 11 تعليقا كرسائل مزعجة.",
                "وُسم 100 تعليق كرسائل مزعجة.",
            ],
        ),
        (
            "أبلغ عنه قارئ واحد",
            "أبلغ عنه %(count)d قراء",
            ["أبلغ عنه قارئ واحد", "أبلغ عنه قارئان", "أبلغ عنه 3 قراء", "أبلغ عنه 11 قارئا", "أبلغ عنه 100 قارئ"],
        ),
    ],
)
def test_comment_moderation_counts(singular, plural, expected):
    assert counted(singular, plural)[1:] == expected


def test_search_and_form_limits():
    assert counted(
        "عبارة البحث طويلة جدا: حرف واحد على الأكثر.", "عبارة البحث طويلة جدا: %(max)d حرف على الأكثر.", "max"
    )[3:] == [
        "عبارة البحث طويلة جدا: 3 أحرف على الأكثر.",
        "عبارة البحث طويلة جدا: 11 حرفا على الأكثر.",
        "عبارة البحث طويلة جدا: 100 حرف على الأكثر.",
    ]
    words = counted(
        "عبارة البحث فيها كلمات كثيرة: كلمة واحدة على الأكثر.",
        "عبارة البحث فيها كلمات كثيرة: %(max)d كلمات على الأكثر.",
        "max",
    )
    assert words[2:4] == [
        "عبارة البحث فيها كلمات كثيرة: كلمتان على الأكثر.",
        "عبارة البحث فيها كلمات كثيرة: 3 كلمات على الأكثر.",
    ]


def test_comment_counts_on_cards_and_under_the_article():
    source = (
        "{% blocktranslate trimmed count counter=n %}تعليق واحد{% plural %}{{ counter }} تعليق{% endblocktranslate %}"
    )
    assert rendered(source) == ["لا تعليقات", "تعليق واحد", "تعليقان", "3 تعليقات", "11 تعليقا", "100 تعليق"]


def test_pending_comments_on_the_admin_index():
    source = (
        "{% blocktranslate trimmed count count=n %}تعليق واحد في انتظار المراجعة"
        "{% plural %}{{ count }} تعليق في انتظار المراجعة{% endblocktranslate %}"
    )
    assert rendered(source)[1:4] == [
        "تعليق واحد في انتظار المراجعة",
        "تعليقان في انتظار المراجعة",
        "3 تعليقات في انتظار المراجعة",
    ]


def test_how_long_a_confirmation_link_lasts():
    source = (
        "{% blocktranslate trimmed count days=n %}الرابط صالح ليوم واحد.{% plural %}"
        "الرابط صالح لمدة {{ days }} يوم.{% endblocktranslate %}"
    )
    assert rendered(source) == [
        "الرابط صالح أقل من يوم.",
        "الرابط صالح ليوم واحد.",
        "الرابط صالح ليومين.",
        "الرابط صالح لمدة 3 أيام.",
        "الرابط صالح لمدة 11 يوما.",
        "الرابط صالح لمدة 100 يوم.",
    ]
