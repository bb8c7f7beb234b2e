"""Every admin page a newsroom role can reach reads in Arabic: no English word in what people see.

The pages are walked the way the admin links them (index, each list, add and change forms,
history) for the superuser, the editor and the journalist, on the demo content. What people
typed (names, addresses, web addresses) is set aside; what is left is the interface.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import strip_tags

from articles.models import Article
from comments.models import Comment
from newsletter import services as newsletter_services
from tests.comments.factories import make_comment
from tests.helpers import admin_article_form, make_article, make_category
from tests.newsletter.helpers import make_subscriber

pytestmark = pytest.mark.django_db

ARTICLES = "/admin/articles/article/"

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Attributes a person reads: tooltips, placeholders, labels for screen readers, image texts.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SKIPPED_ELEMENTS = {"script", "style", "textarea", "template", "noscript"}
# What the machine writes, not the interface: addresses, paths, hashes and masked secrets,
# identifiers (pbkdf2_sha256), and acronyms read as such in Arabic (IP, CSV).
MACHINE = re.compile(r"\S+@\S+|https?://\S+|/\S*|\b[0-9a-f]{16,}\b|\S*\*{3,}\S*|\b\w+_\w+\b|\b[A-Z]{2,4}\b|<unknown>")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        attributes = dict(attrs)
        for name in READ_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def english_in(html: str, typed: list[str]) -> set[str]:
    """English words in the visible text, leaving out what people typed (names, slugs)."""
    parser = VisibleText()
    parser.feed(html)
    words = set()
    for text in parser.texts:
        text = MACHINE.sub(" ", text)
        for content in typed:
            text = text.replace(content, " ")
        words |= set(ENGLISH_WORD.findall(text))
    return words


def typed_content() -> list[str]:
    """Texts the newsroom typed in: account names, slugs, and what the sign-in log recorded."""
    from axes.models import AccessLog

    from articles.models import Article, Category, Page

    typed = set(get_user_model().objects.values_list("username", flat=True))
    typed |= set(Category.objects.values_list("slug", flat=True))
    typed |= set(Article.objects.values_list("slug", flat=True))
    typed |= set(Page.objects.values_list("slug", flat=True))
    typed |= {str(entry) for entry in AccessLog.objects.all()}  # "Access Log for admin @ …", axes's own words
    # Longest first: "sahafi-2" goes before "sahafi" would leave "-2".
    return sorted(typed, key=len, reverse=True)


def pages_for(user):
    """The admin addresses a person with this account reaches by following the admin's links."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:app_list", args=[info[0]]))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model_admin.get_queryset(request).order_by("-pk").first()
        if obj is not None and model_admin.has_view_permission(request, obj):
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return list(dict.fromkeys(urls))


@pytest.fixture
def newsroom(db):
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    article = make_article("خبر للنشرة", authors=[users.get(username="sahafi")])
    make_comment(article, status=Comment.Status.PENDING)
    make_subscriber("amina@example.ma")
    newsletter_services.dispatch_prepare(rhythm="daily", user=users.get(username="muharrir"))
    return users


@pytest.mark.parametrize("username", ["admin", "muharrir", "sahafi"])
def test_every_admin_page_of_a_role_is_in_arabic(client, newsroom, username):
    client.force_login(newsroom.get(username=username))
    found = {}
    typed = typed_content()
    for url in pages_for(newsroom.get(username=username)):
        response = client.get(url)
        assert response.status_code == 200, url
        english = english_in(response.content.decode(), typed)
        if english:
            found[url] = sorted(english)
    assert found == {}


# django-taggit's own Arabic calls the app «أوْسِمه» (a misspelt plural, with diacritics).
DIACRITICS = re.compile("[\u064b-\u0652]")
WRONG_TAG_NAMES = ("أوسمه", "أوسمة")


@pytest.mark.parametrize("username", ["admin", "muharrir"])
def test_tags_are_called_al_wusum_on_every_admin_page(client, newsroom, username):
    """Index, sidebar, breadcrumbs, list titles and (for the superuser) the group form's permission names."""
    client.force_login(newsroom.get(username=username))
    urls = pages_for(newsroom.get(username=username))
    assert "/admin/taggit/tag/" in urls
    found = {}
    for url in urls:
        text = DIACRITICS.sub("", client.get(url).content.decode())
        wrong = [name for name in WRONG_TAG_NAMES if name in text]
        if wrong:
            found[url] = wrong
    assert found == {}
    index = client.get("/admin/").content.decode()
    assert '<a href="/admin/taggit/" class="section" title="النماذج في تطبيق الوسوم">الوسوم</a>' in index


def test_tag_permissions_name_the_tags_al_wusum(newsroom):
    from django.contrib.auth.models import Permission

    names = [str(permission) for permission in Permission.objects.filter(content_type__app_label="taggit")]
    assert "الوسوم | الوسم | إضافة الوسم" in names
    assert not [name for name in names if any(wrong in DIACRITICS.sub("", name) for wrong in WRONG_TAG_NAMES)]


def messages_of(response):
    return [strip_tags(str(message)) for message in response.context["messages"]]


def test_an_addition_says_added_and_an_edit_says_saved(client, journalist):
    category = make_category()
    client.force_login(journalist)
    added = client.post(ARTICLES + "add/", admin_article_form(category), follow=True)
    article = Article.objects.get()
    assert messages_of(added) == [f"تمت الإضافة: مقال «{article.title}»."]

    form = admin_article_form(category, **{"sections-INITIAL_FORMS": "0", "title": "عنوان بعد التعديل"})
    Section = article.sections.model
    Section.objects.filter(article=article).delete()
    saved = client.post(f"{ARTICLES}{article.pk}/change/", form, follow=True)
    assert messages_of(saved) == ["تم الحفظ: مقال «عنوان بعد التعديل»."]


def test_lists_count_and_address_in_grammatical_arabic(client, editor):
    category = make_category()
    for n in range(8):
        make_article(f"خبر رقم {n}", category=category)
    client.force_login(editor)
    page = client.get(ARTICLES).content.decode()
    assert "<h1>اختر مقالا للتعديل</h1>" in page
    assert "المقالات: 8" in page and "8 المقالات" not in page


def test_the_authors_picker_and_calendar_speak_arabic(client, editor):
    """Every string of the two-box picker and the calendar has its Arabic in the JavaScript catalog."""
    client.force_login(editor)
    catalog = client.get("/admin/jsi18n/").content.decode()
    for english in [
        "Choose all %s",
        "Remove all %s",
        "Choose selected %s",
        "Remove selected %s",
        "Type into this box to filter down the list of selected %s.",
        "(click to clear)",
        "Sunday",
    ]:
        assert f'"{english}": "' in catalog, english
    assert '"Choose all %s": "\\u0627\\u062e\\u062a\\u0631 \\u0643\\u0644 %s"' in catalog  # اختر كل %s


def test_the_editor_heading_menu_is_arabic(settings):
    titles = [option["title"] for option in settings.CKEDITOR_5_CONFIGS["default"]["heading"]["options"]]
    assert titles == ["فقرة", "عنوان رئيسي", "عنوان فرعي"]
