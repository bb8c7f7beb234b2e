from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.health import healthz
from articles.views import editor_image_upload

admin.site.site_header = "كواليس اليوم — غرفة التحرير"
admin.site.site_title = "غرفة التحرير"
admin.site.index_title = "إدارة الموقع"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("editor/image-upload/", editor_image_upload, name="editor-image-upload"),
    path("comments/", include("comments.urls")),
    path("newsletter/", include("newsletter.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Last: the articles app owns the root and the category slugs.
urlpatterns += [path("", include("articles.urls"))]
