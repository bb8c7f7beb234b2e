from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.clients import client_address
from articles.models import Article
from articles.pages import article_page_context
from articles.ratelimit import rate_limited
from articles.sameorigin import same_origin_post
from comments.forms import CONSENT_TEXT, TYPED, CommentForm, sign_started, started_claim
from comments.models import Comment
from comments.services import (
    comment_report,
    comment_submit,
    comments_are_open,
    notifications_stop,
    sender_hash,
    stop_token_is_valid,
)


def _too_many(request, *, group: str, key: str, rate: str, article: Article):
    return rate_limited(
        request, group=group, key=key, rate=rate, template="comments/rate_limited.html", context={"article": article}
    )


def _public_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.for_detail().published(), pk=article_id)


def _article_page(request, *, article: Article, form: CommentForm | None = None, reply_to=None, status=200):
    # The article page as its own view builds it (minus the view counting), with this
    # request's comment form, or one answering `reply_to`, in place of a blank one.
    context = article_page_context(
        request=request, article=article, block_options={"comments": {"form": form, "reply_to": reply_to}}
    )
    return render(request, "articles/detail.html", context, status=status)


def _back_to_comments(article: Article, anchor: str = "comments") -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{article.get_absolute_url()}#{anchor}")


def _awaits_review() -> str:
    return gettext("شكرا لك. تعليقك في انتظار المراجعة، وسيظهر بعد أن يوافق عليه المحررون.")


@same_origin_post
@require_POST
def comment_post(request, article_id: int):
    """The "شارك بتعليقك" form: check, store through comment_submit, redirect back to the article."""
    article = _public_article(article_id)
    if not comments_are_open(article=article):
        return render(request, "comments/closed.html", {"article": article}, status=403)
    address = client_address(request)
    limited = _too_many(
        request,
        group="comments:post:address",
        key=sender_hash(address=address),
        rate=settings.COMMENTS_RATE_PER_ADDRESS,
        article=article,
    )
    if limited:
        return limited
    form = CommentForm(request.POST, article=article)
    if form.looks_like_a_bot():
        # Nothing is stored and the bot learns nothing: it sees what a reader sees.
        messages.success(request, _awaits_review(), extra_tags="comments")
        return _back_to_comments(article)
    if not form.is_valid():
        if form.has_error("parent"):
            # The answered comment is gone (or the id was forged): sent again, it stands alone.
            form.data = form.data.copy()
            form.data["parent"] = ""
        reply_to = form.cleaned_data.get("parent")
        return _article_page(request, article=article, form=form, reply_to=reply_to, status=400)
    if not started_claim(form.data.get("started") or ""):
        # The same typed value sent again: a script replaying one form. Same silence.
        messages.success(request, _awaits_review(), extra_tags="comments")
        return _back_to_comments(article)
    data = form.cleaned_data
    limited = _too_many(
        request,
        group="comments:post:email",
        key=data["email"].strip().lower(),
        rate=settings.COMMENTS_RATE_PER_EMAIL,
        article=article,
    )
    if limited:
        return limited
    comment = comment_submit(
        article=article,
        parent=data["parent"],
        name=data["name"],
        email=data["email"],
        body=data["body"],
        notify_replies=data["notify_replies"],
        consent_text=str(CONSENT_TEXT),
        sender_address=address,
    )
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, gettext("شكرا لك، نُشر تعليقك."), extra_tags="comments")
        return _back_to_comments(article, f"comment-{comment.pk}")
    messages.success(request, _awaits_review(), extra_tags="comments")
    return _back_to_comments(article)


@never_cache
@require_GET
def comment_started(request):
    """A fresh single-use "started" value, which site.js puts in the form when the reader starts typing.

    The value rendered into the page is shared by every reader of a cached page; this
    one is the reader's own, so the form's timing and its one use mean something again.
    """
    return HttpResponse(sign_started(kind=TYPED), content_type="text/plain; charset=utf-8")


def comment_reply(request, comment_id: int):
    """The article page with the form set to answer one approved comment (the "ردّ" link, no JavaScript)."""
    comment = get_object_or_404(
        Comment.objects.approved().select_related("parent").filter(article__in=Article.objects.published()),
        pk=comment_id,
    )
    thread = comment.parent or comment
    article = _public_article(comment.article_id)
    response = _article_page(request, article=article, reply_to=thread)
    response["X-Robots-Tag"] = "noindex"
    return response


@same_origin_post
@require_POST
def comment_report_view(request, comment_id: int):
    """The one-click "إبلاغ" button under a comment."""
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(article__in=Article.objects.published()), pk=comment_id
    )
    address = client_address(request)
    limited = _too_many(
        request,
        group="comments:report:address",
        key=sender_hash(address=address),
        rate=settings.COMMENTS_RATE_REPORTS,
        article=comment.article,
    )
    if limited:
        return limited
    if comment.status == Comment.Status.APPROVED:
        comment_report(comment=comment, reporter_address=address)
    messages.success(request, gettext("شكرا لك، وصل إبلاغك وسيراجع المحررون هذا التعليق."), extra_tags="comments")
    return _back_to_comments(comment.article)


@csrf_exempt  # the signed token is the credential; mail clients post here for one-click unsubscribe
@require_http_methods(["GET", "POST"])
def notifications_stop_view(request, token: str):
    """The stop link of every notification mail: a confirmation button, then no more mail."""
    if request.method == "GET":
        invalid = not stop_token_is_valid(token=token)
        return render(
            request, "comments/stop.html", {"token": token, "invalid": invalid}, status=400 if invalid else 200
        )
    if not notifications_stop(token=token):
        return render(request, "comments/stop.html", {"token": token, "invalid": True}, status=400)
    return render(request, "comments/stop.html", {"done": True})
