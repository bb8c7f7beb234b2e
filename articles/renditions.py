"""The sizes an uploaded picture is shown in, made and looked up through sorl-thumbnail.

Each use (a card, the big card on the home, the article cover) names the widths its
`srcset` offers and the `sizes` that tell the browser how wide it is drawn, from the
layout in site.css. Every width exists as WebP and as JPEG, for the few browsers and
link previewers that read no WebP. A rendition is made the first time it is asked for
and then found in sorl's key-value store, which answers from the cache: a page of cards
costs no query per card once its renditions exist.
"""

from dataclasses import dataclass

from sorl.thumbnail import get_thumbnail


@dataclass(frozen=True)
class Use:
    ratio: tuple[int, int]
    widths: tuple[int, ...]
    sizes: str


USES = {
    # 38% of a phone's width beside the headline; a grid column of at most ~380 px.
    "card": Use((16, 9), (320, 640), "(max-width: 600px) 38vw, (max-width: 1180px) 33vw, 380px"),
    # The whole width on a phone, 58% of the 1180 px container beside its headline.
    "card-big": Use((16, 9), (480, 800, 1200), "(max-width: 800px) 100vw, 680px"),
    # The article's 46rem column.
    "cover": Use((16, 9), (480, 800, 1200), "(max-width: 46rem) 100vw, 736px"),
    # The author page's square photo beside the bio (.author-photo in site.css).
    "portrait": Use((1, 1), (160, 320), "160px"),
}
FORMATS = {"WEBP": "image/webp", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    mime_type: str


def rendition(image, *, width: int, height: int, image_format: str = "JPEG") -> Rendition:
    """`image` cropped to `width`x`height` from its centre; OSError when its file is gone."""
    thumbnail = get_thumbnail(image, f"{width}x{height}", crop="center", format=image_format)
    if thumbnail.size is None:  # sorl logged the failure and handed back an empty image
        raise FileNotFoundError(image.name)
    return Rendition(thumbnail.url, thumbnail.width, thumbnail.height, FORMATS[image_format])


def srcset(image, *, use: str) -> dict:
    """For a <picture>: the WebP and JPEG `srcset`s, the `sizes`, and the middle JPEG as the plain `src`."""
    spec = USES[use]

    def widths(image_format):
        return [
            rendition(image, width=width, height=width * spec.ratio[1] // spec.ratio[0], image_format=image_format)
            for width in spec.widths
        ]

    def listed(items):
        return ", ".join(f"{item.url} {item.width}w" for item in items)

    jpegs = widths("JPEG")
    return {
        "webp": listed(widths("WEBP")),
        "jpeg": listed(jpegs),
        "fallback": jpegs[(len(jpegs) - 1) // 2],
        "sizes": spec.sizes,
    }
