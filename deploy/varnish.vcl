vcl 4.1;
# Varnish in front of the newsroom's app servers (docs/deploy.md). Rendered by pagecache/varnishd.py, which fills
# in the @@…@@ values; docker-compose.yml renders it the same way.
#
# - Caches anonymous GET/HEAD of public pages, for as long as the app's s-maxage says (hours: every edit purges the
#   keys it changed, through PURGE with an xkey-purge header, accepted only from the addresses in `purgers`). An
#   edit's purge is soft (`xkey-soft: 1`): the old copy is served while its refetch runs, so readers never wait for
#   a render; a takedown's is hard: the copy is gone at once.
# - Strips cookies from those requests; a valid staff session (asked of the app, the answer kept a minute per
#   cookie) passes to the app; a made-up one, or any other cookie, gets the cached page.
# - Passes the admin, previews and the "most read" counter (/_hit/: a POST, never kept); fills Edge Side Includes (the update stamp, the latest news column).
# - Serves stale pages only while revalidating (a purged or expired page, for at most two seconds, EDGE_REFETCH_GRACE,
#   while its refetch runs: the first reader starts it, nobody waits for it) and while the app cannot answer: its database down
#   (the probe on /_health/ fails) or the app itself gone.

import std;
import xkey;

probe database {
    .url = "/_health/";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

# The app servers twice: probed (healthy while the database answers), and unprobed, so that pages not in this cache
# still reach the app while the database is down (the app's own cache, or its page saying it is briefly away).
backend app {
    .host = "@@BACKEND_HOST@@";
    .port = "@@BACKEND_PORT@@";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .probe = database;
}

backend app_unprobed {
    .host = "@@BACKEND_HOST@@";
    .port = "@@BACKEND_PORT@@";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

acl purgers {
@@PURGERS@@
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No keys"));
        }
        if (req.http.xkey-soft == "1") {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-purge);
        } else {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.restarts == 0) {
        # Only this VCL sets them.
        unset req.http.X-Staff;
        unset req.http.X-Edge-Url;
        unset req.http.X-Edge-Session;
        unset req.http.Surrogate-Capability;
    }
    if (std.healthy(app)) {
        set req.backend_hint = app;
    } else {
        set req.backend_hint = app_unprobed;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(en/)?(admin|preview)(/|$)" || req.url ~ "^/_(edge|health|hit)/") {
        return (pass);
    }
    if (req.url ~ "^/(static|media)/") {
        unset req.http.Cookie;
        return (hash);
    }
    # Tracking tags change nothing on a page: one cached copy, however a story was shared.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|zarsrc|_hsenc|mc_[a-z]+)=") {
        set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|zarsrc|_hsenc|mc_[a-z]+)=[^&]*", "\1");
        set req.url = regsuball(req.url, "([?&])&+", "\1");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=[^;]") {
        if (req.restarts == 0) {
            # Ask the app whether this is a staff session; the answer is kept a minute per cookie.
            set req.http.X-Edge-Url = req.url;
            set req.http.X-Edge-Session = regsub(req.http.Cookie, "^(.*;\s*)?sessionid=([^;]*).*$", "\2");
            set req.url = "/_edge/session/";
            return (hash);
        }
        if (req.http.X-Staff == "1") {
            return (pass);
        }
    }
    unset req.http.Cookie;
    unset req.http.X-Edge-Session;
    set req.http.Surrogate-Capability = "varnish=ESI/1.0";
    if (std.healthy(app)) {
        # The app answers: a stale page only while it is refetched in the background, and only for a moment past
        # its time (two seconds by default); after that, readers wait for the new copy rather than get an old one.
        set req.grace = @@REFETCH_GRACE@@;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    if (req.http.X-Edge-Session) {
        hash_data(req.http.X-Edge-Session);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.url == "/_edge/session/") {
        set beresp.ttl = 60s;
        set beresp.grace = 0s;
        unset beresp.http.Set-Cookie;
        return (deliver);
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # Refreshing a stale page while the app is in trouble: keep serving what we have.
        return (abandon);
    }
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
        set beresp.http.X-Edge-Esi = "1";
    }
    if (beresp.status >= 500) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Kept a day past its time, for the moments the app cannot answer (see vcl_recv).
    set beresp.grace = 24h;
    if (beresp.ttl <= 0s && beresp.http.Cache-Control ~ "(?i)public" && !beresp.http.Set-Cookie
        && beresp.http.Cache-Control !~ "(?i)(private|no-cache|no-store)") {
        # A public page due to change within the second (a scheduled article comes out: s-maxage=0). Kept as
        # expired at once (a lookup skips objects whose TTL is zero: a millisecond, then grace), so the next
        # readers get it while one refetch runs, rather than Varnish's built-in "hit-for-miss", which would send
        # every reader of this address to the app for the next two minutes.
        set beresp.ttl = 0.001s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (req.http.X-Edge-Url && req.url == "/_edge/session/") {
        set req.http.X-Staff = resp.http.X-Staff;
        set req.url = req.http.X-Edge-Url;
        unset req.http.X-Edge-Url;
        unset req.http.X-Edge-Session;
        return (restart);
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (resp.http.X-Edge-Esi) {
        # Assembled here from parts that change apart: the page's own validators would say nothing changed.
        unset resp.http.ETag;
        unset resp.http.Last-Modified;
        unset resp.http.X-Edge-Esi;
    }
    if (!req.http.X-Show-Keys) {
        unset resp.http.xkey;
        unset resp.http.Surrogate-Key;
    }
}

sub vcl_backend_error {
    # The app cannot be reached at all, and this page is not in the cache.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = {"<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@SITE_NAME@@ · Tạm gián đoạn</title>
<style>body{font-family:Georgia,serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}h1{color:#a3161a}</style></head>
<body><h1>@@SITE_NAME@@</h1>
<p>Trang này tạm thời chưa mở được. Xin bạn thử lại sau ít phút.</p>
<p lang="en">This page is briefly unavailable. Please try again in a few minutes.</p>
</body></html>
"};
    return (deliver);
}
