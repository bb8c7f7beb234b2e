"""The Arabic text is drawn in the portal's own Noto Naskh Arabic, whatever fonts the reader's device has."""

from tests.helpers import make_article

# The faces of the family the page actually downloaded and can draw with.
LOADED_FACES = """() => document.fonts.ready.then(() =>
    [...document.fonts].filter(f => f.family.replace(/"/g, "") === "Noto Naskh Arabic" && f.status === "loaded")
        .map(f => f.weight + " " + f.unicodeRange.split(",")[0].trim().toUpperCase()))"""


def test_article_text_is_drawn_in_the_self_hosted_naskh_face(page, live_server):
    article = make_article("خبر بالخط العربي", sections=(("", "<p>نص المقال بالعربية، 2024.</p>"),))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    fonts = []
    page.on("response", lambda response: "/static/fonts/" in response.url and fonts.append(response))
    page.goto(article.get_absolute_url())
    faces = page.evaluate(LOADED_FACES)
    assert "400 U+600-6FF" in faces  # the Arabic regular face, from our own server
    assert page.evaluate("getComputedStyle(document.querySelector('.article-lead')).fontFamily").startswith(
        '"Noto Naskh Arabic"'
    )
    assert fonts and all(response.url.startswith(live_server.url) for response in fonts)
    assert all(response.headers["content-type"] == "font/woff2" for response in fonts)
    assert not failed
