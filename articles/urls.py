from django.urls import path
from django.views.decorators.cache import cache_page

from articles import (
    converters,  # noqa: F401 - registers <uslug:>, <id:>, <year:>, <month:>
    discovery,
    feeds,
    sitemaps,
    views,
)

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("article/<id:pk>/", views.ArticleDetailView.as_view(), name="detail-short"),
    path("article/<id:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:username>/", views.AuthorView.as_view(), name="author"),
    path("search/", discovery.SearchView.as_view(), name="search"),
    path("archive/<year:year>/", discovery.YearArchiveView.as_view(), name="archive-year"),
    path("archive/<year:year>/<month:month>/", discovery.MonthArchiveView.as_view(), name="archive-month"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("<uslug:slug>/feed/", feeds.CategoryArticlesFeed(), name="category-feed"),
    path("robots.txt", discovery.robots_txt, name="robots"),
    # The index is cached no longer than the news sitemap, so it names that one only
    # while it has articles in it.
    path("sitemap.xml", cache_page(600)(sitemaps.index), name="sitemap"),
    path(
        "sitemap-news.xml",
        cache_page(600)(sitemaps.section),
        {"section": "news", "template_name": "articles/news_sitemap.xml"},
        name="sitemap-news",
    ),
    path("sitemap-<section>.xml", cache_page(3600)(sitemaps.section), name="sitemap-section"),
    # Last: a category slug is any other single path segment.
    path("<uslug:slug>/", views.CategoryView.as_view(), name="category"),
]
