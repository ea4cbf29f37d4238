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
    "sections",
    "articles",
    "wordpress",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so a cached page skips the rest of the stack; after Security so its headers still apply.
    "newsroom.cache.PageCacheMiddleware",
    "newsroom.replicas.PublicReadsMiddleware",
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
DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        CACHES["default"]["BACKEND"] = "newsroom.cache.RedisCache"  # reuses its Redis clients: see there
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}}
# Each process's own copy of the shared fragments (menus, the blocks around an article) and of the most read
# pages (20-60 kB each, hence fewer): newsroom/cache.py.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "newsroom-fragments",
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=5000)},
}
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "newsroom-pages",
    "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_LOCAL_ENTRIES", default=300)},
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

NEWSROOM = {
    "SITE_NAME": env.str("SITE_NAME", default="Báo Quảng Ninh"),
    "SITE_URL": env.str("SITE_URL", default="http://127.0.0.1:8000"),
    "RENDITION_WIDTHS": (320, 640, 960, 1280),
    # Readers' page cache (newsroom/cache.py). Browsers revalidate every time (answered with 304 from the
    # cache); a CDN may keep a page CDN_SECONDS and serve it CDN_STALE_SECONDS longer while it refetches.
    "PAGE_CACHE": {
        "ENABLED": env.bool("PAGE_CACHE", default=True),
        # The parts of pages kept between renders (newsroom/cache.py: fragment); off only to measure a cold render.
        "FRAGMENTS": env.bool("FRAGMENT_CACHE", default=True),
        "SECONDS": env.int("PAGE_CACHE_SECONDS", default=600),
        "BROWSER_SECONDS": 0,
        "CDN_SECONDS": env.int("CDN_CACHE_SECONDS", default=60),
        "CDN_STALE_SECONDS": env.int("CDN_STALE_SECONDS", default=30),
    },
    # How long a shareable preview link works (an editor can revoke it sooner).
    "PREVIEW_LINK_HOURS": env.int("PREVIEW_LINK_HOURS", default=48),
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

# Uploads are decoded whole in memory (articles/renditions.py), so both limits are checked before decoding.
NEWSROOM["MAX_UPLOAD_BYTES"] = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
NEWSROOM["MAX_IMAGE_PIXELS"] = env.int("MAX_IMAGE_PIXELS", default=50_000_000)

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
# Behind a proxy REMOTE_ADDR is the proxy: read the client from X-Forwarded-For, counting only our own hops.
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

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
# no framing. Readers' pages run no script of ours at all, so anything the sanitizer ever missed in a body still
# cannot run. The admin lives under the same policy, except the pages that carry CKEditor 4 (below).
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
MIDDLEWARE += [
    "newsroom.security.ContentSecurityPolicyMiddleware",
    # django-axes turns a locked-out login into its lock-out page; it must come last.
    "axes.middleware.AxesMiddleware",
]
