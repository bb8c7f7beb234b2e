from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("التعليقات")

    def ready(self):
        # The article page shows the comment block without the articles app knowing
        # comments exist: articles is the base the other apps build on, never the reverse.
        from articles.pages import article_block_register
        from comments.selectors import comment_block

        article_block_register(name="comments", template="comments/block.html", context=comment_block)
