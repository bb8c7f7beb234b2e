"""What search engines and social networks read of an article page."""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from articles.renditions import rendition

PUBLISHER_LOGO = "img/logo.png"
PUBLISHER_LOGO_SIZE = (600, 60)
# A page with no picture of its own: the site's name over its colour (scripts/make_brand_images.py).
DEFAULT_SHARE_IMAGE = "img/share.png"
DEFAULT_SHARE_IMAGE_SIZE = (1200, 630)
# JPEG, not the page's WebP, which some link previewers (older Facebook and messaging
# apps) do not show; 1200x630 is the frame Facebook and X draw a large card in.
SHARE_IMAGE_SIZE = (1200, 630)
# Google's article rich results ask for 16:9, 4:3 and 1:1, each at least 50,000 pixels.
JSON_LD_IMAGE_SIZES = ((1200, 675), (1200, 900), (1200, 1200))


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int
    height: int
    mime_type: str


def default_share_image(request) -> ShareImage:
    """The site's own share image, for pages without a picture."""
    return ShareImage(request.build_absolute_uri(static(DEFAULT_SHARE_IMAGE)), *DEFAULT_SHARE_IMAGE_SIZE, "image/png")


def share_image(article, request) -> ShareImage:
    """The article's share image (a JPEG of its cover, or the site's image), with its size."""
    if article.cover:
        try:
            image = rendition(article.cover, width=SHARE_IMAGE_SIZE[0], height=SHARE_IMAGE_SIZE[1])
            return ShareImage(request.build_absolute_uri(image.url), image.width, image.height, image.mime_type)
        except OSError:  # a cover file gone from storage
            pass
    return default_share_image(request)


def json_ld_images(article, request) -> list[str]:
    """The cover in 16:9, 4:3 and 1:1 (absolute URLs), or the site's image."""
    if article.cover:
        try:
            return [
                request.build_absolute_uri(rendition(article.cover, width=width, height=height).url)
                for width, height in JSON_LD_IMAGE_SIZES
            ]
        except OSError:
            pass
    return [default_share_image(request).url]


def author_urls(article, request) -> list[str]:
    """Absolute addresses of the author pages of `article`, in byline order."""
    return [request.build_absolute_uri(author.get_absolute_url()) for author in article.byline_authors]


def _author_entity(author, request) -> dict:
    # An agency is an organisation to search engines; a journalist or a guest, a person.
    return {
        "@type": "Organization" if author.is_organization else "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
    }


def author_json_ld(author, request) -> dict:
    """The schema.org ProfilePage of an author page: the Person or Organization it is about."""
    entity = _author_entity(author, request)
    if author.bio:
        entity["description"] = author.bio
    if author.photo:
        try:
            entity["image"] = request.build_absolute_uri(rendition(author.photo, width=400, height=400).url)
        except OSError:  # a photo file gone from storage
            pass
    if author.links:
        entity["sameAs"] = [url for _label, url in author.links]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": entity}


def local_iso(moment) -> str:
    """`moment` in ISO 8601 with the Casablanca offset, e.g. 2024-12-05T11:30:00+01:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def article_json_ld(article, request) -> dict:
    """The schema.org NewsArticle of `article`, as a dict ready for JSON."""
    url = request.build_absolute_uri(article.get_absolute_url())
    authors = [_author_entity(author, request) for author in article.byline_authors]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.lead,
        "image": json_ld_images(article, request),
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
