from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_ckeditor_5.fields import CKEditor5Field
from taggit.managers import TaggableManager

from articles.html import clean_html
from articles.images import ReencodedImageField
from articles.validators import (
    validate_author_slug,
    validate_facebook_url,
    validate_https_url,
    validate_image_file,
    validate_x_url,
)


class Category(models.Model):
    name = models.CharField(_("الاسم"), max_length=80, unique=True)
    slug = models.SlugField(_("المعرّف في الرابط"), max_length=80, unique=True, allow_unicode=True)
    description = models.CharField(_("الوصف"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)

    class Meta:
        verbose_name = _("قسم")
        verbose_name_plural = _("الأقسام")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


# Large columns only search reads; pages listing articles never load them.
SEARCH_FIELDS = ("search_document", "search_vector")


RELATED_WINDOW = 1000  # "see also" ranks the hand-picked and this many newest articles
# «عاجل» with no end time given stays breaking this long after publication.
BREAKING_DEFAULT = timedelta(hours=6)


class AuthorQuerySet(models.QuerySet):
    def public(self):
        """Profiles that sign at least one public article: only those have an author page."""
        return self.filter(Exists(Article.objects.published().filter(bylines=OuterRef("pk"))))


class Author(models.Model):
    """A name readers see in a byline: a journalist of the newsroom, an agency or a guest writer.

    Independent of login accounts (an agency has none); a staff profile may point to its
    account, which is how an article saved without a byline is signed by who wrote it.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("صحفي")
        AGENCY = "agency", _("وكالة")
        GUEST = "guest", _("كاتب ضيف")

    name = models.CharField(_("الاسم"), max_length=120, help_text=_("كما يظهر للقراء في التوقيع، مثل «و.م.ع»."))
    slug = models.CharField(
        _("المعرّف في الرابط"),
        max_length=150,
        unique=True,
        blank=True,
        validators=[validate_author_slug],
        help_text=_(
            "عنوان صفحة الكاتب: /author/<المعرّف>/. يُملأ من الاسم إذا تُرك فارغا؛ "
            "لصحفيي الموقع هو اسم الدخول، فلا تغيّره كي تبقى الروابط القديمة صالحة."
        ),
    )
    kind = models.CharField(_("النوع"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    bio = models.TextField(_("نبذة قصيرة"), max_length=500, blank=True, help_text=_("نص عادي، بضعة أسطر."))
    photo = ReencodedImageField(_("الصورة"), upload_to="authors/%Y/%m/", blank=True, validators=[validate_image_file])
    website = models.URLField(_("الموقع الإلكتروني"), blank=True, validators=[validate_https_url])
    x_url = models.URLField(_("حساب إكس"), blank=True, validators=[validate_x_url])
    facebook_url = models.URLField(_("صفحة فيسبوك"), blank=True, validators=[validate_facebook_url])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("حساب الدخول"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text=_("لصحفيي الموقع فقط: مقال يحفظه صاحب هذا الحساب دون توقيع يوقَّع بهذا الاسم."),
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        verbose_name = _("كاتب")
        verbose_name_plural = _("الكتّاب")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name, allow_unicode=True)[:140] or "author"
            self.slug, n = base, 2
            while Author.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
                self.slug, n = f"{base}-{n}", n + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def is_organization(self) -> bool:
        return self.kind == self.Kind.AGENCY

    @property
    def links(self) -> list[tuple[str, str]]:
        """The profile's addresses elsewhere, as (label, url), in a fixed order."""
        labelled = [(_("الموقع الإلكتروني"), self.website), (_("إكس"), self.x_url), (_("فيسبوك"), self.facebook_url)]
        return [(label, url) for label, url in labelled if url]


def detail_prefetches() -> list:
    """What the article page shows from other tables: bylines, sections, tags, corrections."""
    return [_bylines(), "sections", "tags", "corrections"]


def _bylines():
    # The byline in its order, each with its profile: one query for a whole page of articles.
    return Prefetch("byline_set", queryset=Byline.objects.select_related("author"))


class ArticleQuerySet(models.QuerySet):
    # The one visibility rule is published(); the other methods only shape a read, so a
    # call site says both: Article.objects.published().for_listing().

    def published(self):
        """Articles the public may see: published and whose time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def breaking(self):
        """The home's «عاجل» ribbon: breaking stories whose end time has not come."""
        now = timezone.now()
        return self.filter(is_breaking=True).filter(
            Q(breaking_until__gt=now) | Q(breaking_until__isnull=True, published_at__gt=now - BREAKING_DEFAULT)
        )

    def for_listing(self):
        """Cards on the home, category, tag, author and archive pages, newest first."""
        return (
            self.select_related("category")
            .prefetch_related(_bylines())
            .defer(*SEARCH_FIELDS)
            .order_by("-published_at", "-id")
        )

    def for_front(self):
        """The home's blocks: cards without authors (a home card names none), newest first."""
        return self.select_related("category").defer(*SEARCH_FIELDS).order_by("-published_at", "-id")

    def featured_first(self):
        """The home's lead and secondary stories as editors ordered them, then the newest featured."""
        return self.filter(is_featured=True).order_by(F("featured_order").asc(nulls_last=True), "-published_at", "-id")

    def for_detail(self):
        """The article page: everything it shows but the related block."""
        return self.select_related("category").prefetch_related(*detail_prefetches()).defer(*SEARCH_FIELDS)

    def for_page(self):
        """The public article page: its row alone (its category and the rest come from articles.kept).

        The rest of for_detail() is prefetched only when the page draws what it kept no longer.
        """
        return self.defer(*SEARCH_FIELDS)

    def for_search(self):
        """Search results: cards plus the sections their snippets are cut from."""
        return self.select_related("category").prefetch_related(_bylines(), "sections").defer(*SEARCH_FIELDS)

    def for_feed(self):
        """RSS items: newest first, with bylines and tags for the item fields."""
        return (
            self.select_related("category")
            .prefetch_related(_bylines(), "tags", "corrections")
            .defer(*SEARCH_FIELDS)
            .order_by("-published_at", "-id")
        )

    def related_to(self, article: "Article", *, count: int):
        """The «شاهد أيضا» block: hand-picked first, then by shared tags, category, recency.

        Never `article` itself; only rows of this queryset (so call it on published()).
        Three queries plus the prefetches, whatever the size of the archive: the ids of
        the candidates (the RELATED_WINDOW newest, the hand-picked), then the ranking of
        those rows by primary key, so no plan scans the table. `article.tags` should be
        prefetched. articles.pages.related_articles() keeps the result.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        hand_picked = Article.see_also.through.objects.filter(from_article_id=article.pk, to_article_id=OuterRef("pk"))
        shared_tags = (
            Count("tags", filter=Q(tags__id__in=tag_ids), distinct=True)
            if tag_ids
            else Value(0, output_field=IntegerField())
        )
        candidates = set(self.order_by("-published_at", "-id").values_list("pk", flat=True)[:RELATED_WINDOW])
        candidates.update(
            Article.see_also.through.objects.filter(from_article_id=article.pk).values_list("to_article_id", flat=True)
        )
        candidates.discard(article.pk)
        return (
            self.filter(pk__in=sorted(candidates))
            .annotate(
                hand_picked=Exists(hand_picked),
                shared_tags=shared_tags,
                same_category=Case(When(category_id=article.category_id, then=1), default=0),
            )
            .order_by("-hand_picked", "-shared_tags", "-same_category", "-published_at", "-id")[:count]
        )

    def newest_by_category(self, *, size: int, window: int):
        """The home's category blocks: each category's `size` newest among the `window` newest, one query.

        Ranking only the newest `window` keeps the cost flat as the archive grows (a
        category silent for that long has no block). Each row carries its `rank`.
        """
        recent = self.order_by("-published_at", "-id").values("pk")[:window]
        return (
            self.filter(pk__in=Subquery(recent))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("category_id"),
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=size)
        )

    def in_review(self):
        """The editor's queue on the admin index and its changelist: waiting for a decision."""
        return self.filter(status=Article.Status.IN_REVIEW)

    def scheduled_today(self):
        """Published with a time later today (Casablanca): going out without anyone's click."""
        now = timezone.now()
        tomorrow = timezone.localdate() + timedelta(days=1)
        end = timezone.make_aware(datetime.combine(tomorrow, time.min))
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=end)

    def returned_to(self, user):
        """The journalist's drafts an editor sent back with a note."""
        return self.filter(status=Article.Status.DRAFT, authors=user).exclude(return_note="")

    def archive_months(self, *, year: int) -> list[date]:
        """The months of `year` that have an article, as first days, in Casablanca time (one query)."""
        months = self.filter(published_at__year=year).datetimes(
            "published_at", "month", tzinfo=timezone.get_current_timezone()
        )
        return [moment.date() for moment in months]

    def most_read(self, *, days: int, count: int):
        """The «الأكثر قراءة» block: most viewed in the last `days` days, with categories, one query."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            self.filter(daily_views__day__gte=since)
            .annotate(recent_views=Sum("daily_views__count"))
            .filter(recent_views__gt=0)
            .select_related("category")
            .defer(*SEARCH_FIELDS)
            .order_by("-recent_views", "-published_at", "-id")[:count]
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        IN_REVIEW = "review", _("قيد المراجعة")
        PUBLISHED = "published", _("منشور")

    title = models.CharField(_("العنوان"), max_length=200)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text=_("يُملأ من العنوان إذا تُرك فارغا؛ للزينة فقط، فالرابط يعتمد على الرقم."),
    )
    lead = models.TextField(
        _("المقدمة"),
        max_length=400,
        help_text=_("فقرة قصيرة بنص عادي تظهر في البطاقات ووصف الصفحة والخلاصات."),
    )
    cover = ReencodedImageField(
        _("صورة الغلاف"),
        upload_to="covers/%Y/%m/",
        blank=True,
        validators=[validate_image_file],
    )
    cover_caption = models.CharField(_("تعليق الصورة"), max_length=250, blank=True)
    cover_credit = models.CharField(_("مصدر الصورة"), max_length=120, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("القسم"), on_delete=models.PROTECT, related_name="articles")
    tags = TaggableManager(
        _("الوسوم"),
        blank=True,
        help_text=_("افصل بين الوسوم بفاصلة «،» أو «,»."),
    )
    # Who the article belongs to on the desk (who may edit it, "أعيد إليّ"); readers see
    # the bylines instead, which may name agencies and guests without an account.
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("أصحاب المقال في المكتب"),
        related_name="articles",
        blank=True,
        help_text=_("من يحرر المقال من الصحفيين؛ لا يظهر للقراء، فهم يقرؤون التوقيع."),
    )
    bylines = models.ManyToManyField(
        Author, verbose_name=_("التوقيع"), through="Byline", related_name="articles", blank=True
    )
    status = models.CharField(_("الحالة"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("تاريخ النشر"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("تاريخ في المستقبل يعني أن المقال مجدول ولن يظهر قبل حلوله."),
    )
    created_at = models.DateTimeField(_("تاريخ الإنشاء"), auto_now_add=True)
    updated_at = models.DateTimeField(_("آخر تحديث"), auto_now=True)
    is_featured = models.BooleanField(_("مميّز"), default=False)
    featured_order = models.PositiveSmallIntegerField(
        _("ترتيب التمييز"),
        null=True,
        blank=True,
        help_text=_("للمقالات المميّزة: 1 للخبر الرئيسي في الصفحة الأولى، ثم 2 و3… للأخبار التي تليه."),
    )
    is_breaking = models.BooleanField(_("عاجل"), default=False)
    breaking_until = models.DateTimeField(
        _("عاجل حتى"),
        null=True,
        blank=True,
        help_text=_("اتركه فارغا ليبقى الخبر عاجلا ست ساعات بعد نشره."),
    )
    comments_open = models.BooleanField(_("التعليقات مفتوحة"), default=True)
    # Set by the editor who sends an article back (article_return); cleared when the
    # journalist submits it again. The journalist reads it at the top of the form.
    return_note = models.TextField(_("ملاحظة المحرر"), blank=True, default="")
    see_also = models.ManyToManyField(
        "self",
        verbose_name=_("شاهد أيضا"),
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text=_("مقالات مختارة يدويا تظهر أولا في «شاهد أيضا»."),
    )
    # Kept by articles.services.article_search_index_update(): the normalized, expanded
    # words of the article for search, and on PostgreSQL their weighted tsvector.
    search_document = models.TextField(_("نص البحث"), blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Kept exact by the comments app's services (one recount per change), so a card
    # shows its approved-comment count without a query into another app's table.
    comment_count = models.PositiveIntegerField(_("عدد التعليقات المنشورة"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("مقال")
        verbose_name_plural = _("المقالات")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", _("يستطيع نشر المقالات وجدولتها وتمييزها")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("لا يُنشر مقال دون تاريخ نشر."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The listings' order (home, search's window, the related window) and per category.
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing"),
            models.Index(fields=["category", "status", "-published_at", "-id"], name="article_category_listing"),
            # The home's breaking and featured strips: a few rows among the whole archive.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(is_breaking=True), name="article_breaking_listing"
            ),
            models.Index(
                fields=["-published_at", "-id"], condition=Q(is_featured=True), name="article_featured_listing"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "article"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug or "article"})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def byline_authors(self) -> list[Author]:
        """The profiles of the byline, in order (from the prefetch of the page's QuerySet method)."""
        if "byline_set" in getattr(self, "_prefetched_objects_cache", {}):
            return [byline.author for byline in self.byline_set.all()]
        return [byline.author for byline in self.byline_set.select_related("author")]

    @property
    def tag_links(self):
        """The article's taggit rows, which its saved versions follow (articles.revisions)."""
        from taggit.models import TaggedItem

        return TaggedItem.objects.filter(
            content_type__app_label="articles", content_type__model="article", object_id=self.pk
        )

    @property
    def was_updated(self):
        """True when the article changed noticeably after it went out."""
        if not self.published_at or not self.updated_at:
            return False
        return (self.updated_at - self.published_at).total_seconds() > 15 * 60


class Section(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)
    heading = models.CharField(
        _("العنوان الفرعي"),
        max_length=200,
        blank=True,
        help_text=_("اتركه فارغا للمقدمة."),
    )
    anchor = models.SlugField(
        _("المرساة"),
        max_length=80,
        allow_unicode=True,
        blank=True,
        help_text=_("تُولّد من العنوان الفرعي مرة واحدة، ولا تتغير بتعديله، كي تبقى الروابط صالحة."),
    )
    body = CKEditor5Field(_("النص"), config_name="default", blank=True)

    class Meta:
        verbose_name = _("فقرة")
        verbose_name_plural = _("فقرات المقال")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "anchor"],
                condition=~Q(anchor=""),
                name="section_anchor_unique_per_article",
                violation_error_message=_("هذه المرساة مستعملة في فقرة أخرى من المقال نفسه."),
            ),
        ]

    def __str__(self):
        return self.heading or str(_("مقدمة"))

    def save(self, *args, **kwargs):
        # Invariants of every stored section, whichever path wrote it: the body is
        # clean HTML, and a headed section has an anchor that never changes after.
        self.body = clean_html(self.body)
        if self.heading and not self.anchor:
            self.anchor = self._free_anchor()
        super().save(*args, **kwargs)

    def _free_anchor(self):
        base = slugify(self.heading, allow_unicode=True)[:70] or "section"
        taken = set(
            Section.objects.filter(article_id=self.article_id).exclude(pk=self.pk).values_list("anchor", flat=True)
        )
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        return anchor


