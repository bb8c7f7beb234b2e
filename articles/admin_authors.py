"""The byline profiles in the admin: «الكتّاب» for editors, and the byline of the article form."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from sorl.thumbnail import get_thumbnail

from articles.models import Author, Byline
from articles.pagecache import author_page_keys, pages_invalidate
from articles.services import article_may_publish


def list_thumbnail(image, *, width: int, height: int):
    """A picture's small copy for a row of an admin list, or a dash."""
    if not image:
        return "—"
    thumbnail = get_thumbnail(image, f"{width}x{height}", crop="center", quality=80)
    return format_html('<img src="{}" width="{}" height="{}" alt="" class="desk-thumb">', thumbnail.url, width, height)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    """Profiles of journalists, agencies and guest writers; only editors hold the permissions."""

    list_display = ["photo_thumbnail", "name", "kind", "user"]
    list_display_links = ["photo_thumbnail", "name"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "bio"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "bio", "photo"]}),
        (_("الروابط"), {"fields": ["website", "x_url", "facebook_url"]}),
        (_("حساب الدخول"), {"fields": ["user"]}),
    ]

    @admin.display(description=_("الصورة"))
    def photo_thumbnail(self, obj):
        return list_thumbnail(obj.photo, width=48, height=48)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # A profile's name, photo or address shows on its page, on the article pages it signs,
    # in search results, feeds and the sitemap: those are rendered anew.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        keys = author_page_keys(obj.pk)
        transaction.on_commit(lambda: pages_invalidate(keys=keys))

    def delete_model(self, request, obj):
        keys = author_page_keys(obj.pk)
        super().delete_model(request, obj)
        transaction.on_commit(lambda: pages_invalidate(keys=keys))

    def delete_queryset(self, request, queryset):
        keys = set().union(*(author_page_keys(pk) for pk in queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: pages_invalidate(keys=keys))


class BylineInline(admin.TabularInline):
    """The byline of the article form, in the order readers see it: editors add an agency or a guest here.

    A journalist sees it without changing it; an article saved with no byline is signed
    by its desk authors' profiles (articles.services.article_bylines_fill).
    """

    model = Byline
    extra = 0
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    verbose_name = _("كاتب")
    verbose_name_plural = _("التوقيع (بالترتيب الذي يقرؤه القراء؛ يوقَّع المقال باسم صاحبه إن تُرك فارغا)")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and (obj is not None or article_may_publish(request.user))

    def has_add_permission(self, request, obj=None):
        return article_may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return article_may_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return article_may_publish(request.user)
