"""Draw the site's icons and default share image from the logo's colours; run once, commit the output.

    .venv/bin/python scripts/make_brand_images.py

Writes into static/img/: favicon.ico (16, 32, 48 px), apple-touch-icon.png (180 px),
icon-192.png, icon-512.png and share.png (1200x630, the site's name in Noto Naskh Arabic).
The logo (static/img/logo.png) is a 600x60 strip: a row of dashes, then the mark, an
orange dot and three bars, on white in a brand-red frame. The icons redraw that mark
large rather than scaling up a 60 px picture.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BASE = Path(__file__).resolve().parent.parent
IMG = BASE / "static" / "img"
FONT = BASE / "static" / "fonts" / "noto-naskh-arabic-arabic-700-normal.woff2"
SITE_NAME = "كواليس اليوم"
TAGLINE = "أخبار المغرب والعالم"
SCALE = 4  # drawn large, then reduced: smooth edges without anti-aliasing primitives


def logo_colours() -> tuple[tuple, tuple]:
    """(brand red, dot orange) as the logo paints them."""
    with Image.open(IMG / "logo.png") as logo:
        logo = logo.convert("RGB")
        return logo.getpixel((2, 30)), logo.getpixel((510, 30))


def draw_mark(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], *, dot, bars) -> None:
    """The logo's mark (a dot, then three bars of falling height) fitted in `box`."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    radius = width * 0.16
    centre_x, centre_y = left + radius, bottom - radius
    draw.ellipse((centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius), fill=dot)
    bar = width * 0.14
    gap = width * 0.08
    x = left + 2 * radius + gap * 1.6
    for share in (1.0, 0.72, 0.5):
        draw.rectangle((x, bottom - height * share, x + bar, bottom), fill=bars)
        x += bar + gap


def icon(size: int, *, red, orange) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGB", (big, big), red)
    draw = ImageDraw.Draw(image)
    margin = big * 0.17
    draw_mark(draw, (margin, margin * 1.1, big - margin, big - margin), dot=orange, bars=(255, 255, 255))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def share_image(*, red, orange) -> Image.Image:
    width, height = 1200, 630
    image = Image.new("RGB", (width * SCALE, height * SCALE), red)
    draw = ImageDraw.Draw(image)
    name = ImageFont.truetype(str(FONT), 150 * SCALE)
    tagline = ImageFont.truetype(str(FONT), 56 * SCALE)
    centre = width * SCALE / 2
    draw.text((centre, 270 * SCALE), SITE_NAME, font=name, fill="white", anchor="mm", direction="rtl", language="ar")
    draw.text(
        (centre, 420 * SCALE), TAGLINE, font=tagline, fill=(255, 232, 220), anchor="mm", direction="rtl", language="ar"
    )
    mark = 120 * SCALE
    draw_mark(
        draw,
        (centre - mark / 2, 470 * SCALE, centre + mark / 2, 470 * SCALE + mark * 0.75),
        dot=orange,
        bars=(255, 255, 255),
    )
    return image.resize((width, height), Image.Resampling.LANCZOS)


def main() -> int:
    red, orange = logo_colours()
    icon(512, red=red, orange=orange).save(IMG / "icon-512.png", optimize=True)
    icon(192, red=red, orange=orange).save(IMG / "icon-192.png", optimize=True)
    icon(180, red=red, orange=orange).save(IMG / "apple-touch-icon.png", optimize=True)
    icon(48, red=red, orange=orange).save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    share_image(red=red, orange=orange).save(IMG / "share.png", optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
