"""Uploaded images: checked with Pillow, then stored only as Pillow writes them again.

An upload is never stored as the client sent it. Its bytes may hold HTML or script
behind a valid image header, its name may say `.html`, its EXIF may carry a
photographer's GPS position, and its pixel count may be a decompression bomb. So the
format Pillow detects names the file, and the stored bytes are a fresh encoding of the
decoded pixels: no metadata, no trailing bytes.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats browsers show, with the extension each is stored under.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}

# Image.info keys that describe how to draw the pixels, kept when an image is written again.
_KEPT_INFO = ("transparency", "duration", "loop", "background", "icc_profile")

_NOT_AN_IMAGE = _("الملف المرفوع ليس صورة صالحة.")


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    extension: str
    width: int
    height: int


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    params = {"width": width, "height": height, "limit": settings.IMAGE_MAX_MEGAPIXELS}
    if width is None:  # Pillow refused before telling the size
        message = _("أبعاد الصورة كبيرة جدا؛ الحد الأقصى %(limit)s مليون بكسل.")
    else:
        message = _("أبعاد الصورة كبيرة جدا (%(width)s×%(height)s)؛ الحد الأقصى %(limit)s مليون بكسل.")
    return ValidationError(message, code="image_too_many_pixels", params=params)


def _open(file) -> Image.Image:
    """Open `file` as an image within the byte and pixel bounds, or raise an Arabic ValidationError."""
    limit_mb = settings.IMAGE_UPLOAD_MAX_MB
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("حجم الصورة أكبر من المسموح به (%(limit)s ميغابايت)."),
            code="image_too_large",
            params={"limit": limit_mb},
        )
    file.seek(0)
    # Pillow reads from a copy (at most the byte bound), so the upload stays open and whole.
    data = io.BytesIO(file.read())
    try:
        with warnings.catch_warnings():
            # Pillow warns before it refuses; the bound below is ours and lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(data)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_NOT_AN_IMAGE, code="invalid_image") from None
    if image.format not in EXTENSIONS:
        raise ValidationError(
            _("صيغة الصورة غير مقبولة؛ الصيغ المقبولة: JPEG وPNG وGIF وWebP وAVIF."),
            code="invalid_image_format",
        )
    # The header gives the size before a single pixel is decoded.
    width, height = image.size
    frames = getattr(image, "n_frames", 1)
    if width * height * frames > settings.IMAGE_MAX_MEGAPIXELS * 1_000_000:
        raise _too_many_pixels(width, height)
    return image


def image_validate(file) -> None:
    """Raise an Arabic ValidationError unless `file` is an image we accept (bytes, format, pixels)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with _open(file) as image:
            # Decode every pixel (within the bound): a file that passes here also re-encodes.
            image.load()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds on a damaged file: all mean the same to a journalist.
        raise ValidationError(_NOT_AN_IMAGE, code="invalid_image") from None
    finally:
        file.seek(position)


def image_reencode(file) -> CleanImage:
    """The image in `file`, decoded and encoded again in its own format, without metadata.

    Raises an Arabic ValidationError for anything `image_validate` refuses, and for a file
    whose header is fine but whose pixels do not decode.
    """
    image = _open(file)
    image_format = image.format
    output = io.BytesIO()
    try:
        # Only what drawing the pixels needs survives: no EXIF, XMP, comments or text chunks.
        image.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        if getattr(image, "is_animated", False):
            # Animated GIF and WebP keep their frames; only the pixels and timing are written.
            image.save(output, format=image_format, save_all=True, loop=image.info.get("loop", 0))
        else:
            image.load()
            # Turn the picture upright as the camera meant, since its EXIF is about to go.
            upright = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and upright.mode not in {"RGB", "L"}:
                upright = upright.convert("RGB")
            options = {"quality": 90} if image_format in {"JPEG", "WEBP", "AVIF"} else {}
            upright.save(output, format=image_format, **options)
            image = upright
        width, height = image.size
    except Exception:  # a header that promises pixels the file does not hold
        raise ValidationError(_NOT_AN_IMAGE, code="invalid_image") from None
    finally:
        image.close()
        file.seek(0)
    return CleanImage(
        content=ContentFile(output.getvalue()), extension=EXTENSIONS[image_format], width=width, height=height
    )


class ReencodedImageField(models.ImageField):
    """An ImageField whose new files are stored as `image_reencode` writes them, named by format."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            clean = image_reencode(file)
            file.save(f"{uuid.uuid4().hex}.{clean.extension}", clean.content, save=False)
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        # The same column as an ImageField: re-encoding is what saving does, not schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
