import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Rhythm(models.TextChoices):
    DAILY = "daily", _("ملخص يومي كل صباح")
    WEEKLY = "weekly", _("ملخص أسبوعي")


RHYTHM_PERIOD = {Rhythm.DAILY: timedelta(days=1), Rhythm.WEEKLY: timedelta(days=7)}


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """The subscriber for an address, whatever its case."""
        return self.filter(email__iexact=email.strip())

    def receiving(self, rhythm: str):
        """Confirmed subscribers who get the digest of this rhythm."""
        return self.filter(status=Subscriber.Status.CONFIRMED, rhythm=rhythm)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("بانتظار التأكيد")
        CONFIRMED = "confirmed", _("مؤكَّد")
        UNSUBSCRIBED = "unsubscribed", _("ألغى الاشتراك")
        BOUNCED = "bounced", _("بريد مرتد أو شكوى")

    email = models.EmailField(_("البريد الإلكتروني"), max_length=254)
    status = models.CharField(_("الحالة"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    rhythm = models.CharField(_("الإيقاع"), max_length=6, choices=Rhythm.choices, default=Rhythm.DAILY)
    # A random key, never shown raw: links carry it signed (see newsletter.tokens).
    key = models.UUIDField(_("المفتاح"), default=uuid.uuid4, unique=True, editable=False)
    consent_at = models.DateTimeField(_("تاريخ الموافقة"), null=True, blank=True)
    consent_text = models.TextField(_("نص الموافقة"), blank=True)
    source_page = models.CharField(_("صفحة الاشتراك"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("تاريخ التسجيل"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("آخر إرسال لرسالة التأكيد"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("تاريخ التأكيد"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("تاريخ الإلغاء"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("تاريخ الارتداد"), null=True, blank=True)
    bounce_reason = models.CharField(_("سبب الارتداد"), max_length=40, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("مشترك")
        verbose_name_plural = _("المشتركون")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_ci_unique",
                violation_error_message=_("هذا البريد الإلكتروني مسجل في القائمة من قبل."),
            ),
        ]
        indexes = [models.Index(fields=["status", "rhythm"])]

    def __str__(self):
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_unsubscribed(self) -> bool:
        return self.status == self.Status.UNSUBSCRIBED

    @property
    def gets_weekly(self) -> bool:
        """True for the weekly digest, False for the daily one."""
        return self.rhythm == Rhythm.WEEKLY


class DispatchQuerySet(models.QuerySet):
    def with_progress(self):
        """Dispatch list in the admin: each row with its sent, failed and waiting counts."""
        waiting = [Delivery.Status.WAITING, Delivery.Status.SENDING]
        return self.annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            waiting_count=Count("deliveries", filter=Q(deliveries__status__in=waiting)),
        )


class Dispatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        SENDING = "sending", _("قيد الإرسال")
        DONE = "done", _("أُرسلت")

    rhythm = models.CharField(_("الإيقاع"), max_length=6, choices=Rhythm.choices, default=Rhythm.DAILY)
    status = models.CharField(_("الحالة"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    subject = models.CharField(_("الموضوع"), max_length=200)
    # The digest's own title, shown above its articles; the subject adds the site's name.
    heading = models.CharField(_("العنوان"), max_length=200, blank=True)
    period_start = models.DateTimeField(_("بداية الفترة"))
    period_end = models.DateTimeField(_("نهاية الفترة"))
    articles = models.ManyToManyField("articles.Article", verbose_name=_("المقالات"), related_name="+", blank=True)
    created_at = models.DateTimeField(_("تاريخ الإنشاء"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("أنشأها"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("تاريخ بدء الإرسال"), null=True, blank=True)
    finished_at = models.DateTimeField(_("تاريخ انتهاء الإرسال"), null=True, blank=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("نشرة")
        verbose_name_plural = _("النشرات")
        ordering = ["-created_at", "-id"]
        permissions = [("send_dispatch", _("يستطيع إرسال النشرة إلى المشتركين"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lt=models.F("period_end")),
                name="newsletter_dispatch_period_ordered",
                violation_error_message=_("بداية فترة النشرة يجب أن تسبق نهايتها."),
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_sending(self) -> bool:
        return self.status == self.Status.SENDING


class Delivery(models.Model):
    """One dispatch to one subscriber. The row, not the mail server, says whether it went."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("في الانتظار")
        SENDING = "sending", _("قيد الإرسال")
        SENT = "sent", _("أُرسلت")
        FAILED = "failed", _("فشلت")
        SKIPPED = "skipped", _("أُلغيت")

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("النشرة"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Erasing a subscriber keeps the row (for the counts) but not who it was.
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("المشترك"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(_("الحالة"), max_length=8, choices=Status.choices, default=Status.WAITING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("المحاولات"), default=0)
    next_attempt_at = models.DateTimeField(_("المحاولة التالية"), null=True, blank=True)
    claim = models.CharField(_("رمز الحجز"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("تاريخ الحجز"), null=True, blank=True)
    sent_at = models.DateTimeField(_("تاريخ الإرسال"), null=True, blank=True)
    # An SMTP code or exception name only: server messages often quote the address.
    last_error = models.CharField(_("آخر خطأ"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("تسليم")
        verbose_name_plural = _("التسليمات")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "subscriber"],
                name="newsletter_delivery_once",
                violation_error_message=_("أُرسلت هذه النشرة إلى هذا المشترك من قبل."),
            ),
        ]
        indexes = [models.Index(fields=["dispatch", "status"])]

    def __str__(self):
        return f"{self.dispatch_id}/{self.subscriber_id}"
