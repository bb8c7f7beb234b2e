from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.audit import Action, audit_record_many
from comments.models import Comment
from comments.services import comments_delete, comments_moderate

AUDIT_ACTIONS = {
    Comment.Status.APPROVED: Action.COMMENT_APPROVED,
    Comment.Status.REJECTED: Action.COMMENT_REJECTED,
    Comment.Status.SPAM: Action.COMMENT_SPAM,
}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: pending first, one click to approve, reject or mark as spam."""

    list_display = ["excerpt", "name", "article_link", "status", "hold_reason", "report_count", "created_at"]
    list_display_links = ["excerpt"]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["body", "name", "email", "article__title"]
    list_per_page = 50
    actions = ["approve", "reject", "mark_spam"]
    date_hierarchy = "created_at"
    fields = [
        "article_link",
        "parent",
        "name",
        "email",
        "body",
        "status",
        "hold_reason",
        "report_count",
        "created_at",
        "moderated_at",
        "moderator",
        "notify_replies",
        "consent_at",
        "consent_text",
        "sender_hash",
    ]
    # Editors may trim a comment (a phone number, a name); its fate is decided by the actions.
    readonly_fields = [f for f in fields if f not in {"name", "body"}]

    def get_queryset(self, request):
        # Not super(): it would order by queue_rank before for_moderation() defines it.
        return Comment.objects.for_moderation()

    def get_ordering(self, request):
        return ["queue_rank", "-created_at"]

    def has_add_permission(self, request):
        return False  # comments come from readers

    def delete_model(self, request, obj):
        comments_delete(comments=Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        comments_delete(comments=queryset)

    @admin.display(description=_("التعليق"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(160)

    @admin.display(description=_("المقال"), ordering="article__title")
    def article_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            Truncator(obj.article.title).chars(40),
            obj.get_absolute_url(),
            _("على الموقع"),
        )

    def _moderate(self, request, queryset, status, singular, plural):
        changing = list(queryset.exclude(status=status))
        count = comments_moderate(comments=queryset, status=status, moderator=request.user)
        audit_record_many(actor=request.user, action=AUDIT_ACTIONS[status], targets=changing)
        self.message_user(request, ngettext(singular, plural, count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("نشر التعليقات المحددة"), permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "نُشر تعليق واحد.", "نُشر %(count)d تعليقا.")

    @admin.action(description=_("رفض التعليقات المحددة"), permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REJECTED, "رُفض تعليق واحد.", "رُفض %(count)d تعليقا.")

    @admin.action(description=_("وسم التعليقات المحددة كرسائل مزعجة"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(
            request, queryset, Comment.Status.SPAM, "وُسم تعليق واحد كرسالة مزعجة.", "وُسم %(count)d تعليقا كرسائل مزعجة."
        )
