from django.urls import path

from articles import (
    beacon,
    converters,  # noqa: F401 - registers <uslug:>, <id:>, <year:>, <month:>
    discovery,
    feeds,
    sitemaps,
    views,
)
from articles.pagecache import public_page

# Feeds and sitemaps list every recent article: any article change renders them anew.
feed_page = public_page("feeds")
sitemap_page = public_page("sitemaps")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("article/<id:pk>/", views.ArticleDetailView.as_view(), name="detail-short"),
    path("article/<id:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("v/<id:article_id>/", beacon.view_beacon, name="view-beacon"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", discovery.SearchView.as_view(), name="search"),
    path("page/<uslug:slug>/", views.PageView.as_view(), name="page"),
    path("archive/<year:year>/", discovery.YearArchiveView.as_view(), name="archive-year"),
    path("archive/<year:year>/<month:month>/", discovery.MonthArchiveView.as_view(), name="archive-month"),
    path("feed/", feed_page(feeds.LatestArticlesFeed()), name="feed"),
    path("<uslug:slug>/feed/", feed_page(feeds.CategoryArticlesFeed()), name="category-feed"),
    path("robots.txt", discovery.robots_txt, name="robots"),
    path("favicon.ico", discovery.favicon, name="favicon"),
    # The index and the news sitemap are invalidated together (the `sitemaps` key), so
    # the index names the news sitemap only while it has articles in it.
    path("sitemap.xml", sitemap_page(sitemaps.index), name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap_page(sitemaps.section),
        {"section": "news", "template_name": "articles/news_sitemap.xml"},
        name="sitemap-news",
    ),
    path("sitemap-<section>.xml", sitemap_page(sitemaps.section), name="sitemap-section"),
    # Last: a category slug is any other single path segment.
    path("<uslug:slug>/", views.CategoryView.as_view(), name="category"),
]
