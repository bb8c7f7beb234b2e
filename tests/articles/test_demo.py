import io

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Byline, Category

pytestmark = pytest.mark.django_db
SEED_TITLE = "السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا بزيارة عمل هامة"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_seed_article_is_loaded_faithfully(demo, client):
    seed = Article.objects.get(title=SEED_TITLE)
    assert seed.category.name == "أمن"
    assert seed.is_public
    sections = list(seed.sections.all())
    assert [s.heading for s in sections] == [
        "",
        "جلسات عمل لمناقشة التهديدات المشتركة",
        "خطة عمل مشتركة للتعاون الأمني",
        "مكانة المغرب في التعاون الأمني الدولي",
        "رسالة تعكس الالتزام بالمصداقية والفعالية",
    ]
    plan = sections[2].body
    assert plan.count("<li>") == 5
    assert "<li>مكافحة غسيل الأموال.</li>" in plan
    assert {"المغرب", "بلجيكا", "الأمن", "الإرهاب"} <= {t.name for t in seed.tags.all()}

    page = client.get(seed.get_absolute_url()).content.decode()
    assert "الخميس 5 دجنبر 2024" in page
    assert "محتويات المقال" in page
    assert "شاهد أيضا" in page
    assert "شارك بتعليقك" not in page.split("<article")[0]  # the page furniture is rendered by the site, not stored


def test_demo_has_related_articles_across_categories(demo):
    others = Article.objects.published().exclude(title=SEED_TITLE)
    assert others.count() >= 6
    assert others.values("category").distinct().count() >= 4
    assert Category.objects.count() >= 5


def test_loading_twice_changes_nothing(demo):
    before = (
        Article.objects.count(),
        Category.objects.count(),
        sorted(Article.objects.values_list("updated_at", flat=True)),
        sorted(Author.objects.values_list("slug", "bio", "photo")),
        Byline.objects.count(),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))
    after = (
        Article.objects.count(),
        Category.objects.count(),
        sorted(Article.objects.values_list("updated_at", flat=True)),
        sorted(Author.objects.values_list("slug", "bio", "photo")),
        Byline.objects.count(),
    )
    assert before == after


def test_the_demo_has_journalists_and_agencies_and_an_article_they_sign_together(demo, client):
    journalists = Author.objects.filter(kind=Author.Kind.STAFF).order_by("slug")
    assert [(a.slug, a.user.username, bool(a.bio), bool(a.photo)) for a in journalists] == [
        ("muharrir", "muharrir", True, True),
        ("sahafi", "sahafi", True, True),
    ]
    agencies = Author.objects.filter(kind=Author.Kind.AGENCY).order_by("slug")
    assert [(a.name, a.user, bool(a.bio)) for a in agencies] == [("أ.ف.ب", None, True), ("و.م.ع", None, True)]
    joint = Article.objects.get(title="بروكسيل تستضيف اجتماعا أوروبيا حول أمن الحدود والهجرة")
    assert [a.name for a in joint.byline_authors] == ["يوسف العلمي", "أ.ف.ب"]
    page = client.get("/author/afp/").content.decode()
    assert "وكالة فرانس برس" in page and joint.title in page
    assert all(article.byline_authors for article in Article.objects.all())  # every demo article is signed


def test_home_page_of_the_demo(demo, client):
    page = client.get("/").content.decode()
    assert SEED_TITLE in page
    for name in ["وطني", "دولي", "أمن", "اقتصاد", "رياضة"]:
        assert f">{name}</a>" in page


def test_the_demo_editor_signs_in_with_the_password_and_the_code_demo_otp_prints(demo):
    from django.test import Client

    browser = Client()  # the real two steps, no shortcut
    response = browser.post("/admin/login/?next=/admin/", {"username": "muharrir", "password": "demo-portal-2024"})
    assert response["Location"].startswith("/admin/second-factor/")
    assert browser.get("/admin/").status_code == 302
    printed = io.StringIO()
    call_command("demo_otp", "muharrir", stdout=printed, stderr=io.StringIO())
    code = printed.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    response = browser.post("/admin/second-factor/", {"code": code, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_the_demo_journalist_signs_in_with_the_password_alone(demo):
    from django.test import Client

    browser = Client()
    response = browser.post("/admin/login/?next=/admin/", {"username": "sahafi", "password": "demo-portal-2024"})
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_demo_otp_never_reads_out_a_real_accounts_authenticator(demo):
    from django.core.management.base import CommandError
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.helpers import make_editor, totp_device

    totp_device(make_editor("real-editor"))
    with pytest.raises(CommandError):
        call_command("demo_otp", "real-editor")
    assert TOTPDevice.objects.filter(user__username="admin", confirmed=True).count() == 1
    call_command("load_demo", stdout=io.StringIO())  # run again: still one authenticator each
    assert TOTPDevice.objects.filter(user__username="admin", confirmed=True).count() == 1
