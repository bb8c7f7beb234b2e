"""Settings for the portal, read from the environment.

Every value a deployment changes comes from an environment variable; the defaults are
the safe ones (no debug, no wildcard host). `make run` writes its local values to
`var/local.env`, read here for any variable the real environment does not set, so
`manage.py <command>` works as typed in that checkout; `make test` sets its own values.
"""

import ipaddress
import os
import sys
import urllib.parse
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (systemd EnvironmentFile style): `#` comments, optional quotes."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE, not {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def local_env_file() -> Path | None:
    """The env file to read: $PORTAL_ENV_FILE (empty: none), else var/local.env.

    Under pytest the default file is ignored, so a developer's `make run` values (their
    database, their mail folder) never leak into a test run; tests name their own file.
    """
    named = os.environ.get("PORTAL_ENV_FILE")
    if named is not None:
        return Path(named) if named else None
    if "pytest" in sys.modules:
        return None
    default = BASE_DIR / "var" / "local.env"
    return default if default.exists() else None


# The real environment always wins over the file.
_env_file = local_env_file()
if _env_file is not None:
    for _key, _value in read_env_file(_env_file).items():
        os.environ.setdefault(_key, _value)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-debug-only-key-never-used-in-production"
elif not DEBUG and len(SECRET_KEY) < 50:
    # Sessions, password resets and every signed link rest on it (Django's own bound).
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts, not '*'.")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The public address of the site, for links in emails and feeds built outside a request.
# Without debug it must be given: a forgotten one would mail links to the loopback.
SITE_URL = env_str("DJANGO_SITE_URL").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SITE_URL is required when DJANGO_DEBUG is off.")
    SITE_URL = "http://127.0.0.1:8000"
SITE_NAME = env_str("DJANGO_SITE_NAME", "كواليس اليوم")

INSTALLED_APPS = [
    "articles.apps.NewsroomAdminConfig",  # django.contrib.admin with the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "reversion",
    "django_ckeditor_5",
    "sorl.thumbnail",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
    "newsletter",
]

MIDDLEWARE = [
    "articles.access_log.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.headers.SecurityHeadersMiddleware",
    "articles.middleware.MalformedRequestMiddleware",
    # Anonymous readers are answered from the page cache before sessions and the database.
    "articles.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in a file under the project unless DATABASE_URL names another.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the task worker writes; the busy
                # timeout and IMMEDIATE transactions make writers wait instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Rendered pages live in a cache of their own ("pages"), so a busy day's pages never
# push out rate limits or view counters when the local-memory cache culls.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal-pages",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
    }

# Public pages (articles.pagecache). Browsers keep a page a minute, shared caches five
# minutes (every change purges the pages it touches, so this only bounds what no key
# names: the «الأكثر قراءة» list, related articles); a shared cache may serve a page a
# minute past that while it fetches a fresh one, and a day past it while the site is down.
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 300)  # the application's own cache; 0: off
PAGE_MAX_AGE = 60
PAGE_SHARED_MAX_AGE = 300
PAGE_STALE_WHILE_REVALIDATE = 60
PAGE_STALE_IF_ERROR = 24 * 3600
# Parts of pages drawn once per change of the site and kept in each process (articles.kept),
# at most as long as a shared cache keeps a page; 0: drawn on every request.
KEPT_SECONDS = env_int("DJANGO_KEPT_SECONDS", PAGE_SHARED_MAX_AGE)

# Front caches (Varnish, deploy/varnish/portal.vcl) purged by surrogate key when a page's
# content changes: comma-separated base URLs, e.g. http://127.0.0.1:8080. Empty: none.
FRONT_CACHE_URLS = env_list("DJANGO_FRONT_CACHE_URLS")
for _url in FRONT_CACHE_URLS:
    _parts = urllib.parse.urlsplit(_url)
    if _parts.scheme not in {"http", "https"} or not _parts.hostname:
        raise ImproperlyConfigured(f"DJANGO_FRONT_CACHE_URLS must list http(s) URLs, not {_url!r}")
# Seconds to wait for each front cache: a purge runs in the editor's request.
FRONT_CACHE_TIMEOUT = 2

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING longer than this was left by a dead worker (manage.py requeue_stalled_tasks).
TASKS_STALLED_AFTER = env_int("DJANGO_TASKS_STALLED_AFTER", 10 * 60)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.clients.client_address"
# The lockout page in the admin's layout, in Arabic: for how long, and whom to ask.
AXES_LOCKOUT_CALLABLE = "articles.admin_site.lockout_response"

