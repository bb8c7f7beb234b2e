from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.paginator import Paginator
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from articles.mail import absolute_url
from articles.models import Article
from articles.renditions import Rendition
from comments.forms import CommentForm
from newsletter.forms import SubscribeForm
from newsletter.models import Dispatch, Subscriber
from tests.comments.factories import make_comment
from tests.helpers import make_article, make_user

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"
ALL_TEMPLATES = sorted(
    str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*") if p.suffix in {".html", ".txt", ".xml"}
)


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_every_template_compiles(name):
    # A syntax error or an unknown tag library shows up here, not in front of a reader.
    get_template(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["404.html", "400.html", "403.html", "403_csrf.html", "403_cross_site.html"])
def test_error_pages_render_in_arabic_right_to_left(rf, name):
    page = render_to_string(name, {"request": rf.get("/")})
    assert 'dir="rtl"' in page
    assert "<h1>" in page


# The admin's own templates need the whole admin context: they are rendered by their pages.
ADMIN_PAGES = {
    "admin/index.html": lambda objects: "/admin/",
    "admin/articles/article/change_form.html": lambda objects: (
        f"/admin/articles/article/{objects['article'].pk}/change/"
    ),
    "admin/articles/article/versions.html": lambda objects: (
        f"/admin/articles/article/{objects['article'].pk}/versions/"
    ),
    "admin/newsletter/dispatch/change_form.html": (
        lambda objects: f"/admin/newsletter/dispatch/{objects['dispatch'].pk}/change/"
    ),
    "admin/newsletter/dispatch/prepare.html": lambda objects: "/admin/newsletter/dispatch/add/",
    "admin/newsletter/dispatch/send_confirmation.html": (
        lambda objects: f"/admin/newsletter/dispatch/{objects['dispatch'].pk}/send/"
    ),
    "admin/change_list.html": lambda objects: "/admin/articles/article/",
    "admin/search_form.html": lambda objects: "/admin/articles/article/",
    "admin/pagination.html": lambda objects: "/admin/articles/article/",
}


@pytest.fixture
def objects(db):
    """One of each thing the templates show, saved the way production saves them."""
    author = make_user("kateb", first_name="يوسف", last_name="العلمي")
    article = make_article(
        "مقال للعرض", sections=(("", "<p>مقدمة.</p>"), ("عنوان فقرة", "<p>نص.</p>")), tags=["أمن"], authors=[author]
    )
    article = Article.objects.for_detail().get(pk=article.pk)
    comment = make_comment(article, name="أمينة", body="تعليق.")
    comment.approved_replies = []
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        subject="كواليس اليوم — ملخص", heading="ملخص", period_start=now - timezone.timedelta(days=1), period_end=now
    )
    dispatch.articles.set([article])
    return {
        "article": article,
        "author": author,
        "comment": comment,
        "subscriber": Subscriber.objects.create(email="reader@example.ma"),
        "dispatch": dispatch,
    }


def minimal_context(rf, objects, name):
    """What the views give each template, smallest version: one article, one comment, one of each form."""
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    article, comment = objects["article"], objects["comment"]
    listing = list(Article.objects.for_listing())
    paginator = Paginator(listing * 3, 1)  # three pages, so the pagination shows
    context = {
        "request": request,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "nav_categories": [article.category],
        "article": article,
        "sections": list(article.sections.all()),
        "toc": [],
        "related": listing,
        "most_read": listing,
        "comment": comment,
        "parent": comment,
        "comment_threads": [comment],
        "comment_count": 1,
        "comments_open": True,
        "comment_form": CommentForm(article=article),
        "articles": listing,
        "breaking": listing,
        "featured": listing,
        "category_blocks": [(article.category, listing)],
        "paginator": paginator,
        "page_obj": paginator.get_page(2),
        "is_paginated": True,
        "heading": "عنوان",
        "author": article.byline_authors[0],  # the author page's profile
        "query": "أمن",
        "searched": True,
        "date_list": [article.published_at],
        "month": article.published_at.date(),
        "subscriber": objects["subscriber"],
        "token": "token",
        "problem": "invalid",
        "form": SubscribeForm(),
        "consent_text": "نص الموافقة",
        "url": absolute_url(article.get_absolute_url()),
        "stop_url": absolute_url("/stop/"),
        "confirm_url": absolute_url("/confirm/"),
        "max_age_days": 3,
        "dispatch": objects["dispatch"],
        "privacy_url": absolute_url("/privacy/"),
        "unsubscribe_url": absolute_url("/unsubscribe/"),
        "urlset": [{"location": absolute_url(article.get_absolute_url()), "item": article}],
        "show": True,
        "count": 2,
        "done": False,
        "items": [("review", 2), ("scheduled_today", 1), ("returned", 0)],  # the desk notice
    }
    if name.startswith("newsletter/email/digest"):
        context["articles"] = [(article, absolute_url(article.get_absolute_url()))]
    if name == "comments/form.html":
        context["form"] = context["comment_form"]
    if name == "includes/picture.html":  # what the {% picture %} tag hands it
        jpeg = Rendition("/media/cache/a.jpg", 800, 450, "image/jpeg")
        context["renditions"] = {
            "webp": "/media/cache/a.webp 800w",
            "jpeg": "/media/cache/a.jpg 800w",
            "fallback": jpeg,
        }
    return context


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_every_template_renders_with_a_minimal_context(rf, client, objects, name):
    # Compiling is not enough: a {% url %} missing its argument, a filter on the wrong
    # type or a tag library that fails at render time only shows when rendered.
    if name in ADMIN_PAGES:
        client.force_login(make_user("chef", is_staff=True, is_superuser=True))
        response = client.get(ADMIN_PAGES[name](objects))
        assert response.status_code == 200
        assert name in [template.name for template in response.templates]
        output = response.content.decode()
    else:
        context = minimal_context(rf, objects, name)
        output = render_to_string(name, context, request=context.pop("request"))
    assert output.strip()
    assert "{%" not in output and "{{" not in output
