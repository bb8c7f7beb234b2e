from django.urls import path, register_converter

from articles import views


class UnicodeSlugConverter:
    # The built-in <slug:> converter rejects Arabic letters.
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("article/<int:pk>/", views.ArticleDetailView.as_view(), name="detail-short"),
    path("article/<int:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:username>/", views.AuthorView.as_view(), name="author"),
    # Last: a category slug is any other single path segment.
    path("<uslug:slug>/", views.CategoryView.as_view(), name="category"),
]
