# The portal's front cache: Varnish 7.1 (Debian `varnish`) with `xkey` from Debian's
# `varnish-modules`. Anonymous GET/HEAD only; whatever the application marks cacheable
# (Cache-Control: public, s-maxage) is kept, and every page is tagged by the `xkey`
# response header the application sends (`article-12 category-3 home feeds ...`), so a
# publish purges exactly the pages that show the article: `PURGE /` with
# `xkey-purge: article-12 home` from an address in the `purgers` ACL.
#
#   varnishd -a 127.0.0.1:8080 -f deploy/varnish/portal.vcl   (make serve does this)
#
# The backend is gunicorn on 127.0.0.1:8091; `make serve` and the tests write a copy of
# this file with another port when they need one.
vcl 4.1;

import std;
import xkey;

backend portal {
    .host = "127.0.0.1";
    .port = "8091";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
    # Only to know when to serve stale-if-error copies; robots.txt is cheap and, unlike
    # /healthz, does not turn 503 when the task queue is behind (pages still render).
    .probe = {
        .url = "/robots.txt";
        .interval = 5s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Our own bookkeeping headers are never taken from a client.
        unset req.http.X-Portal-Pass;
        unset req.http.X-Portal-Fresh;
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.X-Portal-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Portal-Purged));
        }
        if (req.http.xkey-softpurge) {
            set req.http.X-Portal-Purged = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Soft-purged " + req.http.X-Portal-Purged));
        }
        return (purge);  # this one URL
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The newsroom (admin, previews, second factor) and anyone signed in are never
    # served from the cache and never put a page in it. `messages` carries the one-off
    # notice after a form (e.g. a comment awaiting moderation).
    if (req.url ~ "^/admin(/|\?|$)" || req.http.Authorization
        || req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=") {
        return (pass);
    }
    # Any other cookie (analytics, a stale csrftoken) changes nothing on a public page.
    unset req.http.Cookie;
    # Campaign parameters do not change a page: one cached copy for all of them.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    if (req.http.X-Portal-Fresh) {
        # Restarted from vcl_hit: the stale copy is past stale-while-revalidate.
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Stale: served (and refreshed in the background) within stale-while-revalidate,
    # and for the rest of stale-if-error only while the application does not answer
    # (marked sick by the health probe).
    if (obj.ttl + std.duration(obj.http.X-Portal-SWR + "s", 0s) > 0s || !std.healthy(req.backend_hint)) {
        return (deliver);
    }
    set req.http.X-Portal-Fresh = "1";
    return (restart);
}

sub vcl_pass {
    set req.http.X-Portal-Pass = "1";
}

sub vcl_backend_response {
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~ "^(text/|application/(xml|rss\+xml|atom\+xml|json|ld\+json|manifest\+json|javascript)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    if (bereq.uncacheable) {
        return (deliver);  # a pass
    }
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            return (abandon);  # keep serving the stale copy
        }
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Only what the application explicitly marks shareable: no header at all is not a
    # licence to keep a page for Varnish's default two minutes.
    if (!beresp.http.Cache-Control && !beresp.http.Expires && !beresp.http.Surrogate-Control) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.ttl <= 0s || beresp.http.Set-Cookie || beresp.http.Vary == "*"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        # Hit-for-miss for a minute: the next response may well be cacheable again.
        set beresp.ttl = 60s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Varnish has set the TTL from s-maxage (else max-age) and the grace from
    # stale-while-revalidate (else its own default_grace, which the application did not
    # ask for); keep that grace, and stretch it to stale-if-error, which vcl_hit only
    # uses while the backend is sick.
    if (beresp.http.Cache-Control !~ "stale-while-revalidate=[0-9]") {
        set beresp.grace = 0s;
    }
    set beresp.http.X-Portal-SWR = beresp.grace;
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), beresp.grace);
    }
    return (deliver);
}

sub vcl_deliver {
    if (req.http.X-Portal-Pass) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Tags and bookkeeping are for this cache alone.
    unset resp.http.xkey;
    unset resp.http.X-Portal-SWR;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);  # as for a 5xx: the stale copy stays
    }
    # The application did not answer and no stale copy was left: a short Arabic page.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "10";
    set beresp.body = {"<!doctype html>
<html lang="ar-MA" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>الموقع غير متاح مؤقتا</title></head>
<body><main><h1>الموقع غير متاح مؤقتا</h1><p>نعتذر، أعد تحميل الصفحة بعد لحظات.</p></main></body></html>
"};
    return (deliver);
}

sub vcl_synth {
    set resp.http.Cache-Control = "no-store";
    if (req.method != "PURGE" && resp.status >= 500) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "10";
        set resp.body = {"<!doctype html>
<html lang="ar-MA" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>الموقع غير متاح مؤقتا</title></head>
<body><main><h1>الموقع غير متاح مؤقتا</h1><p>نعتذر، أعد تحميل الصفحة بعد لحظات.</p></main></body></html>
"};
        return (deliver);
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
}
