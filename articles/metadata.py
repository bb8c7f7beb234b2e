"""What search engines and social networks read of an article page."""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles.bylines import author_name

PUBLISHER_LOGO = "img/logo.png"
PUBLISHER_LOGO_SIZE = (600, 60)
# The frame the article page shows, as a JPEG: the page's renditions are WebP, which
# some link previewers (older Facebook and messaging apps) do not show.
SHARE_IMAGE_GEOMETRY = "1200x675"
SHARE_IMAGE_FORMAT = "JPEG"


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int
    height: int
    mime_type: str


def share_image(article, request) -> ShareImage:
    """The article's share image (a JPEG of its cover, or the site logo), with its size."""
    if article.cover:
        from sorl.thumbnail import get_thumbnail

        try:
            image = get_thumbnail(article.cover, SHARE_IMAGE_GEOMETRY, crop="center", format=SHARE_IMAGE_FORMAT)
            return ShareImage(request.build_absolute_uri(image.url), image.width, image.height, "image/jpeg")
        except OSError:  # a cover file gone from storage: fall back to the logo
            pass
    return ShareImage(request.build_absolute_uri(static(PUBLISHER_LOGO)), *PUBLISHER_LOGO_SIZE, "image/png")


def author_urls(article, request) -> list[str]:
    """Absolute addresses of the author pages of `article`, in byline order."""
    return [
        request.build_absolute_uri(reverse("articles:author", args=[author.get_username()]))
        for author in article.authors.all()
    ]


def local_iso(moment) -> str:
    """`moment` in ISO 8601 with the Casablanca offset, e.g. 2024-12-05T11:30:00+01:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def article_json_ld(article, request, *, image: ShareImage) -> dict:
    """The schema.org NewsArticle of `article`, as a dict ready for JSON."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = [
        {"@type": "Person", "name": author_name(author), "url": author_url}
        for author, author_url in zip(article.authors.all(), author_urls(article, request), strict=True)
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.lead,
        "image": [image.url],
        "inLanguage": "ar-MA",
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "datePublished": local_iso(article.published_at) if article.published_at else None,
        "dateModified": local_iso(max(article.updated_at, article.published_at))
        if article.published_at and article.updated_at
        else None,
        "correction": [
            {"@type": "CorrectionComment", "text": note.note, "datePublished": local_iso(note.noted_at)}
            for note in article.corrections.all()
            if note.kind == note.Kind.CORRECTION
        ]
        or None,
        "author": authors
        or [{"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static(PUBLISHER_LOGO)),
                "width": PUBLISHER_LOGO_SIZE[0],
                "height": PUBLISHER_LOGO_SIZE[1],
            },
        },
    }
    return {key: value for key, value in data.items() if value is not None}