class Byline(models.Model):
    """One name of an article's byline, at its place in the order readers see."""

    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE)
    # A profile that signs articles is not deleted from under them.
    author = models.ForeignKey(Author, verbose_name=_("الكاتب"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)

    class Meta:
        verbose_name = _("توقيع")
        verbose_name_plural = _("التوقيع (بالترتيب الذي يقرؤه القراء)")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="byline_author_once_per_article",
                violation_error_message=_("هذا الكاتب في توقيع المقال من قبل."),
            ),
        ]

    def __str__(self):
        return str(self.author)


class ArticleEditing(models.Model):
    """Who has an article's form open, and since when: refreshed by the form's heartbeat."""

    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE, related_name="editing")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("المحرر"), on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateTimeField(_("منذ"), default=timezone.now)
    seen_at = models.DateTimeField(_("آخر نشاط"), default=timezone.now)

    class Meta:
        verbose_name = _("تحرير جار")
        verbose_name_plural = _("التحريرات الجارية")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                name="article_editing_unique",
                violation_error_message=_("هذا المحرر يفتح هذا المقال من قبل."),
            ),
        ]

    def __str__(self):
        return f"{self.article_id} {self.user_id}"


class ArticleDailyViews(models.Model):
    """Reader views of an article on one (Casablanca) day, folded in from the cache."""

    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField(_("اليوم"))
    count = models.PositiveIntegerField(_("عدد القراءات"), default=0)

    class Meta:
        verbose_name = _("قراءات يومية")
        verbose_name_plural = _("القراءات اليومية")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day"],
                name="article_daily_views_unique",
                violation_error_message=_("قراءات هذا المقال في هذا اليوم مسجلة من قبل."),
            ),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"


