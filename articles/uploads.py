"""Uploads: the editor's image upload and, for local runs, serving what was uploaded."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.static import serve as static_serve

from articles.images import EXTENSIONS, image_reencode

# What /media/ hands out inline; everything else is sent as a download.
IMAGE_EXTENSIONS = set(EXTENSIONS.values()) | {"jpeg"}


def can_upload_images(user) -> bool:
    """Only people who write articles may put images on the site: staff alone is not enough."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("articles.add_article") or user.has_perm("articles.change_article"))
    )


@require_POST
def editor_image_upload(request):
    """Image upload from CKEditor: newsroom only, a real image within the bounds, stored re-encoded.

    The stored name comes from the format Pillow found, never from the upload's name, and
    the stored bytes are Pillow's own encoding: whatever else the file carried is gone.
    """
    if not can_upload_images(request.user):
        return JsonResponse({"error": {"message": gettext("ليست لديك صلاحية رفع الصور.")}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": gettext("لم يصل أي ملف.")}}, status=400)
    try:
        image = image_reencode(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    path = f"editor/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{image.extension}"
    name = default_storage.save(path, image.content)
    return JsonResponse({"url": default_storage.url(name)})


def media_serve(request, path):
    """Uploads, for local runs without a front server: images inline, anything else as a download.

    Every response forbids sniffing and runs nothing: a file that is not an image can never
    become a page of the site's origin.
    """
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    if Path(path).suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS:
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response
