"""Settings for the newsroom, read from the environment.

With no variables at all this is a development site on SQLite with a local-memory cache. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CACHE_URL (or REDIS_URL); it refuses to start without a
real secret.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 32 characters when DEBUG is false."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",  # django.contrib.admin with a guarded "view on site"
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "ckeditor",
    "taggit",
    "pagecache",
    "sections",
    "articles",
    "redirects",
    "frontpage",
    "readership",
    "wordpress",
    "exchange",
    "ninja",  # its Swagger UI page from our own static files, not a CDN the CSP would refuse
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Development without SITE_URL: links name the host and port the request came to (newsroom/site_url.py).
    "newsroom.site_url.RequestOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: it answers old addresses that the cache would take for the page without them.
    "redirects.middleware.RedirectMiddleware",
    # Readers' queries go to the replica (when there is one), including the page cache's own.
    "newsroom.replicas.PublicReadsMiddleware",
    # Early, so a cached page skips the rest of the stack; after Security so its headers still apply.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while the development server writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    # A kept connection that the server dropped (a restart) is noticed at the next request and replaced, so the
    # site recovers by itself; a server that does not answer is given up on quickly (the page then says so: 503).
    _database["CONN_HEALTH_CHECKS"] = True
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
        )
# A replica further behind than this (seconds), or not answering, is left aside for the primary (newsroom/replicas.py).
DATABASE_REPLICA_MAX_LAG = env.int("DATABASE_REPLICA_MAX_LAG", default=10)
DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
# A cache is an optimisation: when Redis is slow or gone, a call gives up after CACHE_TIMEOUT_MS and the site reads
# the database instead (pagecache/store.py has the circuit breaker the page cache uses on top of this).
_cache_timeout = env.int("CACHE_TIMEOUT_MS", default=100) / 1000
if _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        CACHES["default"]["BACKEND"] = "pagecache.redis_cache.RedisCache"  # a client per pool, not per call
        CACHES["default"].setdefault("OPTIONS", {}).update(
            {"socket_timeout": _cache_timeout, "socket_connect_timeout": _cache_timeout}
        )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}}

# The readers' page cache, its fragments and its edge (pagecache/, docs/deploy.md). Pages name the content they show
# (content keys); an edit purges exactly those keys, in Redis and at every Varnish or CDN listed, after it commits.
PAGECACHE = {
    "ENABLED": env.bool("PAGE_CACHE", default=True),
    "FRAGMENTS": env.bool("FRAGMENT_CACHE", default=True),
    "STORE": _cache_url if _cache_url.startswith(("redis://", "rediss://", "unix://")) else "local",
    "TIMEOUT": _cache_timeout,
    "SECONDS": env.int("PAGE_CACHE_SECONDS", default=6 * 60 * 60),
    "NEAR_PAGES": env.int("PAGE_CACHE_LOCAL_ENTRIES", default=300),
    "NEAR_FRAGMENTS": env.int("FRAGMENT_CACHE_ENTRIES", default=5000),
    "EDGE_PURGE_URLS": env.list("EDGE_PURGE_URLS", default=[]),
    "EDGE_TIMEOUT": env.float("EDGE_PURGE_TIMEOUT", default=0.5),
    "EDGE_REFETCH_GRACE": env.float("EDGE_REFETCH_GRACE", default=2.0),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django serves uploads itself in development and in the small single-host compose set-up; at scale media lives
# on object storage behind the CDN instead.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media on S3-compatible object storage (AWS S3, MinIO, R2, Spaces) when a bucket is named, so that any number of
# app servers share one set of photos; renditions and uploads go through the same storage API.
if env.str("MEDIA_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_BUCKET"),
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default=None),
            "region_name": env.str("MEDIA_REGION", default=None),
            "access_key": env.str("MEDIA_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("MEDIA_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default=None),  # the CDN in front of the bucket
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            # Names are unique per upload (articles.models.photo_upload_to), so files never change: cache forever.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# The paper's public address, for every link that leaves the page (e-mails, preview links, feeds, sitemaps,
# canonical and share tags). Required in production. In development, left unset, links follow the host and port the
# server was reached at (newsroom/site_url.py), so `make run PORT=8101` links to 8101.
SITE_URL = env.str("SITE_URL", default="").strip()
if SITE_URL and not (urlsplit(SITE_URL).scheme in ("http", "https") and urlsplit(SITE_URL).netloc):
    raise ImproperlyConfigured(
        f"SITE_URL must be an address such as https://news.example.com, not {SITE_URL!r}."
    )
if not DEBUG and not SITE_URL:
    raise ImproperlyConfigured(
        "Set SITE_URL to the paper's public address (e.g. https://news.example.com) when DEBUG is false: "
        "e-mails, preview links, feeds and sitemaps name it."
    )

NEWSROOM = {
    "SITE_NAME": env.str("SITE_NAME", default="Báo Quảng Ninh"),
    "SITE_URL": SITE_URL,
    "RENDITION_WIDTHS": (320, 640, 960, 1280),
    # How long a shareable preview link works (an editor can revoke it sooner).
    "PREVIEW_LINK_HOURS": env.int("PREVIEW_LINK_HOURS", default=48),
    # The desk's rules (articles/workflow.py). Four eyes: nobody approves or publishes what they wrote or last
    # edited, unless they hold "publish own work" (chief editors); off for a one-person desk.
    "FOUR_EYES": env.bool("FOUR_EYES", default=True),
    # Items of the pre-publish checklist that block publishing (the others only warn): photo, lead, tags, section.
    "PUBLISH_CHECKLIST_REQUIRED": tuple(env.list("PUBLISH_CHECKLIST_REQUIRED", default=[])),
    # A lead's length in characters that the checklist accepts.
    "LEAD_LENGTH": (env.int("LEAD_MIN_CHARACTERS", default=80), env.int("LEAD_MAX_CHARACTERS", default=400)),
    # Query parameters of an older site that no page here reads (WordPress's ?p=123, ?page_id=, ?cat=): an
    # address carrying one is looked up among the redirects before its page is served (redirects.middleware).
    "REDIRECT_QUERY_PARAMETERS": tuple(
        env.list("REDIRECT_QUERY_PARAMETERS", default=["p", "page_id", "cat", "tag", "m"])
    ),
}

# Workflow e-mails: printed to the console in development; production sets EMAIL_URL, e.g.
# smtp+tls://user:password@smtp.example.com:587
vars().update(
    {
        key: value
        for key, value in env.email_url("EMAIL_URL", default="consolemail://").items()
        if value is not None
    }
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Báo Quảng Ninh <tin-bai@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TAGGIT_CASE_INSENSITIVE = True
# Tags as typed: comma-separated, in their order, quoted only when a name holds a comma (articles/tagging.py).
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string"

CKEDITOR_BASEPATH = "/static/ckeditor/ckeditor/"
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format"],
            ["Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Undo", "Redo"],
        ],
        "format_tags": "p;h2;h3;h4",
        # No source mode, no image uploads through the editor: photos are managed records with alt text.
        "removePlugins": "sourcearea,image,flash,iframe,forms,smiley,specialchar,pagebreak,elementspath",
        "height": 420,
        "width": "100%",
        "language": "vi",
        "contentsLangDirection": "ltr",
    }
}
# CKEditor 4 is past its end of life (ckeditor.W001). It stays because the team asked for django-ckeditor; the
# mitigation is that the editor is no security boundary: every body is sanitized with nh3 on the server on save,
# the editor runs with a reduced plugin set (no source mode, no uploads), and the pages carry a CSP.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

LOGIN_URL = "admin:login"

# `make bench` only: routes /__bench__/floor/, the Django floor row of the benchmark (newsroom/bench.py).
BENCHMARK = env.bool("BENCHMARK", default=False)
BENCHMARK_FLOOR_FILE = env.str("BENCHMARK_FLOOR_FILE", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# ---------------------------------------------------------------------------------------------------------------
# Security: uploads, admin login, sessions, HTTPS, headers, Content-Security-Policy. What each setting protects and
# how to run behind a TLS-terminating proxy: docs/security.md.
# ---------------------------------------------------------------------------------------------------------------

# Uploads are decoded in memory (articles/renditions.py), so the limits are checked before decoding: the file's size,
# the size its header declares, and what is ever held decoded (4 bytes a pixel: 12 megapixels are 48 MB). A JPEG
# above MAX_DECODED_PIXELS is decoded at 1/2, 1/4 or 1/8 and stored at that size; PNG, WebP and GIF are refused.
NEWSROOM["MAX_UPLOAD_BYTES"] = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
NEWSROOM["MAX_IMAGE_PIXELS"] = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
NEWSROOM["MAX_DECODED_PIXELS"] = env.int("MAX_DECODED_PIXELS", default=12_000_000)

# Brute force on the admin login: django-axes counts failures per username *and* address, so a script guessing
# one account is stopped without letting it lock a reporter out from every other address.
INSTALLED_APPS += ["axes", "csp"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind a proxy REMOTE_ADDR is the proxy, and locking "the proxy's address" would lock the user out from everywhere:
# the client is read from X-Forwarded-For through our own hops (newsroom.security.client_ip). Unset, proxies on this
# machine or a private network are ours; a number counts them (a CDN in front must be counted); 0 reads REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)

# Only staff have sessions; a forgotten logged-in browser in the newsroom stops working after a shift.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)

# HTTPS. Production redirects to HTTPS itself unless a proxy in front already does (SECURE_SSL_REDIRECT=false);
# a proxy that terminates TLS names the header that tells Django the original scheme (SECURE_PROXY_SSL_HEADER).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    _header_name = _proxy_ssl_header.upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _header_name if _header_name.startswith("HTTP_") else f"HTTP_{_header_name}",
        "https",
    )
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The header only makes the site eligible; submitting the domain to the browsers' preload list is a separate,
# deliberate step (docs/security.md).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
_cookies_secure = env.bool("COOKIES_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _cookies_secure
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): same-origin resources only, no inline script or style, no eval, no plugins,
# no framing, no frames. Readers' pages run no inline script at all, so anything the sanitizer ever missed in a body
# still cannot run; articles with embedded videos load one file of ours (static/js/embeds.js) and add a frame-src
# for exactly their players (articles.views.allow_embedded_players). The admin lives under the same policy, except
# the pages that carry CKEditor 4 (below).
_asset_origins = [
    f"{parts.scheme}://{parts.netloc}"
    for parts in (urlsplit(STATIC_URL), urlsplit(MEDIA_URL))
    if parts.scheme in ("http", "https") and parts.netloc
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", *_asset_origins],
        "style-src": ["'self'", *_asset_origins],
        "img-src": ["'self'", *_asset_origins],
        "font-src": ["'self'", *_asset_origins],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
# Added on the admin pages that carry CKEditor 4, and only there (newsroom.security picks the policy per page):
# its toolbar is built from inline event handlers (onclick="CKEDITOR.tools.callFunction(…)"), its editing iframe
# boots with an inline script whose text changes from page to page (so neither a hash nor a nonce can allow it),
# and it styles its UI with style attributes and injected <style> elements.
RICH_TEXT_EDITOR_CONTENT_SECURITY_POLICY_ADDITIONS = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
}
# Added on the read API's Swagger UI page (/api/v1/docs), and only there: its stylesheet draws its icons (the arrows
# of its selects, the copy button) as data: SVG images. Its scripts and styles are files of ours (ninja's static).
API_DOCS_CONTENT_SECURITY_POLICY_ADDITIONS = {"img-src": ["data:"]}
MIDDLEWARE += [
    "newsroom.security.ContentSecurityPolicyMiddleware",
    # django-axes turns a locked-out login into its lock-out page; it must come last.
    "axes.middleware.AxesMiddleware",
]