class AuditEntry(models.Model):
    """One thing done in the newsroom that someone may later ask about: who, what, on what, when."""

    class Action(models.TextChoices):
        PUBLISHED = "published", _("نشر مقالا")
        UNPUBLISHED = "unpublished", _("سحب مقالا من النشر")
        SCHEDULED = "scheduled", _("برمج نشر مقال")
        DELETED = "deleted", _("حذف مقالا")
        COMMENT_APPROVED = "comment_approved", _("نشر تعليقا")
        COMMENT_REJECTED = "comment_rejected", _("رفض تعليقا")
        COMMENT_SPAM = "comment_spam", _("وسم تعليقا كرسالة مزعجة")
        SUBSCRIBERS_EXPORTED = "subscribers_exported", _("صدّر المشتركين")
        NEWSLETTER_SENT = "newsletter_sent", _("أرسل نشرة")

    at = models.DateTimeField(_("الوقت"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("الفاعل"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the entry still says who once the account is gone.
    actor_name = models.CharField(_("اسم الفاعل"), max_length=150)
    action = models.CharField(_("العملية"), max_length=32, choices=Action.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("نوع الهدف"), null=True, blank=True, on_delete=models.SET_NULL
    )
    target_id = models.CharField(_("معرّف الهدف"), max_length=64, blank=True)
    target_text = models.CharField(_("الهدف"), max_length=300)
    detail = models.CharField(_("تفاصيل"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("قيد في سجل العمليات")
        verbose_name_plural = _("سجل العمليات")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "-at"])]

    def __str__(self):
        return f"{self.actor_name} · {self.get_action_display()} · {self.target_text}"


class Page(models.Model):
    """A standing page of the site (about, contact, editorial charter, privacy), written by editors."""

    title = models.CharField(_("العنوان"), max_length=200)
    slug = models.SlugField(
        _("المعرّف في الرابط"),
        max_length=80,
        unique=True,
        allow_unicode=True,
        help_text=_("روابط التذييل تشير إلى معرّفات الصفحات الأربع الأساسية كما هي: لا تغيّرها."),
    )
    body = CKEditor5Field(_("النص"), config_name="default")
    updated_at = models.DateTimeField(_("آخر تحديث"), auto_now=True)

    class Meta:
        verbose_name = _("صفحة ثابتة")
        verbose_name_plural = _("الصفحات الثابتة")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)  # the same rule as an article's sections
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": self.slug})


# --- corrections (the desk's content half) ------------------------------------------


class Correction(models.Model):
    """A dated note an editor adds to a published article: a correction or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("تصحيح")
        UPDATE = "update", _("تحديث")

    article = models.ForeignKey(Article, verbose_name=_("المقال"), on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("النوع"), max_length=10, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(_("النص"), help_text=_("ما الذي صُحّح أو أضيف، كما سيقرؤه القارئ."))
    noted_at = models.DateTimeField(_("التاريخ"), default=timezone.now)

    class Meta:
        verbose_name = _("تصحيح أو تحديث")
        verbose_name_plural = _("التصحيحات والتحديثات")
        ordering = ["noted_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"


class SiteStamp(models.Model):
    """One row: a token that changes whenever any public page changes (articles.kept).

    Pages keep the HTML they drew under this token, read with the page's first query, so
    every process and every server sees a change the moment it is committed. `changes_at`
    is when pages change with no edit (a scheduled article comes out, a «عاجل» ends).
    """

    token = models.BigIntegerField(_("الرمز"), default=0)
    changes_at = models.FloatField(_("موعد التغير التالي"), null=True, blank=True)

    class Meta:
        verbose_name = _("ختم الموقع")
        verbose_name_plural = _("ختم الموقع")

    def __str__(self):
        return str(self.token)
