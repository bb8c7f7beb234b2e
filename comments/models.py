from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.mail import absolute_url
from articles.models import Article

STOP_NOTIFICATIONS_SALT = "comments.stop-notifications"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments the public may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting for an editor."""
        return self.filter(status=Comment.Status.PENDING)

    def for_article_page(self, article: Article):
        """The comment block of an article page: approved threads, oldest first, replies prefetched."""
        replies = Comment.objects.approved().order_by("created_at", "id")
        return (
            self.approved()
            .filter(article=article, parent__isnull=True)
            .prefetch_related(Prefetch("replies", queryset=replies, to_attr="approved_replies"))
            .order_by("created_at", "id")
        )

    def for_moderation(self):
        """The admin queue: pending first, then the newest, with what each row shows."""
        return (
            self.select_related("article", "parent", "moderator")
            .annotate(
                queue_rank=Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)),
            )
            .order_by("queue_rank", "-created_at")
        )

    def by_email(self, email: str):
        """Every comment sent with this address, whatever its case."""
        return self.filter(email__iexact=email.strip())


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("في انتظار المراجعة")
        APPROVED = "approved", _("منشور")
        REJECTED = "rejected", _("مرفوض")
        SPAM = "spam", _("مزعج (سبام)")

    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ردّ على"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("الاسم"), max_length=80)
    email = models.EmailField(_("البريد الإلكتروني"), help_text=_("لا يُنشر أبدا."))
    body = models.TextField(_("التعليق"))
    status = models.CharField(_("الحالة"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    hold_reason = models.CharField(
        _("سبب الحجز"),
        max_length=200,
        blank=True,
        help_text=_("لماذا حُجز التعليق تلقائيا (روابط كثيرة، كلمة محظورة، إبلاغات القراء)."),
    )
    created_at = models.DateTimeField(_("تاريخ الإرسال"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("تاريخ المراجعة"), null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المراجِع"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender_hash = models.CharField(
        _("بصمة عنوان المرسل"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("بصمة مملّحة لعنوان IP، لا العنوان نفسه (القانون 09-08)."),
    )
    consent_at = models.DateTimeField(_("تاريخ الموافقة"))
    consent_text = models.TextField(_("نص الموافقة"))
    notify_replies = models.BooleanField(_("يريد إشعارا بالردود"), default=False)
    notified_at = models.DateTimeField(_("تاريخ إرسال الإشعارات"), null=True, blank=True, editable=False)
    report_count = models.PositiveIntegerField(_("عدد الإبلاغات"), default=0)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("تعليق")
        verbose_name_plural = _("التعليقات")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            # Trust and stop-notification lookups compare addresses case-insensitively.
            models.Index(Upper("email"), name="comment_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
                violation_error_message=_("حالة التعليق غير معروفة."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="comment_not_its_own_parent",
                violation_error_message=_("لا يكون التعليق ردا على نفسه."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(moderated_at__isnull=False),
                name="comment_approved_has_moderation_time",
                violation_error_message=_("التعليق المنشور يحتاج إلى تاريخ مراجعة."),
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:50]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def stop_url(self) -> str:
        """Absolute link that stops reply notifications to this comment's address, no login."""
        # The token names the comment, not the address, so no email ends up in server logs.
        token = signing.dumps(self.pk, salt=STOP_NOTIFICATIONS_SALT)
        return absolute_url(reverse("comments:stop", kwargs={"token": token}))


class CommentReport(models.Model):
    """One reader's "إبلاغ" on one comment; readers are told apart by their hashed address."""

    comment = models.ForeignKey(Comment, verbose_name=_("التعليق"), on_delete=models.CASCADE, related_name="reports")
    reporter_hash = models.CharField(_("بصمة عنوان المُبلِّغ"), max_length=64)
    created_at = models.DateTimeField(_("تاريخ الإبلاغ"), default=timezone.now)

    class Meta:
        verbose_name = _("إبلاغ")
        verbose_name_plural = _("الإبلاغات")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"],
                name="comment_report_once_per_reader",
                violation_error_message=_("أبلغ هذا القارئ عن هذا التعليق من قبل."),
            ),
        ]

    def __str__(self):
        return str(self.comment_id)