# Second factor (articles.mfa): an authenticator app (TOTP) and single-use recovery codes,
# required for editors and superusers, offered to journalists.
OTP_TOTP_ISSUER = SITE_NAME

# The client's address behind a front server (articles.clients): a header the front
# server always sets, or the front servers' addresses so X-Forwarded-For can be read.
CLIENT_IP_HEADER = env_str("DJANGO_CLIENT_IP_HEADER")
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from None

# Language and time: Moroccan Arabic, Casablanca time.
LANGUAGE_CODE = "ar-ma"
LANGUAGES = [("ar-ma", _("العربية (المغرب)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Local runs without a front web server let Django hand out uploaded files.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Bounds for every uploaded image (cover and in-editor): bytes on the wire, and pixels
# once decoded (a small PNG can decode to gigabytes; 40 Mpx is a 7,700 x 5,200 photo).
IMAGE_UPLOAD_MAX_MB = env_int("DJANGO_IMAGE_UPLOAD_MAX_MB", 5)
IMAGE_MAX_MEGAPIXELS = env_int("DJANGO_IMAGE_MAX_MEGAPIXELS", 40)

# Email
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL")
if not DEFAULT_FROM_EMAIL:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_DEFAULT_FROM_EMAIL is required when DJANGO_DEBUG is off.")
    DEFAULT_FROM_EMAIL = "كواليس اليوم <news@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS hardening; on by default outside debug, `make run` turns it off for plain http.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers and monitors probe the health check over plain http on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is asked for the whole domain and every subdomain, and takes months to
# undo: only when the site's owner says so.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", False)
# check --deploy's "HSTS preload not set" is a choice made above, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or not HTTPS else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Rich text: CKEditor 5, Arabic UI, right-to-left, without the plugins that let raw
# HTML, styles or embeds through. Whatever it sends is cleaned again by nh3 on save.
_CKEDITOR_REMOVED = [
    "GeneralHtmlSupport",
    "Style",
    "HtmlEmbed",
    "SourceEditing",
    "FullPage",
    "Markdown",
    "MediaEmbed",
    "Font",
    "Highlight",
    "CodeBlock",
    "Code",
    "TodoList",
    "Mention",
    "TableProperties",
    "TableCellProperties",
    "Alignment",
]
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "ar",
        "removePlugins": _CKEDITOR_REMOVED,
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "link",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "insertImage",
                "insertTable",
                "|",
                "undo",
                "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "heading": {
            "options": [
                # The menu shows these titles as they are: CKEditor's own Arabic says "عنوان 3".
                {"model": "paragraph", "title": "فقرة", "class": "ck-heading_paragraph"},
                {"model": "heading3", "view": "h3", "title": "عنوان رئيسي", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "عنوان فرعي", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption", "|", "imageStyle:inline", "imageStyle:block"],
        },
        "link": {"defaultProtocol": "https://"},
    },
}
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
# Our own upload view (articles.views.editor_image_upload) answers in Arabic and checks
# the file is a real image; the package's view is not routed.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor-image-upload"
CKEDITOR_5_MAX_FILE_SIZE = IMAGE_UPLOAD_MAX_MB
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpg", "jpeg", "png", "gif", "webp"]
CKEDITOR_5_CUSTOM_CSS = "css/editor.css"

# Tags: keep Arabic letters in slugs; the Arabic comma separates tags.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string"

THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_FORMAT = "WEBP"
THUMBNAIL_QUALITY = 82

# Articles
ARTICLES_PER_PAGE = env_int("DJANGO_ARTICLES_PER_PAGE", 12)
RELATED_ARTICLES_COUNT = 4
# Article views one client address may report (articles.beacon); generous, as Moroccan
# mobile readers share addresses behind carrier NAT. Empty turns the limit off.
VIEW_BEACON_RATE = env_str("DJANGO_VIEW_BEACON_RATE", "120/10m")

# Mailing list (newsletter app)
NEWSLETTER_CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid
NEWSLETTER_CONFIRM_RESEND_INTERVAL = 15 * 60  # at most one confirmation mail per address per interval
NEWSLETTER_SUBSCRIBE_RATE = "10/10m"  # signup form posts per client address
NEWSLETTER_BATCH_SIZE = env_int("DJANGO_NEWSLETTER_BATCH_SIZE", 100)  # messages per SMTP connection
# Sending runs queued per dispatch, so that this many workers share it (set it to the
# number of workers); a run with nothing left to take ends at once.
NEWSLETTER_PARALLEL_RUNS = env_int("DJANGO_NEWSLETTER_PARALLEL_RUNS", 1)
NEWSLETTER_RETRY_DELAYS = [5 * 60, 30 * 60, 2 * 3600]  # then the delivery is recorded as failed
# A batch held longer than this by a worker that stopped beating is taken back.
# A live worker renews its claim every third of this, between messages, and one message
# takes at most a few SMTP operations of EMAIL_TIMEOUT each: below six of those, a slow
# but live batch could be taken over and mailed twice.
NEWSLETTER_CLAIM_TIMEOUT = env_int("DJANGO_NEWSLETTER_CLAIM_TIMEOUT", 3 * 60)
if NEWSLETTER_CLAIM_TIMEOUT < 6 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured("DJANGO_NEWSLETTER_CLAIM_TIMEOUT must be at least six times DJANGO_EMAIL_TIMEOUT.")
NEWSLETTER_UNSUBSCRIBE_MAILTO = env_str("DJANGO_NEWSLETTER_UNSUBSCRIBE_MAILTO")
# Bounce and complaint webhooks (django-anymail, Mailgun): served only with a signing key.
ANYMAIL = {
    key: value
    for key, value in {
        "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY"),
        "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}

# Comments: held for review unless the address already has this many approved ones.
COMMENTS_MAX_LENGTH = 2000
COMMENTS_CLOSE_AFTER_DAYS = env_int("DJANGO_COMMENTS_CLOSE_AFTER_DAYS", 30)  # 0: never closes by itself
COMMENTS_AUTO_APPROVE_AFTER = env_int("DJANGO_COMMENTS_AUTO_APPROVE_AFTER", 3)  # 0: always review
COMMENTS_REPORT_THRESHOLD = env_int("DJANGO_COMMENTS_REPORT_THRESHOLD", 3)  # distinct readers
COMMENTS_MAX_LINKS = env_int("DJANGO_COMMENTS_MAX_LINKS", 2)  # more links: held as spam
COMMENTS_MIN_FILL_SECONDS = env_int("DJANGO_COMMENTS_MIN_FILL_SECONDS", 3)
# The hidden "form shown at" value is good for one comment, within this many seconds.
COMMENTS_FORM_MAX_AGE = env_int("DJANGO_COMMENTS_FORM_MAX_AGE", 6 * 3600)
# Words compared after Arabic normalization (articles.text.normalize_arabic), comma-separated.
COMMENTS_BLOCKED_WORDS = env_list("DJANGO_COMMENTS_BLOCKED_WORDS", "كازينو,قمار,viagra,casino")
# django-fast-ratelimit rates ("5/10m"); empty turns a limit off.
# Per address it is generous: Moroccan mobile readers share addresses behind carrier NAT.
COMMENTS_RATE_PER_ADDRESS = env_str("DJANGO_COMMENTS_RATE_PER_ADDRESS", "10/10m")
COMMENTS_RATE_PER_EMAIL = env_str("DJANGO_COMMENTS_RATE_PER_EMAIL", "5/10m")
COMMENTS_RATE_REPORTS = env_str("DJANGO_COMMENTS_RATE_REPORTS", "20/h")

# `manage.py backup` (and `make backup`) write their archives here.
BACKUP_DIR = Path(env_str("DJANGO_BACKUP_DIR", str(BASE_DIR / "var" / "backups")))

# Health check (/healthz): a waiting task older than this means no worker is taking work.
HEALTH_QUEUE_MAX_AGE = env_int("DJANGO_HEALTH_QUEUE_MAX_AGE", 15 * 60)  # seconds; 0: never unhealthy

# Logs go to stderr: one line per request (articles.access_log) and errors with their
# traceback, for journald or the process manager to keep.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": LOG_FORMAT, "datefmt": "%Y-%m-%dT%H:%M:%S%z"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stderr"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "portal.access": {"level": "INFO"},
        # runserver's own request lines would repeat the access log.
        "django.server": {"level": "ERROR"},
    },
}

# Error reporting, off unless SENTRY_DSN is set (no addresses or cookies are sent).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
