from functools import cache

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag, TaggedItem

from articles.frontpage import FRONT_PAGE_BLOCKS, front_page, relative_forms
from articles.kept import kept_categories, kept_enabled, kept_value
from articles.metadata import author_json_ld
from articles.models import Article, Author, Category, Page
from articles.pagecache import PublicPageMixin
from articles.pages import article_page_context

LISTING_MAX_PAGES = 50  # older cards are reached through the date archives


class BoundedPaginator(Paginator):
    """Counts at most LISTING_MAX_PAGES pages of rows: the count costs the same at any archive size."""

    @cached_property
    def count(self):
        # Kept in the listing's order, so the count walks the listing's index and stops.
        return self.object_list.values("pk")[: self.per_page * LISTING_MAX_PAGES].count()


class PaginatedCards:
    """Pagination of every list of article cards: ARTICLES_PER_PAGE a page."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        # get_page() answers a junk or out-of-range ?page= with a real page, never a 404/500.
        # Lazy: a listing drawn from what it kept (articles.kept) counts and reads nothing.
        paginator = SimpleLazyObject(lambda: self.get_paginator(queryset, page_size))
        page = SimpleLazyObject(lambda: paginator.get_page(self.request.GET.get("page")))
        return (
            paginator,
            page,
            SimpleLazyObject(lambda: page.object_list),
            SimpleLazyObject(lambda: page.has_other_pages()),
        )


class ArticleListView(PublicPageMixin, PaginatedCards, ListView):
    """A paginated list of article cards under a heading: a public page."""

    template_name = "articles/listing.html"
    paginator_class = BoundedPaginator

    def get_template_names(self):
        # Only the named template: ListView would look at the (lazy) list's model for more.
        return [self.template_name]

    def found_or_404(self, name: str, find):
        """`find(slug)` for the address's slug, kept once per change of the site (articles.kept); 404 if None."""
        slug = self.kwargs["slug"]
        found = kept_value(self.request, (name, slug), lambda: find(slug))
        if found is None:
            raise Http404
        return found


class HomeView(PublicPageMixin, TemplateView):
    """The front page: the blocks of articles.frontpage, each story once."""

    template_name = "articles/home.html"

    def page_keys_for(self, context):
        return {"home"}

    def get_context_data(self, **kwargs):
        # Computed when the blocks are drawn: a home drawn from what it kept reads nothing.
        blocks = cache(front_page)
        lazy_blocks = {name: SimpleLazyObject(lambda name=name: blocks()[name]) for name in FRONT_PAGE_BLOCKS}
        return super().get_context_data(**lazy_blocks, relative_forms=relative_forms, **kwargs)


class CategoryView(ArticleListView):
    def page_keys_for(self, context):
        return {f"category-{self.category.pk}"}

    def get_queryset(self):
        self.category = self.found_or_404("category", lambda slug: Category.objects.filter(slug=slug).first())
        # Lazy, like the page (PaginatedCards): a listing drawn from what it kept reads no list.
        return SimpleLazyObject(lambda: Article.objects.published().for_listing().filter(category=self.category))

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
        def public_tag(slug):
            public = Exists(Article.objects.published().filter(tags=OuterRef("pk")))
            return Tag.objects.filter(public, slug=slug).first()

        self.tag = self.found_or_404("tag", public_tag)

        def tagged_articles():
            # By the tag's ids, not a join: the planner walks the listing's index over a few
            # hundred ids instead of hashing the whole table.
            tagged = TaggedItem.objects.filter(tag=self.tag, content_type__model="article").values("object_id")
            return Article.objects.published().for_listing().filter(pk__in=Subquery(tagged))

        return SimpleLazyObject(tagged_articles)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"#{self.tag.name}", **kwargs)


class AuthorView(ArticleListView):
    """An author page: the profile (photo, bio, links) over the articles it signs."""

    template_name = "articles/author.html"

    def page_keys_for(self, context):
        return {f"author-{self.author.pk}"}

    def get_queryset(self):
        # Only profiles that sign a published article have a page: no list of login names,
        # no page announcing a writer whose first piece is still a draft.
        self.author = self.found_or_404("author", lambda slug: Author.objects.public().filter(slug=slug).first())
        return SimpleLazyObject(lambda: Article.objects.published().for_listing().filter(bylines=self.author))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.author.name,
            description=self.author.bio,
            author=self.author,
            json_ld=author_json_ld(self.author, self.request),
            **kwargs,
        )


class ArticleDetailView(PublicPageMixin, DetailView):
    template_name = "articles/detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # The row alone; its category and the rest only when the page draws again what it
        # kept (articles.pages, articles.kept).
        articles = Article.objects.for_page().published()
        return articles if kept_enabled(self.request) else articles.select_related("category")

    def page_keys_for(self, context):
        # `byline-<id>`: a profile's edit renders again the article pages that name it.
        def byline_ids():
            context["prepare"]()  # the page's prefetches, bylines among them
            return [author.pk for author in self.object.byline_authors]

        return {f"byline-{pk}" for pk in kept_value(self.request, ("bylines", self.object.pk), byline_ids)}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        category = kept_categories(request).get(self.object.category_id)
        if category is not None:
            Article.category.field.set_cached_value(self.object, category)
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


class PageView(PublicPageMixin, DetailView):
    """About, contact, the editorial charter, privacy: a standing page editors keep in the admin."""

    template_name = "articles/page.html"
    context_object_name = "page"
    queryset = Page.objects.all()

    def page_keys_for(self, context):
        return {f"page-{self.object.pk}"}
