"""What the comment block of an article page shows, computed before the template runs."""

from articles.models import Article
from comments.forms import CommentForm
from comments.models import Comment
from comments.services import comments_are_open


def comment_block(*, article: Article, form: CommentForm | None = None, reply_to: Comment | None = None) -> dict:
    """Context for templates/comments/block.html: approved threads (two queries), the count, the form."""
    threads = list(Comment.objects.for_article_page(article)) if article.pk else []
    is_open = comments_are_open(article=article)
    if form is None and is_open:
        form = CommentForm(initial={"parent": reply_to.pk} if reply_to else None)
    return {
        "comment_threads": threads,
        "comment_count": len(threads) + sum(len(thread.approved_replies) for thread in threads),
        "comments_open": is_open,
        "comment_form": form if is_open else None,
        "reply_to": reply_to,
    }
