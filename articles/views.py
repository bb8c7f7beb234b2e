from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.bylines import author_name
from articles.models import Article, Category
from articles.pagecache import PublicPageMixin
from articles.pages import article_page_context
from articles.readership import most_read_articles

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


class ArticleListView(PublicPageMixin, PaginatedCards, ListView):
    """A paginated list of article cards under a heading: a public page."""

    template_name = "articles/listing.html"


class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def page_keys_for(self, context):
        return {"home"}

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = Article.objects.published().for_listing()
        context["breaking"] = list(listing.breaking()[:5])
        context["featured"] = list(listing.filter(is_featured=True)[:3])
        context["category_blocks"] = self._category_blocks()
        context["most_read"] = most_read_articles()
        return context

    def _category_blocks(self):
        newest = (
            Article.objects.published().for_listing().newest_by_category(size=HOME_BLOCK_SIZE, window=HOME_BLOCK_WINDOW)
        )
        by_category = {}
        for article in newest:
            by_category.setdefault(article.category_id, []).append(article)
        return [
            (category, by_category[category.pk]) for category in Category.objects.all() if category.pk in by_category
        ]


class CategoryView(ArticleListView):
    def page_keys_for(self, context):
        return {f"category-{self.category.pk}"}

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().for_listing().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.category.name,
            description=self.category.description,
            current_category=self.category,
            **kwargs,
        )


class TagView(ArticleListView):
    def page_keys_for(self, context):
        return {f"tag-{self.tag.pk}"}

    def get_queryset(self):
        # A tag only drafts carry is not public yet: it would announce what is coming.
        self.tag = get_object_or_404(
            Tag.objects.filter(pk__in=Article.objects.published().values("tags")), slug=self.kwargs["slug"]
        )
        return Article.objects.published().for_listing().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"#{self.tag.name}", **kwargs)


class AuthorView(ArticleListView):
    def page_keys_for(self, context):
        return {f"author-{self.author.pk}"}

    def get_queryset(self):
        # Only people with a published article have a page: no list of login names.
        self.author = get_object_or_404(
            get_user_model().objects.filter(pk__in=Article.objects.published().values("authors")),
            username=self.kwargs["username"],
            is_active=True,
        )
        return Article.objects.published().for_listing().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=author_name(self.author), author=self.author, **kwargs)


class ArticleDetailView(PublicPageMixin, DetailView):
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
        # Views are counted by the page's beacon (articles.beacon): this answer may be cached.
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(article_page_context(request=self.request, article=self.object))
        return context
