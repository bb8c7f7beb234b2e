"""What the comment block of an article page shows, computed before the template runs."""

from functools import cache

from django.utils.functional import SimpleLazyObject

from articles.models import Article
from comments.forms import STARTED_MARK, CommentForm, sign_started
from comments.models import Comment
from comments.services import comments_are_open


def comment_block(*, article: Article, form: CommentForm | None = None, reply_to: Comment | None = None) -> dict:
    """Context for templates/comments/block.html: approved threads (two queries), the count, the form.

    The threads are read when the block is drawn: a page that kept its drawn comments
    (articles.kept) reads none.
    """
    threads = SimpleLazyObject(lambda: list(Comment.objects.for_article_page(article)) if article.pk else [])
    is_open = comments_are_open(article=article)
    if form is None and is_open:
        # Made only when the form is drawn: a page that kept it fills in its signed value.
        form = SimpleLazyObject(lambda: CommentForm(initial={"parent": reply_to.pk} if reply_to else None))
    return {
        "comment_threads": threads,
        # A function, which the template calls (a lazy object would not work in the plural rule).
        "comment_count": cache(lambda: len(threads) + sum(len(thread.approved_replies) for thread in threads)),
        "comments_open": is_open,
        "comment_form": form if is_open else None,
        "reply_to": reply_to,
        "kept_fills": {STARTED_MARK: sign_started} if is_open else {},
    }
