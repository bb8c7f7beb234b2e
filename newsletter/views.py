from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.clients import client_address
from articles.ratelimit import rate_limited
from articles.sameorigin import same_origin_post
from newsletter import services
from newsletter.forms import CONSENT_TEXT, SubscribeForm
from newsletter.models import Subscriber
from newsletter.tokens import (
    TokenExpired,
    TokenInvalid,
    subscriber_for_confirm_token,
    subscriber_for_unsubscribe_token,
)


@same_origin_post
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    limited = rate_limited(
        request,
        group="newsletter-subscribe",
        # The connection's address; never stored, the rate limiter keeps only a hash of it.
        key=client_address(request),
        rate=settings.NEWSLETTER_SUBSCRIBE_RATE,
        template="newsletter/subscribe.html",
        context={"form": form, "too_many": True},
    )
    if limited:
        return limited
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form})
    source = form.cleaned_data["source"]
    if not url_has_allowed_host_and_scheme(source, allowed_hosts=None):
        source = ""
    services.subscription_request(
        email=form.cleaned_data["email"],
        rhythm=form.cleaned_data["rhythm"],
        consent_text=str(CONSENT_TEXT),
        source_page=source,
    )
    return redirect("newsletter:subscribed")


def subscribed(request):
    return render(request, "newsletter/subscribed.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        subscriber = subscriber_for_confirm_token(token)
    except TokenExpired:
        return _link_problem(request, "expired", status=410)
    except TokenInvalid:
        return _link_problem(request, "invalid", status=400)
    except Subscriber.DoesNotExist:
        return _link_problem(request, "unknown", status=404)
    if subscriber.status not in (Subscriber.Status.PENDING, Subscriber.Status.CONFIRMED):
        # Left or bounced since: an old confirmation link must not bring them back.
        return _link_problem(request, "expired", status=410)
    if request.method == "POST":
        services.subscription_confirm(subscriber=subscriber)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber, "token": token})


# Mail providers POST `List-Unsubscribe=One-Click` here (RFC 8058) with no cookie and
# no token: the signed link is the whole authority, so this view alone skips CSRF.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = _subscriber_for_link(request, token)
    if isinstance(subscriber, Subscriber):
        if request.method == "POST":
            services.subscription_cancel(subscriber=subscriber)
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})
    return subscriber


@require_POST
def restore(request, token):
    subscriber = _subscriber_for_link(request, token)
    if isinstance(subscriber, Subscriber):
        services.subscription_restore(subscriber=subscriber)
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})
    return subscriber


@require_POST
def erase(request, token):
    subscriber = _subscriber_for_link(request, token)
    if isinstance(subscriber, Subscriber):
        services.subscriber_erase(subscriber=subscriber)
        return render(request, "newsletter/erased.html")
    return subscriber


def privacy(request):
    return render(request, "newsletter/privacy.html", {"consent_text": CONSENT_TEXT})


_mailgun_tracking = MailgunTrackingWebhookView.as_view()


@csrf_exempt
def mailgun_tracking(request):
    # Without a signing key the view could not tell Mailgun from anyone: not served.
    if not getattr(settings, "ANYMAIL", {}).get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    return _mailgun_tracking(request)


def _subscriber_for_link(request, token):
    try:
        return subscriber_for_unsubscribe_token(token)
    except TokenInvalid:
        return _link_problem(request, "invalid", status=400)
    except Subscriber.DoesNotExist:
        return _link_problem(request, "unknown", status=404)


def _link_problem(request, problem, *, status):
    return render(request, "newsletter/link_problem.html", {"problem": problem}, status=status)
