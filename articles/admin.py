import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles import revisions
from articles.admin_authors import BylineInline, list_thumbnail
from articles.audit import Action, audit_record, audit_record_many
from articles.bylines import authors_line
from articles.models import Article, AuditEntry, Byline, Category, Correction, Page, Section
from articles.pagecache import pages_invalidate
from articles.pages import article_page_context
from articles.services import (
    article_bylines_fill,
    article_editing_open,
    article_feature,
    article_may_publish,
    article_publish,
    article_restore,
    article_save,
    article_unpublish,
)

EDITOR_ONLY_FIELDS = ("published_at", "is_featured", "featured_order", "is_breaking", "breaking_until", "authors")


# The workflow buttons of the article form (templates/admin/articles/article/submit_line.html):
# each names the status it asks for; "_save" keeps what the status field says.
DESK_BUTTONS = {
    "_desk_draft": "draft",
    "_desk_review": "review",
    "_desk_publish": "publish",
    "_desk_schedule": "schedule",
    "_desk_return": "return",
}


def desk_action(data) -> str | None:
    """Which workflow button sent the form, if any."""
    return next((action for name, action in DESK_BUTTONS.items() if name in data), None)


class ArticleAdminForm(forms.ModelForm):
    """The article form. Status and date are what the editor asks for: they reach the
    article through articles.services.article_save(), which knows that "منشور" without
    a date means now, so validation must not refuse that as a broken constraint."""

    # The updated_at the form was opened at: a save from an older copy is refused.
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].widget.attrs["class"] = "vLargeTextField desk-title"
        if self.instance.pk and self.instance.updated_at and not self.is_bound:
            self.initial["opened_at"] = self.instance.updated_at.isoformat()

    conflict = None

    def clean(self):
        cleaned = super().clean()
        self._refuse_a_stale_copy()
        status = cleaned.get("status", self.instance.status)
        published_at = cleaned.get("published_at", self.instance.published_at)
        note = None
        action = desk_action(self.data)
        if action == "draft":
            status = Article.Status.DRAFT
        elif action == "review":
            status = Article.Status.IN_REVIEW
        elif action == "publish":
            status, published_at = Article.Status.PUBLISHED, timezone.now()
        elif action == "schedule":
            status = Article.Status.PUBLISHED
            if not published_at or published_at <= timezone.now():
                self.add_error("published_at", _("اختر موعدا في المستقبل لجدولة المقال."))
        elif action == "return":
            note = (cleaned.get("return_note") or "").strip()
            if not note:
                self.add_error("return_note", _("اكتب للصحفي ما يجب تغييره قبل إعادة المقال إليه."))
        self.publication = {"status": status, "published_at": published_at}
        self.return_note = note
        # The model is validated as it stands; the service applies the request on save.
        for name in [*self.publication, "return_note"]:
            if name in cleaned:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def _refuse_a_stale_copy(self):
        opened = self.data.get("opened_at")
        if not (self.instance.pk and opened):
            return
        stored = Article.objects.filter(pk=self.instance.pk).first()
        if stored is None or stored.updated_at.isoformat() == opened:
            return
        self.conflict = revisions.conflict_report(article=stored, opened_at=opened, data=self.data)
        # The next save is made knowing what changed: it is from the stored copy on.
        self.data = self.data.copy()
        self.data["opened_at"] = stored.updated_at.isoformat()
        message = _(
            "عدّل %(name)s هذا المقال عند %(time)s بعد أن فتحته أنت، فلم يُحفظ تعديلك حتى لا يضيع عمله. "
            "ما كتبته باق في الاستمارة؛ راجع ما غيّره أدناه، ثم احفظ من جديد."
        )
        raise forms.ValidationError(
            message, code="stale", params={"name": self.conflict.who, "time": self.conflict.when}
        )


