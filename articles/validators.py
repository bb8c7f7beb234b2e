from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}


def validate_image_file(file):
    """A real image, in a format browsers show, no larger than the configured bound."""
    limit_mb = settings.IMAGE_UPLOAD_MAX_MB
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("حجم الصورة أكبر من المسموح به (%(limit)s ميغابايت)."),
            code="image_too_large",
            params={"limit": limit_mb},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("الملف المرفوع ليس صورة صالحة."), code="invalid_image") from None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("صيغة الصورة غير مقبولة؛ الصيغ المقبولة: JPEG وPNG وGIF وWebP وAVIF."),
            code="invalid_image_format",
        )
