from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.health import healthz
from articles.uploads import editor_image_upload, media_serve

# Bad requests answer in Arabic without reading the request body again.
handler400 = "articles.middleware.bad_request_view"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("editor/image-upload/", editor_image_upload, name="editor-image-upload"),
    path("comments/", include("comments.urls")),
    path("newsletter/", include("newsletter.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media_serve),
    ]

# Last: the articles app owns the root and the category slugs.
urlpatterns += [path("", include("articles.urls"))]
