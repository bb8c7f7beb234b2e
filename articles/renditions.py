"""The sizes an uploaded picture is shown in, made and looked up through sorl-thumbnail.

Each use (a card, the big card on the home, the article cover) names the widths its
`srcset` offers and the `sizes` that tell the browser how wide it is drawn, from the
layout in site.css. Every width exists as WebP and as JPEG, for the few browsers and
link previewers that read no WebP. A rendition is made the first time it is asked for
and then found in sorl's key-value store, which answers from the cache: a page of cards
costs no query per card once its renditions exist.

Asking sorl costs about 0.05 ms a rendition (a key-value read and its bookkeeping), and a
listing draws twelve pictures of four renditions each: each process keeps the answer of
srcset() per picture file, so a page of cards asks sorl nothing once it has been drawn.
A rendition's URL depends only on the source file's name and the use, and an upload never
reuses the name of a file still on disk, so the memory can only be out of date for a file
that is gone; it is bounded, and emptied when full.
"""

from dataclasses import dataclass

from django.conf import settings
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


SRCSET_MEMORY_SIZE = 4096
_srcsets: dict[tuple[str, str, str], dict] = {}


def srcset(image, *, use: str) -> dict:
    """For a <picture>: the WebP and JPEG `srcset`s, the `sizes`, and the middle JPEG as the plain `src`."""
    # The media root is part of the key: a test, or a second site in the process, has its own files.
    key = (str(settings.MEDIA_ROOT), image.name, use)
    found = _srcsets.get(key)
    if found is None:
        found = _srcset(image, use=use)
        if len(_srcsets) >= SRCSET_MEMORY_SIZE:
            _srcsets.clear()
        _srcsets[key] = found
    return found


def _srcset(image, *, use: str) -> dict:
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
