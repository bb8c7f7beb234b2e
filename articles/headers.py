"""Security headers on every response the application makes: CSP, Permissions-Policy, CORP.

A small middleware rather than django-csp: the site needs two fixed policies (the public
pages and the newsroom's admin), no per-request nonces (no page has an inline script),
and one hash for the standalone 500 page's inline style. Both are built once, at start.
"""

import base64
import hashlib
import re

from django.conf import settings

# What a news site never asks a reader's device for.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _inline_style_hashes() -> list[str]:
    """The hash of each inline <style> of the 500 page, which renders without any context."""
    page = (settings.BASE_DIR / "templates" / "500.html").read_text(encoding="utf-8")
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    ]


def _media_origin() -> str:
    # Uploads served from another origin (recommended) must still show.
    match = re.match(r"^(https?://[^/]+)", settings.MEDIA_URL)
    return match.group(1) if match else ""


def _policy(**directives: list[str]) -> str:
    return "; ".join(f"{name.replace('_', '-')} {' '.join(values)}".strip() for name, values in directives.items())


def build_policies() -> tuple[str, str]:
    """(public policy, admin policy)."""
    images = ["'self'", "data:", *filter(None, [_media_origin()])]
    common = {
        "default_src": ["'self'"],
        "object_src": ["'none'"],
        "base_uri": ["'none'"],
        "form_action": ["'self'"],
        "font_src": ["'self'"],
        "connect_src": ["'self'"],
        "manifest_src": ["'self'"],
    }
    upgrade = {"upgrade_insecure_requests": []} if settings.HTTPS else {}
    public = _policy(
        **common,
        script_src=["'self'"],
        style_src=["'self'", *_inline_style_hashes()],
        img_src=images,
        frame_src=["'none'"],
        frame_ancestors=["'none'"],
        **upgrade,
    )
    # CKEditor 5 writes its own styles into the page, and the admin's widgets set style
    # attributes: styles need 'unsafe-inline' there. Scripts stay 'self' only.
    admin = _policy(
        **common,
        script_src=["'self'"],
        style_src=["'self'", "'unsafe-inline'"],
        img_src=[*images, "blob:"],
        frame_src=["'self'"],  # the newsletter preview
        frame_ancestors=["'self'"],
        **upgrade,
    )
    return public, admin


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public, self.admin = build_policies()
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        newsroom = request.path_info.startswith((self.admin_prefix, "/editor/"))
        response.headers.setdefault("Content-Security-Policy", self.admin if newsroom else self.public)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
