import pytest

from comments.html import comment_html


@pytest.mark.parametrize(
    "text, expected",
    [
        ("بلا روابط", "<p>بلا روابط</p>"),
        (
            "المصدر: https://example.ma/a?b=1&c=2، وشكرا",
            '<p>المصدر: <a href="https://example.ma/a?b=1&amp;c=2" rel="nofollow ugc noopener" dir="ltr">'
            "https://example.ma/a?b=1&amp;c=2</a>، وشكرا</p>",
        ),
        (
            '(http://x.ma/"onmouseover="alert(1))',
            '<p>(<a href="http://x.ma/" rel="nofollow ugc noopener" dir="ltr">http://x.ma/</a>'
            "&quot;onmouseover=&quot;alert(1))</p>",
        ),
        (
            "http://x.ma/<script>",
            '<p><a href="http://x.ma/" rel="nofollow ugc noopener" dir="ltr">http://x.ma/</a>&lt;script&gt;</p>',
        ),
        ("javascript:alert(1) data:text/html,x ftp://x.ma", "<p>javascript:alert(1) data:text/html,x ftp://x.ma</p>"),
        ("https://", "<p>https://</p>"),
        ("سطر\nسطر\n\nفقرة", "<p>سطر<br>سطر</p>\n\n<p>فقرة</p>"),
    ],
)
def test_comment_html_is_escaped_text_with_safe_links(text, expected):
    assert comment_html(text) == expected
