"""{% keep "name" value… [per_minute] %}…{% endkeep %}: a part of a page kept between requests (articles.kept).

The part is drawn once per change of the site for the values given (and the language,
time zone, scheme and host), then sent as drawn; `per_minute` draws it again each minute,
for parts that show a relative time or «الأكثر قراءة». Everything the part shows must come
from the values given or from data whose change replaces the site's stamp; per-reader
values (a form's signed field, messages) stay outside it. The part's context should hold
lazy values, so that a kept part costs no query; a `prepare` callable in the context runs
before a part is drawn. The articles whose lazy values the part computed go on the
response's keys (articles.pagecache) whether the part was drawn or kept. Parts do not nest. A value that differs per reader inside a kept part (the comment form's
signed "started" value) is drawn as a mark and filled in per request from the context's
`kept_fills` ({mark: function}).
"""

import time

from django import template
from django.utils.safestring import mark_safe

from articles.kept import kept, kept_enabled
from articles.pagecache import context_article_keys

register = template.Library()

PER_MINUTE = "per_minute"


class KeepNode(template.Node):
    def __init__(self, name: str, values: list, per_minute: bool, nodelist):
        self.name = name
        self.values = values
        self.per_minute = per_minute
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if context.get("preview") or not kept_enabled(request):
            self._prepare(context)
            return self.nodelist.render(context)
        key = ("keep", self.name, *(value.resolve(context) for value in self.values))
        if self.per_minute:
            key += (int(time.time() // 60),)
        html, keys = kept(request, key, lambda: self._drawn(context))
        request.kept_page_keys = getattr(request, "kept_page_keys", set()) | keys
        for mark, fill in (context.get("kept_fills") or {}).items():
            if mark in html:
                html = mark_safe(html.replace(mark, fill()))  # noqa: S308 - the fills are the page's own values
        return html

    @staticmethod
    def _prepare(context):
        prepare = context.get("prepare")
        if prepare:
            prepare()  # e.g. the article page's prefetches, once, before the first part needs them

    def _drawn(self, context) -> tuple[str, frozenset]:
        """The part drawn to be kept, with the keys of the articles it read.

        Per-reader values stay marked (`kept_fills`). The keys are those of the articles
        whose lazy values the drawing computed: the articles the context held already are
        the page's keys anyway (articles.pagecache.PublicPageMixin), kept part or not.
        """
        self._prepare(context)
        shown_before = context_article_keys(context.flatten())
        with context.push(kept_drawing=True):
            html = self.nodelist.render(context)
        return html, frozenset(context_article_keys(context.flatten()) - shown_before)


@register.tag
def keep(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% keep "name" value… %} needs a quoted name first')
    rest = bits[2:]
    per_minute = PER_MINUTE in rest
    values = [parser.compile_filter(bit) for bit in rest if bit != PER_MINUTE]
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(bits[1][1:-1], values, per_minute, nodelist)
