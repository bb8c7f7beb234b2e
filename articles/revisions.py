"""Saved versions of articles (django-reversion) and the word-by-word comparison the desk reads.

Each version holds the article's fields, its sections and its tag links (followed through
`Article.tag_links`, since taggit's manager is not serialized). Derived columns (the
search index, the comment count) are left out: they follow the live rows, not a version.
"""

import difflib
import re
from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.html import html_to_text
from articles.models import Article, Section

EXCLUDED = ("search_document", "search_vector", "comment_count")
COMPARED_FIELDS = [
    ("title", _("العنوان")),
    ("lead", _("المقدمة")),
    ("cover", _("صورة الغلاف")),
    ("cover_caption", _("تعليق الصورة")),
    ("cover_credit", _("مصدر الصورة")),
]


def register() -> None:
    """Called once from ArticlesConfig.ready()."""
    if not reversion.is_registered(Article):
        reversion.register(Article, follow=("sections", "tag_links"), exclude=EXCLUDED)
    if not reversion.is_registered(Section):
        reversion.register(Section)
    if not reversion.is_registered(TaggedItem):
        reversion.register(TaggedItem)


def article_versions(article: Article):
    """The article's versions, newest first, with who saved each."""
    return Version.objects.get_for_object(article).select_related("revision__user")


@dataclass
class ArticleText:
    """What a person reads of one version: the fields, the sections as text, the tags."""

    fields: dict[str, str]
    sections: list[tuple[str, str]]
    tags: list[str]


def version_text(version: Version) -> ArticleText:
    fields = version.field_dict
    section_type = ContentType.objects.get_for_model(Section)
    tag_type = ContentType.objects.get_for_model(TaggedItem)
    siblings = list(version.revision.version_set.filter(content_type__in=[section_type, tag_type]))
    sections = sorted(
        (v.field_dict for v in siblings if v.content_type_id == section_type.pk),
        key=lambda section: (section["position"], section["id"]),
    )
    tag_ids = [v.field_dict["tag_id"] for v in siblings if v.content_type_id == tag_type.pk]
    return ArticleText(
        fields={name: str(fields.get(name) or "") for name, _label in COMPARED_FIELDS},
        sections=[(section["heading"], html_to_text(section["body"])) for section in sections],
        tags=sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)),
    )


def current_text(article: Article) -> ArticleText:
    return ArticleText(
        fields={name: str(getattr(article, name) or "") for name, _label in COMPARED_FIELDS},
        sections=[(s.heading, html_to_text(s.body)) for s in article.sections.order_by("position", "id")],
        tags=sorted(article.tags.names()),
    )


def words_diff(old: str, new: str) -> SafeString:
    """`new` with the words added since `old` in <ins> and those removed in <del>."""
    tokens = re.compile(r"\w+|[^\w\s]+|\s+")
    before, after = tokens.findall(old), tokens.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(after[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return mark_safe("".join(out))


@dataclass
class Change:
    label: str
    old: str
    new: str
    marked: SafeString


def changes_between(old: ArticleText, new: ArticleText) -> list[Change]:
    """The parts that differ, each with the new text and its changed words marked."""

    def flat_sections(text: ArticleText) -> str:
        return "\n\n".join(f"{heading}\n{body}" if heading else body for heading, body in text.sections)

    pairs = [(label, old.fields[name], new.fields[name]) for name, label in COMPARED_FIELDS]
    pairs.append((_("نص المقال"), flat_sections(old), flat_sections(new)))
    pairs.append((_("الوسوم"), "، ".join(old.tags), "، ".join(new.tags)))
    return [Change(str(label), a, b, words_diff(a, b)) for label, a, b in pairs if a != b]


@dataclass
class Conflict:
    """What someone else saved after a form was opened: who, when, and the changed words."""

    who: str
    when: str
    changes: list[Change]


def posted_text(*, article: Article, data) -> ArticleText:
    """The text of an article form as posted (the cover is not text: the stored one)."""
    count = int(data.get("sections-TOTAL_FORMS") or 0) if str(data.get("sections-TOTAL_FORMS", "")).isdigit() else 0
    sections = [
        (data.get(f"sections-{i}-heading", ""), html_to_text(data.get(f"sections-{i}-body", "")))
        for i in range(min(count, 200))
        if not data.get(f"sections-{i}-DELETE")
    ]
    fields = {name: str(data.get(name, getattr(article, name)) or "") for name, _label in COMPARED_FIELDS}
    fields["cover"] = str(article.cover or "")
    tags = sorted(tag.strip() for tag in re.split(r"[,،]", data.get("tags", "")) if tag.strip())
    return ArticleText(fields=fields, sections=sections, tags=tags)


def conflict_report(*, article: Article, opened_at: str, data) -> Conflict:
    """For a save refused because `article` changed after `opened_at` (an ISO time).

    The changes are those between the version the form was opened from and the stored
    article; with no such version (an article older than the versions), between what
    was posted and the stored article.
    """
    opened = parse_datetime(opened_at)
    versions = list(article_versions(article)[:50]) if opened else []
    newer = [v for v in versions if v.revision.date_created > opened]
    older = [v for v in versions if v.revision.date_created <= opened]
    user = newer[0].revision.user if newer else None
    who = (user.get_full_name() or user.get_username()) if user else str(_("زميل لك"))
    before = version_text(older[0]) if older else posted_text(article=article, data=data)
    changes = changes_between(before, current_text(article))
    when = date_format(timezone.localtime(article.updated_at), "TIME_FORMAT")
    return Conflict(who=who, when=when, changes=changes)
