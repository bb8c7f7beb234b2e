from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template, render_to_string

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"
ALL_TEMPLATES = sorted(
    str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*") if p.suffix in {".html", ".txt", ".xml"}
)


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_every_template_compiles(name):
    # A syntax error or an unknown tag library shows up here, not in front of a reader.
    get_template(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["404.html", "400.html", "403.html", "403_csrf.html"])
def test_error_pages_render_in_arabic_right_to_left(rf, name):
    page = render_to_string(name, {"request": rf.get("/")})
    assert 'dir="rtl"' in page
    assert "<h1>" in page