class DeskFilter(admin.SimpleListFilter):
    """What waits for whom: the links of the admin index's desk notice."""

    title = _("على المكتب")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [
            ("review", _("تنتظر قرار المحرر")),
            ("scheduled_today", _("مجدول اليوم")),
            ("returned", _("أعيد إليّ")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.in_review()
        if self.value() == "scheduled_today":
            return queryset.scheduled_today()
        if self.value() == "returned":
            return queryset.returned_to(request.user)
        return queryset


class ArticleFeatureForm(forms.ModelForm):
    """A row of the article list: editors choose the home's lead and secondary stories there."""

    class Meta:
        model = Article
        fields = ["is_featured", "featured_order"]
        widgets = {"featured_order": forms.NumberInput(attrs={"min": 1, "max": 99, "style": "width: 4em"})}


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


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: pages_invalidate(keys=[f"page-{obj.pk}"]))

    def delete_model(self, request, obj):
        key = f"page-{obj.pk}"
        super().delete_model(request, obj)
        transaction.on_commit(lambda: pages_invalidate(keys=[key]))


class CorrectionInline(admin.TabularInline):
    """Corrections and updates of a published article: editors only, shown to readers."""

    model = Correction
    extra = 0
    fields = ["kind", "noted_at", "note"]

    def _editor(self, request, obj=None):
        return obj is not None and obj.is_public and article_may_publish(request.user)

    def get_queryset(self, request):
        # InlineModelAdmin.get_queryset() asks the permissions below with no article, which
        # they refuse, and so returned none of the saved notes. Whether this article's form
        # shows them was already decided, article in hand, in get_inline_instances().
        return self.model._default_manager.all()

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

    def get_fields(self, request, obj=None):
        if article_may_publish(request.user):
            return self.fields
        return ["heading", "body"]  # order and anchors are the desk's business, not the writer's

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if article_may_publish(request.user) else []


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [SectionInline, BylineInline, CorrectionInline]
    list_display = [
        "cover_thumbnail",
        "title",
        "category",
        "status",
        "publication_time",
        "updated_at",
        "is_featured",
        "featured_order",
        "is_breaking",
        "author_names",
        "preview_link",
    ]
    list_editable = ["is_featured", "featured_order"]
    list_display_links = ["cover_thumbnail", "title"]
    list_filter = [DeskFilter, "status", "category", "authors", "published_at", "is_featured", "is_breaking"]
    list_select_related = ["category"]
    search_fields = ["title", "lead", "sections__heading"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at", "-id"]  # what someone just touched comes first, dated or not
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["see_also"]
    filter_horizontal = ["authors"]
    actions = ["publish", "unpublish"]

    class Media:
        css = {"all": ["css/desk.css"]}
        js = ["js/desk.js"]

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
                    "featured_order",
                    "is_breaking",
                    "breaking_until",
                    "comments_open",
                    "return_note",
                ]
            },
        ),
        (_("شاهد أيضا"), {"fields": ["see_also"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if article_may_publish(request.user):
            return self.fieldsets
        # The writer's form: no slug (made from the title) and no editor's note field
        # (the note is shown above the form); the buttons say what happens next.
        hidden = {"slug", "return_note"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in self.fieldsets
        ]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if article_may_publish(request.user) else {}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["desk_may_publish"] = article_may_publish(request.user)
        if obj is not None and obj.pk:
            context["desk_others_editing"] = article_editing_open(article=obj, user=request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One version per save, taken once sections, tags and cover are all written
        # (manage_manually: the article's own post_save comes before its sections').
        with reversion.create_revision(manage_manually=True):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            saved = getattr(request, "desk_saved_article", None)
            if saved is not None:
                reversion.add_to_revision(saved)
                reversion.set_user(request.user)
                reversion.set_comment(saved.get_status_display())
        return response

    def get_view_on_site_url(self, obj=None):
        if obj is not None and obj.pk and not obj.is_public:
            return reverse("admin:articles_article_preview", args=[obj.pk])  # a draft has no public page yet
        return super().get_view_on_site_url(obj)

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("byline_set", queryset=Byline.objects.select_related("author")))
        )
        if article_may_publish(request.user):
            return queryset
        # A scoop stays with its author until it is published: other journalists never see
        # another's draft or article in review, in the list, the autocomplete or by its id.
        mine = Article.objects.filter(authors=request.user).values("pk")
        return queryset.filter(Q(status=Article.Status.PUBLISHED) | Q(pk__in=mine))

    @admin.display(description=_("التوقيع"))
    def author_names(self, obj):
        return authors_line(obj.byline_authors)

    @admin.display(description=_("الغلاف"))
    def cover_thumbnail(self, obj):
        return list_thumbnail(obj.cover, width=96, height=54)

    @admin.display(description=_("موعد النشر"), ordering="published_at")
    def publication_time(self, obj):
        if not obj.published_at:
            return "—"
        when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
        if obj.status == Article.Status.PUBLISHED and not obj.is_public:
            return format_html('<span class="desk-scheduled">{} · {}</span>', _("مجدول"), when)
        return when

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
        # A writer moves the status with the buttons ("حفظ كمسودة", "إرسال للمراجعة") only:
        # it is shown as text, and a status sent in the post is not a field to take.
        return [*EDITOR_ONLY_FIELDS, "status"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ArticleFeatureForm, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not article_may_publish(request.user):
            changelist.list_editable = ()  # what leads the home is the editors' choice
        return changelist

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not article_may_publish(request.user):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

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
        if formset.model not in (Section, Byline):
            return
        # Sections and bylines follow the "الترتيب" numbers given; ties (new rows left at
        # 0) keep their place in the form. Positions are then renumbered 0..n.
        deleted = set(formset.deleted_forms)
        live = [f for f in formset.forms if f.instance.pk and f not in deleted]
        if "position" in formset.form.base_fields:
            ordered = sorted(live, key=lambda f: (f.instance.position, formset.forms.index(f)))
        else:
            ordered = live  # a journalist's form has no order field: the form's order is the order
        for position, section_form in enumerate(ordered):
            if section_form.instance.position != position:
                section_form.instance.position = position
                section_form.instance.save(update_fields=["position"])

    def save_related(self, request, form, formsets, change):
        article = form.instance
        if isinstance(form, ArticleFeatureForm):  # a row of the article list
            article_feature(
                article=article,
                user=request.user,
                is_featured=form.cleaned_data["is_featured"],
                featured_order=form.cleaned_data["featured_order"],
            )
            return

        signed_before = set(article.bylines.values_list("pk", flat=True)) if change else set()

        def save_sections_tags_and_authors():
            super(ArticleAdmin, self).save_related(request, form, formsets, change)
            # Who writes a new article without naming authors is its author; an edit of an
            # unsigned article (a correction, a fix) does not make the editor its byline.
            if not change and not article.authors.exists():
                article.authors.add(request.user)
            article_bylines_fill(article=article)
            # A name taken off the byline: its author page no longer lists the article.
            dropped = signed_before - set(article.bylines.values_list("pk", flat=True))
            if dropped and article.status == Article.Status.PUBLISHED:
                transaction.on_commit(lambda: pages_invalidate(keys={f"author-{pk}" for pk in dropped}))

        article_save(
            article=article,
            user=request.user,
            status=form.publication["status"],
            published_at=form.publication["published_at"],
            save_related=save_sections_tags_and_authors,
            return_note=form.return_note,
        )
        request.desk_saved_article = article

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
        versions = self.admin_site.admin_view(never_cache(self.versions_view))
        heartbeat = self.admin_site.admin_view(never_cache(require_POST(self.heartbeat_view)))
        restore = self.admin_site.admin_view(never_cache(require_POST(self.restore_view)))
        return [
            path("<int:pk>/preview/", preview, name="articles_article_preview"),
            path("<int:pk>/versions/", versions, name="articles_article_versions"),
            path("<int:pk>/heartbeat/", heartbeat, name="articles_article_heartbeat"),
            path("<int:pk>/versions/<int:version_id>/restore/", restore, name="articles_article_restore"),
            *super().get_urls(),
        ]

    def _article_for(self, request, pk, *, change=False):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def versions_view(self, request, pk):
        """The saved versions of an article; two of them compared word by word (?a=&b=)."""
        article = self._article_for(request, pk)
        versions = list(revisions.article_versions(article))
        by_id = {version.pk: version for version in versions}
        chosen = [by_id.get(_int(request.GET.get(key))) for key in ("a", "b")]
        if None in chosen and len(versions) >= 2:
            chosen = [versions[1], versions[0]]  # by default: the last change
        comparison = None
        if None not in chosen:
            old, new = sorted(chosen, key=lambda version: version.revision.date_created)
            comparison = {
                "old": old,
                "new": new,
                "changes": revisions.changes_between(revisions.version_text(old), revisions.version_text(new)),
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("نسخ المقال: %(title)s") % {"title": article.title},
            "versions": versions,
            "comparison": comparison,
            "chosen": [version.pk for version in chosen if version is not None],
            "can_restore": self.has_change_permission(request, article),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

    def heartbeat_view(self, request, pk):
        """The open form says it is still open; the answer names the others who have it open."""
        article = self._article_for(request, pk, change=True)
        others = article_editing_open(article=article, user=request.user)
        names = "، ".join(editing.user.get_full_name() or editing.user.get_username() for editing in others)
        message = _("يحرر هذا المقال الآن أيضا: %(names)s") % {"names": names} if names else ""
        return JsonResponse({"message": message})

    def restore_view(self, request, pk, version_id):
        article = self._article_for(request, pk, change=True)
        version = get_object_or_404(revisions.article_versions(article), pk=version_id)
        article_restore(version=version, user=request.user)
        self.message_user(request, _("استُرجعت النسخة، وحُفظت نسخة جديدة."), messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

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


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
