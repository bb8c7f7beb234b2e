import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.bylines import author_name
from articles.metadata import article_json_ld, share_image_url
from articles.models import Article, Category
from articles.readership import most_read_articles
from articles.services import article_view_record, related_articles
from articles.validators import validate_image_file
from comments.selectors import comment_block

HOME_BLOCK_SIZE = 4
HOME_BLOCK_WINDOW = 400


class PaginatedCards:
    """Pagination of every list of article cards: ARTICLES_PER_PAGE a page."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        # get_page() answers a junk or out-of-range ?page= with a real page, never a 404/500.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class ArticleListView(PaginatedCards, ListView):
    """A paginated list of article cards under a heading."""

    template_name = "articles/listing.html"


class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = Article.objects.for_listing()
        context["breaking"] = list(listing.filter(is_breaking=True)[:5])
        context["featured"] = list(listing.filter(is_featured=True)[:3])
        context["category_blocks"] = self._category_blocks()
        context["most_read"] = most_read_articles()
        return context

    def _category_blocks(self):
        # One query for every category block: the newest few of each category, ranked
        # among the most recent articles only so the cost does not grow with the archive
        # (a category silent for that long has no block on the home page).
        recent = Article.objects.published().order_by("-published_at", "-id").values("pk")[:HOME_BLOCK_WINDOW]
        newest = (
            Article.objects.for_listing()
            .filter(pk__in=Subquery(recent))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("category_id"),
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=HOME_BLOCK_SIZE)
        )
        by_category = {}
        for article in newest:
            by_category.setdefault(article.category_id, []).append(article)
        return [
            (category, by_category[category.pk]) for category in Category.objects.all() if category.pk in by_category
        ]


class CategoryView(ArticleListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.category.name,
            description=self.category.description,
            current_category=self.category,
            **kwargs,
        )


class TagView(ArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"#{self.tag.name}", **kwargs)


class AuthorView(ArticleListView):
    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), username=self.kwargs["username"], is_active=True)
        return Article.objects.for_listing().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=author_name(self.author), author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.for_detail().published()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs.get("slug") != self.object.slug:
            canonical = self.object.get_absolute_url()
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        article_view_record(article_id=self.object.pk, user_agent=request.headers.get("User-Agent", ""))
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(article_context(self.object))
        share_image = share_image_url(self.object, self.request)
        context.update(
            share_image=share_image,
            json_ld=article_json_ld(self.object, self.request, image=share_image),
            most_read=most_read_articles(),
        )
        return context


def article_context(article: Article) -> dict:
    """What the article template needs beyond the article: shared by the page and the preview."""
    sections = list(article.sections.all())
    headed = [section for section in sections if section.heading]
    return {
        "sections": sections,
        "toc": headed if len(headed) >= 3 else [],
        "related": related_articles(article=article),
        **comment_block(article=article),
    }


@require_POST
def editor_image_upload(request):
    """Image upload from CKEditor: staff only, a real image within the size bound."""
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"error": {"message": gettext("ليست لديك صلاحية رفع الصور.")}}, status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": gettext("لم يصل أي ملف.")}}, status=400)
    try:
        validate_image_file(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": " ".join(error.messages)}}, status=400)
    extension = Path(upload.name).suffix.lower() or ".jpg"
    name = default_storage.save(f"editor/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}", upload)
    return JsonResponse({"url": default_storage.url(name)})
