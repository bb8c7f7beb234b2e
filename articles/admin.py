from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from articles.audit import Action, audit_record, audit_record_many
from articles.bylines import authors_line
from articles.models import Article, AuditEntry, Category, Correction, Section
from articles.pagecache import pages_invalidate
from articles.pages import article_page_context
from articles.services import article_may_publish, article_publish, article_save, article_unpublish

EDITOR_ONLY_FIELDS = ("published_at", "is_featured", "is_breaking", "breaking_until", "authors")


class ArticleAdminForm(forms.ModelForm):
    """The article form. Status and date are what the editor asks for: they reach the
    article through articles.services.article_save(), which knows that "منشور" without
    a date means now, so validation must not refuse that as a broken constraint."""

    def clean(self):
        cleaned = super().clean()
        self.publication = {
            "status": cleaned.get("status", self.instance.status),
            "published_at": cleaned.get("published_at", self.instance.published_at),
        }
        # The model is validated as it stands; the service applies the request on save.
        for name in self.publication:
            if name in cleaned:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]

    # The sections are the navigation of every page: a change renders every cached page anew.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: pages_invalidate(keys=["site"]))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(lambda: pages_invalidate(keys=["site"]))

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: pages_invalidate(keys=["site"]))


class CorrectionInline(admin.TabularInline):
    """Corrections and updates of a published article: editors only, shown to readers."""

    model = Correction
    extra = 0
    fields = ["kind", "noted_at", "note"]

    def _editor(self, request, obj=None):
        return obj is not None and obj.is_public and article_may_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return obj is not None and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return self._editor(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editor(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editor(request, obj)


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    min_num = 1
    fields = ["position", "heading", "body", "anchor"]
    readonly_fields = ["anchor"]
    verbose_name = _("فقرة")
    verbose_name_plural = _("فقرات المقال (المقدمة أولا بلا عنوان فرعي، ثم الفقرات المعنونة بالترتيب)")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [SectionInline, CorrectionInline]
    list_display = [
        "title",
        "category",
        "status",
        "published_at",
        "is_featured",
        "is_breaking",
        "author_names",
        "preview_link",
    ]
    list_filter = ["status", "category", "authors", "published_at", "is_featured", "is_breaking"]
    list_select_related = ["category"]
    search_fields = ["title", "lead", "sections__heading"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["see_also"]
    filter_horizontal = ["authors"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "category", "tags"]}),
        (_("صورة الغلاف"), {"fields": ["cover", "cover_caption", "cover_credit"]}),
        (
            _("النشر"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "authors",
                    "is_featured",
                    "is_breaking",
                    "breaking_until",
                    "comments_open",
                ]
            },
        ),
        (_("شاهد أيضا"), {"fields": ["see_also"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("authors")
        if article_may_publish(request.user):
            return queryset
        # A scoop stays with its author until it is published: other journalists never see
        # another's draft or article in review, in the list, the autocomplete or by its id.
        mine = Article.objects.filter(authors=request.user).values("pk")
        return queryset.filter(Q(status=Article.Status.PUBLISHED) | Q(pk__in=mine))

    @admin.display(description=_("الكتّاب"))
    def author_names(self, obj):
        return authors_line(obj.authors.all())

    @admin.display(description=_("معاينة"))
    def preview_link(self, obj):
        url = reverse("admin:articles_article_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("معاينة"))

    # Roles: journalists write and edit their own articles until they are published;
    # editors (with publish_article) edit everything and decide what goes out and when.
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or article_may_publish(request.user):
            return True
        return obj.status != Article.Status.PUBLISHED and obj.authors.filter(pk=request.user.pk).exists()

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or article_may_publish(request.user):
            return True
        return obj.status == Article.Status.DRAFT and obj.authors.filter(pk=request.user.pk).exists()

    def get_readonly_fields(self, request, obj=None):
        if article_may_publish(request.user):
            return []
        return list(EDITOR_ONLY_FIELDS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not article_may_publish(request.user):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not article_may_publish(request.user):
            kwargs["choices"] = [
                (value, label) for value, label in Article.Status.choices if value != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Written by article_save() in save_related(), which needs the formsets: sections
        # and tags must be saved before the search index is rebuilt from them.
        pass

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=Action.DELETED, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit_record_many(actor=request.user, action=Action.DELETED, targets=list(queryset))
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        formset.save()
        if formset.model is not Section:
            return
        # Sections follow the "الترتيب" numbers the journalist gave; ties (new sections
        # left at 0) keep their place in the form. Positions are then renumbered 0..n.
        deleted = set(formset.deleted_forms)
        live = [f for f in formset.forms if f.instance.pk and f not in deleted]
        ordered = sorted(live, key=lambda f: (f.instance.position, formset.forms.index(f)))
        for position, section_form in enumerate(ordered):
            if section_form.instance.position != position:
                section_form.instance.position = position
                section_form.instance.save(update_fields=["position"])

    def save_related(self, request, form, formsets, change):
        article = form.instance

        def save_sections_tags_and_authors():
            super(ArticleAdmin, self).save_related(request, form, formsets, change)
            if not article.authors.exists():
                article.authors.add(request.user)

        article_save(
            article=article,
            user=request.user,
            status=form.publication["status"],
            published_at=form.publication["published_at"],
            save_related=save_sections_tags_and_authors,
        )

    @admin.action(description=_("نشر المقالات المحددة الآن"), permissions=["change"])
    def publish(self, request, queryset):
        chosen = list(queryset.exclude(status=Article.Status.PUBLISHED))
        for article in chosen:
            # A date already set (a planned time) is kept; without one, now.
            article_publish(article=article, user=request.user, at=article.published_at)
        count = len(chosen)
        done = ngettext("نُشر مقال واحد.", "نُشر %(count)d مقالا.", count) % {"count": count}
        self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("إرجاع المقالات المحددة إلى المسودات"), permissions=["change"])
    def unpublish(self, request, queryset):
        chosen = list(queryset.filter(status=Article.Status.PUBLISHED))
        for article in chosen:
            article_unpublish(article=article, user=request.user)
        count = len(chosen)
        done = ngettext("أُرجع مقال واحد إلى المسودات.", "أُرجع %(count)d مقالا إلى المسودات.", count)
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    def get_urls(self):
        preview = self.admin_site.admin_view(never_cache(self.preview_view))
        return [path("<int:pk>/preview/", preview, name="articles_article_preview"), *super().get_urls()]

    def preview_view(self, request, pk):
        """The article as it will look once published, for the newsroom only."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        visible = self.get_queryset(request).values("pk")  # a journalist previews only what they may see
        article = get_object_or_404(Article.objects.for_detail().filter(pk__in=visible), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = article_page_context(request=request, article=article, preview=True)
        response = TemplateResponse(request, "articles/detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, for editors to read: nobody adds, changes or deletes an entry."""

    list_display = ["at", "actor_name", "action", "target", "detail"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["target_text", "actor_name", "detail"]
    date_hierarchy = "at"
    list_select_related = ["target_type"]
    fields = ["at", "actor_name", "action", "target", "detail"]
    readonly_fields = fields

    @admin.display(description=_("الهدف"), ordering="target_text")
    def target(self, entry):
        url = None
        if entry.target_type_id and entry.action != Action.DELETED:
            model = entry.target_type.model_class()
            if model is not None and self.admin_site.is_registered(model):
                opts = model._meta
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.target_id])
        return format_html('<a href="{}">{}</a>', url, entry.target_text) if url else entry.target_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
