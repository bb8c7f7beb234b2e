"""What search engines and social networks read of an article page."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles.bylines import author_name

PUBLISHER_LOGO = "img/logo.png"
PUBLISHER_LOGO_SIZE = (600, 60)
SHARE_IMAGE_GEOMETRY = "1200x675"  # the same rendition the article page shows


def share_image_url(article, request) -> str:
    """Absolute URL of the article's share image (its cover, or the site logo)."""
    if article.cover:
        from sorl.thumbnail import get_thumbnail

        try:
            image = get_thumbnail(article.cover, SHARE_IMAGE_GEOMETRY, crop="center")
            return request.build_absolute_uri(image.url)
        except OSError:  # a cover file gone from storage: fall back to the logo
            pass
    return request.build_absolute_uri(static(PUBLISHER_LOGO))


def local_iso(moment) -> str:
    """`moment` in ISO 8601 with the Casablanca offset, e.g. 2024-12-05T11:30:00+01:00."""
    return timezone.localtime(moment).isoformat()


def article_json_ld(article, request, *, image: str) -> dict:
    """The schema.org NewsArticle of `article`, as a dict ready for JSON."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = [
        {
            "@type": "Person",
            "name": author_name(author),
            "url": request.build_absolute_uri(reverse("articles:author", args=[author.get_username()])),
        }
        for author in article.authors.all()
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.lead,
        "image": [image],
        "inLanguage": "ar-MA",
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "datePublished": local_iso(article.published_at) if article.published_at else None,
        "dateModified": local_iso(max(article.updated_at, article.published_at))
        if article.published_at and article.updated_at
        else None,
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
