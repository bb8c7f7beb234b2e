"""articles is the base: comments and newsletter build on it, never the other way round."""

import ast
from pathlib import Path

from django.conf import settings

ARTICLES = Path(settings.BASE_DIR) / "articles"
APPS_BUILT_ON_ARTICLES = {"comments", "newsletter"}


def imported_apps(source: str) -> set[str]:
    """The top-level packages a module imports, at its top or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"get_model", "import_module"}:
            # apps.get_model("comments", ...) or import_module("comments.x") is an import too.
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value.split(".")[0])
    return names


def test_the_checker_sees_every_way_of_importing():
    source = "import comments.models\nfrom newsletter import services\n"
    source += "def f():\n    from comments.selectors import comment_block\n    apps.get_model('newsletter', 'X')\n"
    assert imported_apps(source) == {"comments", "newsletter"}


def test_articles_imports_nothing_from_the_apps_built_on_it():
    offenders = {
        str(path.relative_to(ARTICLES)): sorted(
            imported_apps(path.read_text(encoding="utf-8")) & APPS_BUILT_ON_ARTICLES
        )
        for path in ARTICLES.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: apps for path, apps in offenders.items() if apps} == {}
