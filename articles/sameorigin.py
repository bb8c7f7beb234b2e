"""Cross-site form posts refused without a CSRF cookie, so public pages can carry none.

The reader forms (comment, report, newsletter signup) sit on pages every anonymous
reader shares through a cache: a CSRF token in them would be one reader's cookie shown
to all, and the cookie itself makes the page uncacheable. These views act on no
session's authority (nothing in them reads who is signed in), so what needs refusing is
a post made from another site. Browsers say where a post comes from:

- `Origin` (every current browser, on every form POST): it must be this site's origin
  or one of CSRF_TRUSTED_ORIGINS. `Origin: null` (a sandboxed frame, a data: page) is
  refused.
- Else `Sec-Fetch-Site`: only `same-origin` passes.
- Else (an old browser): the `Referer` must be a page of this site. A post with none of
  the three is refused: a browser that strips all of them cannot be told from a script
  on another site posting through it.

The admin and every signed-in page keep Django's own CSRF check.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt


def _own_origins(request) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def _origin_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_same_origin_post(request) -> bool:
    """True when the browser says the post was made from a page of this site."""
    origin = request.headers.get("Origin")
    own = {value.lower() for value in _own_origins(request)}
    if origin is not None:
        return origin.lower() in own
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    referer = request.headers.get("Referer")
    return bool(referer) and _origin_of(referer) in own


def cross_site_refused(request):
    """The Arabic 403 a post from another site gets."""
    return render(request, "403_cross_site.html", status=403)


def same_origin_post(view):
    """Guard a public form view by where the post came from instead of by a CSRF cookie.

    GET and HEAD pass as they are; any other method must come from this site.
    """

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} and not is_same_origin_post(request):
            return cross_site_refused(request)
        return view(request, *args, **kwargs)

    return guarded
